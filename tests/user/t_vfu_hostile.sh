# Hostile vfio-user servers (tests/user/servers/hostile_server.py): for each way
# of misbehaving (and "good", which checks the harness), one mount with the
# hostile device and a healthy vfu_edu beside it. Reading the hostile BAR0
# fails with EIO within a bounded time, later operations on it with ENODEV
# (a silent server: EIO each time, the connection stays); a server that
# breaks its attach gets no directory; the daemon survives, the healthy
# device still answers, a DMA buffer keeps its bytes, new buffers still map,
# and the daemon exits cleanly at unmount.
#   bash tests/user/all.sh t_vfu_hostile.sh
#   bash tests/user/t_vfu_hostile.sh [MODE[:no-twin]...]     (by hand)
. tests/user/common.sh

TIMEOUT=2                    # vfio_user_timeout for the mount, seconds
BOUND=$((TIMEOUT + 3))       # the longest a failing operation may take
MODES=(good garbage truncated oversized wrong-id unexpected unexpected-cmd short-reply long-reply
       silent die dma-outside dma-outside:no-twin dma-flood bad-version bad-caps silent-version
       die-attach)
[ $# -gt 0 ] && MODES=("$@")

# timed_rd FILE OFFSET WIDTH: "VALUE SECONDS": one pread, its value as rd prints
# it (or the errno name) and the time it took; "nothing" if it hung for 30 s.
timed_rd() {
    local out
    out=$(timeout 30 python3 - "$@" <<'EOF'
import errno, os, sys, time
path, off, width = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3])
t0 = time.monotonic()
try:
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.pread(fd, width, off)
        r = "0x%0*x" % (2 * width, int.from_bytes(data, "little")) if len(data) == width else "short"
    finally:
        os.close(fd)
except OSError as e:
    r = errno.errorcode.get(e.errno, str(e.errno))
print(r, "%.2f" % (time.monotonic() - t0))
EOF
)
    echo "${out:-nothing 30}"
}
# within R T WANT...: R is one of WANT and T <= BOUND.
within() {
    local r=$1 t=$2 w
    shift 2
    awk -v t="$t" -v b="$BOUND" 'BEGIN { exit !(t <= b) }' || return 1
    for w; do [ "$r" = "$w" ] && return 0; done
    return 1
}
VALUE=0x0badc0de             # what the hostile BAR0 holds
IDENT=0x56465531             # vfu_edu's ident register

run_case() {
    local case=$1 mode=${1%%:*} i=$2 flags=() M r t first late
    [ "$case" != "$mode" ] && flags=(--no-twin)
    M=$WORK/m$i
    echo "# $case" >>"$WORK/hostile.log"
    rm -f "$WORK/edu.sock"
    model_start edu || { not_ok "$case: vfu_edu starts"; return; }
    hostile_start "${flags[@]}" "$mode" || { not_ok "$case: the hostile server starts"; server_stop edu; return; }
    if ! vfiofs_mount "$M" -o "vfio_user=$WORK/hostile.sock,vfio_user=$WORK/edu.sock,vfio_user_timeout=$TIMEOUT" ||
        ! [ -d "$M/edu" ]; then
        not_ok "$case: mount with the healthy device: $(tail -n 3 "$M.log")"
        server_stop edu; hostile_stop; return
    fi
    # Before: a buffer with a pattern in it.
    head -c 4096 /dev/urandom >"$WORK/pattern"
    truncate -s 4096 "$M/dma/keep" && dd if="$WORK/pattern" of="$M/dma/keep" bs=4096 conv=notrunc status=none
    check "$case: a DMA buffer before" cmp "$WORK/pattern" "$M/dma/keep"

    case $mode in
    bad-version | bad-caps | silent-version | die-attach)
        check "$case: the device that failed its attach has no directory" test ! -e "$M/hostile" ;;
    good | dma-outside)
        read -r r t < <(timed_rd "$M/hostile/bar0" 0x04 4)
        check "$case: the read succeeds (got $r in $t s)" within "$r" "$t" $VALUE
        read -r r t < <(timed_rd "$M/hostile/bar0" 0x04 4)
        check "$case: the device keeps working (got $r)" within "$r" "$t" $VALUE ;;
    unexpected-cmd)
        # A client may refuse the command and go on, or drop the device; the request
        # comes on the twin socket, the reply on the main one, so either may come first.
        read -r r t < <(timed_rd "$M/hostile/bar0" 0x04 4)
        check "$case: EIO or the value within $BOUND s (got $r in $t s)" within "$r" "$t" EIO $VALUE
        first=$r
        read -r r t < <(timed_rd "$M/hostile/bar0" 0x04 4)
        if [ "$first" = EIO ]; then
            check "$case: then ENODEV (got $r)" within "$r" "$t" ENODEV
        else
            check "$case: then the value again or ENODEV (got $r)" within "$r" "$t" $VALUE ENODEV
        fi ;;
    dma-flood)
        # The answers to the flood fill a socket the server never reads: the read
        # may still get its reply or fail, but within the bound.
        read -r r t < <(timed_rd "$M/hostile/bar0" 0x04 4)
        check "$case: the value or EIO within $BOUND s (got $r in $t s)" within "$r" "$t" EIO $VALUE
        read -r r t < <(timed_rd "$M/hostile/bar0" 0x04 4)
        check "$case: a later read answers or fails within $BOUND s (got $r in $t s)" \
            within "$r" "$t" EIO ENODEV $VALUE ;;
    silent)
        read -r r t < <(timed_rd "$M/hostile/bar0" 0x04 4)
        check "$case: read of the hostile BAR0 fails with EIO within $BOUND s (got $r in $t s)" \
            within "$r" "$t" EIO
        # The connection stays (a late reply is dropped by its id: doc/decisions.md), so
        # each later access waits its bounded time too; meanwhile the other device answers.
        timed_rd "$M/hostile/bar0" 0x04 4 >"$WORK/late" &
        late=$!
        sleep 0.3
        read -r r t < <(timed_rd "$M/edu/bar0" 0 4)
        check "$case: the healthy device answers while a hostile read waits (got $r in $t s)" \
            awk -v r="$r" -v t="$t" -v w="$IDENT" 'BEGIN { exit !(r == w && t < 1) }'
        wait "$late"
        read -r r t <"$WORK/late"
        check "$case: a later read fails with EIO within $BOUND s (got $r in $t s)" within "$r" "$t" EIO ;;
    *)
        read -r r t < <(timed_rd "$M/hostile/bar0" 0x04 4)
        check "$case: read of the hostile BAR0 fails with EIO within $BOUND s (got $r in $t s)" \
            within "$r" "$t" EIO
        read -r r t < <(timed_rd "$M/hostile/bar0" 0x04 4)
        check "$case: a later read fails with ENODEV within $BOUND s (got $r in $t s)" \
            within "$r" "$t" ENODEV ;;
    esac
    check "$case: the daemon is alive" kill -0 "${DAEMON_PID[$M]}"
    check "$case: the log names the hostile device" grep -q hostile "$M.log"
    expect_eq "$case: the healthy device reads its ident" "$(r32 "$M/edu/bar0" 0)" $IDENT
    check "$case: the DMA buffer kept its bytes" cmp "$WORK/pattern" "$M/dma/keep"
    truncate -s 4096 "$M/dma/after" 2>/dev/null &&
        printf after-bytes | dd of="$M/dma/after" conv=notrunc status=none 2>/dev/null
    expect_eq "$case: a new DMA buffer maps and keeps its bytes" "$(head -c 11 "$M/dma/after" 2>/dev/null)" after-bytes
    if vfiofs_umount "$M"; then ok "$case: the daemon exits cleanly at unmount"; else
        not_ok "$case: the daemon exits cleanly at unmount: $(tail -n 3 "$M.log")"; fi
    if [ -n "${VERBOSE:-}" ]; then sed "s/^/# $case vfiofs: /" "$M.log"; fi
    server_stop edu
    hostile_stop
}

run_hostile_modes
