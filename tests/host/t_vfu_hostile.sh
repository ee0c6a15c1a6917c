#!/bin/bash
# Host tier: hostile vfio-user servers (tests/vfio-user/hostile_server.py).
# For each way of misbehaving (and "good", which checks the harness), one
# mount with the hostile device and a healthy vfu_edu device: reading the
# hostile BAR0 fails with EIO within a bounded time, later operations on it
# with ENODEV (a silent server: EIO each time, the connection stays); the
# daemon survives, the healthy device still answers, a DMA buffer keeps its
# bytes and new buffers still map.
#   bash tests/host/t_vfu_hostile.sh [MODE...]      (root; src/vfiofs built)
# Prints "ok N - text" / "not ok N - text"; exits 1 if anything failed, 77
# (after a "skipped:" line) when libvfio-user cannot be built.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$REPO" || exit 1
EDU_ENV=${VFU_EDU:-}
if [ -f tests/vfio-user/paths.sh ]; then
    . tests/vfio-user/paths.sh
else
    VFU_BUILD=${VFU_BUILD:-/var/tmp/vfiofs-vfu}
    VFU_EDU=$VFU_BUILD/models/$(printf '%s' "$REPO" | cksum | cut -d' ' -f1)/vfu_edu
fi
TIMEOUT=2                    # vfio_user_timeout for the mount, seconds
BOUND=$((TIMEOUT + 3))       # the longest a failing operation may take
MODES=(good garbage truncated oversized wrong-id unexpected unexpected-cmd short-reply long-reply silent die
       dma-outside dma-outside:no-twin dma-flood bad-version bad-caps silent-version die-attach)
[ $# -gt 0 ] && MODES=("$@")

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

# VFU_EDU=PATH in the environment: use that vfu_edu binary, build nothing.
if [ -n "$EDU_ENV" ]; then VFU_EDU=$EDU_ENV; out=; rc=0
else out=$(bash tests/vfio-user/build.sh 2>&1); rc=$?; fi
if [ $rc -eq 77 ]; then echo "$out" | grep '^skipped' || echo "skipped: libvfio-user not built"; exit 77; fi
if [ $rc -ne 0 ] || [ ! -x "$VFU_EDU" ]; then
    echo "$out"; not_ok "build libvfio-user and vfu_edu"; exit 1
fi
[ -x src/vfiofs ] || { not_ok "src/vfiofs is built (bash scripts/build.sh)"; exit 1; }
command -v fusermount3 >/dev/null || { not_ok "fusermount3 is installed"; exit 1; }

# Python helpers: one access, printing the value or the errno's name and the time taken.
#   access read PATH OFFSET WIDTH | write PATH OFFSET HEX
access() {
    timeout 30 python3 - "$@" <<'EOF'
import errno, os, sys, time
op, path, off = sys.argv[1], sys.argv[2], int(sys.argv[3], 0)
t0 = time.monotonic()
try:
    fd = os.open(path, os.O_RDWR if op == "write" else os.O_RDONLY)
    try:
        if op == "read":
            data = os.pread(fd, int(sys.argv[4]), off)
            res = "0x%x" % int.from_bytes(data, "little") if data else "empty"
        else:
            os.pwrite(fd, bytes.fromhex(sys.argv[4]), off)
            res = "written"
    finally:
        os.close(fd)
except OSError as e:
    res = errno.errorcode.get(e.errno, str(e.errno))
print(res, "%.2f" % (time.monotonic() - t0))
EOF
}

# Waits up to $2 tenths of a second for the command $1 to succeed.
wait_for() { local i; for ((i = 0; i < $2; i++)); do eval "$1" && return 0; sleep 0.1; done; return 1; }

run_mode() {
    local mode=${1%%:*} flags=() case=$1 D M pid_edu pid_host pid_fs r t
    [ "$case" != "$mode" ] && flags=(--no-twin)
    D=$(mktemp -d /tmp/vfu-hostile.XXXXXX) M=$D/mnt
    mkdir "$M"
    "$VFU_EDU" "$D/edu.sock" >"$D/edu.out" 2>"$D/edu.log" & pid_edu=$!
    python3 tests/vfio-user/hostile_server.py -v "${flags[@]}" "$mode" "$D/hostile.sock" \
        >"$D/hostile.out" 2>"$D/hostile.log" & pid_host=$!
    if ! wait_for "grep -q ready $D/edu.out 2>/dev/null && grep -q ready $D/hostile.out 2>/dev/null" 50; then
        not_ok "$case: servers start"; kill "$pid_edu" "$pid_host" 2>/dev/null; wait 2>/dev/null; return
    fi
    src/vfiofs "$M" -f -o "vfio_user=$D/hostile.sock,vfio_user=$D/edu.sock,vfio_user_timeout=$TIMEOUT" \
        >"$D/vfiofs.log" 2>&1 & pid_fs=$!
    if ! wait_for "[ -d $M/edu ]" 150; then
        not_ok "$case: mount with the healthy device"; sed 's/^/# /' "$D/vfiofs.log" | tail -5
        kill "$pid_fs" "$pid_edu" "$pid_host" 2>/dev/null; wait 2>/dev/null; return
    fi
    # Before: a buffer with a pattern in it.
    truncate -s 4096 "$M/dma/keep" && head -c 4096 /dev/urandom >"$D/pattern" &&
        dd if="$D/pattern" of="$M/dma/keep" bs=4096 conv=notrunc status=none
    check "$case: a DMA buffer before" cmp -s "$D/pattern" "$M/dma/keep"

    if [[ $mode == bad-version || $mode == bad-caps || $mode == silent-version || $mode == die-attach ]]; then
        check "$case: the device that failed its attach has no directory" test ! -e "$M/hostile"
    else
        read -r r t < <(access read "$M/hostile/bar0" 0x04 4)
        case $mode in
        good|dma-outside)
            check "$case: the read succeeds (got $r in $t s)" \
                test "$r" = 0xbadc0de
            read -r r t < <(access read "$M/hostile/bar0" 0x04 4)
            check "$case: the device keeps working (got $r)" test "$r" = 0xbadc0de ;;
        dma-flood)
            # The answers to the flood fill the socket the server never reads: the read
            # may still get its reply or fail, but within the bound.
            check "$case: the value or EIO within $BOUND s (got $r in $t s)" \
                awk -v r="$r" -v t="$t" -v b="$BOUND" 'BEGIN { exit !((r == "EIO" || r == "0xbadc0de") && t <= b) }'
            read -r r t < <(access read "$M/hostile/bar0" 0x04 4)
            check "$case: a later read answers or fails within $BOUND s (got $r in $t s)" \
                awk -v r="$r" -v t="$t" -v b="$BOUND" 'BEGIN { exit !((r == "EIO" || r == "ENODEV" || r == "0xbadc0de") && t <= b) }' ;;
        unexpected-cmd)
            # A client may refuse the command with an error reply and go on, or drop the device.
            check "$case: EIO or the value within $BOUND s (got $r in $t s)" \
                awk -v r="$r" -v t="$t" -v b="$BOUND" 'BEGIN { exit !((r == "EIO" || r == "0xbadc0de") && t <= b) }'
            local first=$r
            read -r r t < <(access read "$M/hostile/bar0" 0x04 4)
            if [ "$first" = EIO ]; then
                check "$case: then ENODEV (got $r)" test "$r" = ENODEV
            else
                # The request came on the twin socket, the reply on the main one: the
                # client may have dropped the device just after that reply.
                check "$case: then the value again or ENODEV (got $r)" \
                    test "$r" = 0xbadc0de -o "$r" = ENODEV
            fi ;;
        silent)
            check "$case: read of the hostile BAR0 fails with EIO within $BOUND s (got $r in $t s)" \
                awk -v r="$r" -v t="$t" -v b="$BOUND" 'BEGIN { exit !(r == "EIO" && t <= b) }'
            # The connection stays (a late reply is dropped by its id: doc/decisions.md), so
            # each later access waits its bounded time too; meanwhile the other device answers.
            access read "$M/hostile/bar0" 0x04 4 >"$D/late" &
            local late=$!
            sleep 0.3
            read -r r t < <(access read "$M/edu/bar0" 0 4)
            check "$case: the healthy device answers while a hostile read waits (got $r in $t s)" \
                awk -v r="$r" -v t="$t" 'BEGIN { exit !(r == "0x56465531" && t < 1) }'
            wait "$late"
            read -r r t <"$D/late"
            check "$case: a later read fails with EIO within $BOUND s (got $r in $t s)" \
                awk -v r="$r" -v t="$t" -v b="$BOUND" 'BEGIN { exit !(r == "EIO" && t <= b) }' ;;
        *)
            check "$case: read of the hostile BAR0 fails with EIO within $BOUND s (got $r in $t s)" \
                awk -v r="$r" -v t="$t" -v b="$BOUND" 'BEGIN { exit !(r == "EIO" && t <= b) }'
            read -r r t < <(access read "$M/hostile/bar0" 0x04 4)
            check "$case: a later read fails with ENODEV within $BOUND s (got $r in $t s)" \
                awk -v r="$r" -v t="$t" -v b="$BOUND" 'BEGIN { exit !(r == "ENODEV" && t <= b) }' ;;
        esac
    fi
    check "$case: the daemon is alive" kill -0 "$pid_fs"
    check "$case: the log names the hostile device" grep -q hostile "$D/vfiofs.log"
    read -r r t < <(access read "$M/edu/bar0" 0 4)
    check "$case: the healthy device reads its ident (got $r)" test "$r" = 0x56465531
    check "$case: the DMA buffer kept its bytes" cmp -s "$D/pattern" "$M/dma/keep"
    truncate -s 4096 "$M/dma/after" 2>/dev/null && echo -n after-bytes | dd of="$M/dma/after" conv=notrunc status=none 2>/dev/null
    check "$case: a new DMA buffer maps and keeps its bytes" \
        test "$(head -c 11 "$M/dma/after" 2>/dev/null)" = after-bytes

    fusermount3 -u "$M" 2>/dev/null
    wait_for "! kill -0 $pid_fs 2>/dev/null" 50 || kill "$pid_fs" 2>/dev/null
    check "$case: the daemon exits cleanly after unmount" wait "$pid_fs"
    kill "$pid_edu" "$pid_host" 2>/dev/null
    wait "$pid_edu" "$pid_host" 2>/dev/null
    if [ "${VERBOSE:-}" ]; then sed "s/^/# $case vfiofs: /" "$D/vfiofs.log"; sed "s/^/# $case server: /" "$D/hostile.log"; fi
    rm -rf "$D"
}

for m in "${MODES[@]}"; do run_mode "$m"; done
echo "# t_vfu_hostile: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
