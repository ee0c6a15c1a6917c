# Shared by the user tier's scenarios (bash, run on the host as root; no guest):
#   . tests/user/common.sh
# Starts vfio-user servers (our model vfu_edu and libvfio-user's samples) on
# sockets in a temporary directory, mounts vfiofs over them, reads and writes
# registers, and prints TAP-like lines: "ok N - text" / "not ok N - text".
# Every wait is a bounded poll. Everything a scenario started (servers,
# daemons, mounts) is stopped by its exit trap, by process id.

REPO=${REPO:-$(pwd -P)}
VFIOFS=${VFIOFS:-$REPO/src/vfiofs}
. "$REPO/tests/user/servers/paths.sh"
. "$REPO/tests/lib/files.sh"
WORK=${WORK:-$(mktemp -d /tmp/vfiofs-user.XXXXXX)}
mkdir -p "$WORK"

[ -x "$VFIOFS" ] || { echo "not ok 0 - $VFIOFS is not built (bash scripts/build.sh)"; exit 1; }
[ -x "$VFU_EDU" ] || { echo "not ok 0 - $VFU_EDU is not built (bash tests/user/servers/build.sh)"; exit 1; }

_n=0
_passed=0
_failed=0

# ok TEXT / not_ok TEXT: one numbered result line.
ok() {
    _n=$((_n + 1)); _passed=$((_passed + 1))
    echo "ok $_n - $*"
}
not_ok() {
    _n=$((_n + 1)); _failed=$((_failed + 1))
    echo "not ok $_n - $*"
}

# check TEXT CMD...: ok if CMD succeeds, else not ok (with what CMD printed on stderr).
check() {
    local text=$1 err
    shift
    if err=$("$@" 2>&1 >/dev/null); then ok "$text"; else not_ok "$text${err:+: $err}"; fi
}

# expect_eq TEXT ACTUAL EXPECTED: ok if equal, else not ok naming both.
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: expected '$3', got '$2'"; fi
}

# summary: the scenario's counts; the exit status says whether all passed.
summary() {
    echo "# $_passed passed, $_failed failed"
    [ "$_failed" = 0 ]
}

# wait_until SECONDS CMD...: runs CMD every 50 ms until it succeeds (0) or time is up (1).
wait_until() {
    local end=$((SECONDS + $1))
    shift
    until "$@"; do
        [ "$SECONDS" -lt "$end" ] || return 1
        sleep 0.05
    done
}

# A process waited for leaves the cleanup list: its id may be reused.
_forget_pid() { sed -i "/^$1\$/d" "$WORK/pids" 2>/dev/null; }

# ---- servers ----------------------------------------------------------------

declare -A SERVER_PID=()

_has_ready() { grep -qx ready "$1"; }
_is_dead() { ! kill -0 "$1" 2>/dev/null; }
_ready_or_dead() { _has_ready "$1" || _is_dead "$2"; }
_sock_or_dead() { [ -S "$1" ] || _is_dead "$2"; }

# server_start NAME BINARY [ARG...]: starts a server that prints "ready"
# (vfu_edu, sim/'s bridge servers) on $WORK/NAME.sock (stdout in
# $WORK/NAME.out, stderr in $WORK/NAME.log) and waits for its "ready".
server_start() {
    local name=$1 bin=$2
    shift 2
    : >"$WORK/$name.out"
    "$bin" "$@" "$WORK/$name.sock" >"$WORK/$name.out" 2>>"$WORK/$name.log" &
    SERVER_PID[$name]=$!
    echo "${SERVER_PID[$name]}" >>"$WORK/pids"
    wait_until 10 _ready_or_dead "$WORK/$name.out" "${SERVER_PID[$name]}" &&
        _has_ready "$WORK/$name.out"
}

# model_start NAME [ARG...]: server_start of vfu_edu.
model_start() {
    local name=$1
    shift
    server_start "$name" "$VFU_EDU" "$@"
}

# sample_start NAME SAMPLE [ARG...]: starts one of libvfio-user's samples on
# $WORK/NAME.sock and waits for its socket (they print nothing when ready).
sample_start() {
    local name=$1 sample=$2
    shift 2
    rm -f "$WORK/$name.sock"
    "$VFU_SAMPLES/$sample" "$@" "$WORK/$name.sock" >"$WORK/$name.out" 2>>"$WORK/$name.log" </dev/null &
    SERVER_PID[$name]=$!
    echo "${SERVER_PID[$name]}" >>"$WORK/pids"
    wait_until 10 _sock_or_dead "$WORK/$name.sock" "${SERVER_PID[$name]}" && [ -S "$WORK/$name.sock" ]
}

# hostile_start [FLAG...] MODE: starts tests/user/servers/hostile_server.py
# (-v) in MODE on $WORK/hostile.sock (stdout in $WORK/hostile.out, stderr
# appended to $WORK/hostile.log), its pid in HOSTILE_PID, and waits for its
# "ready". hostile_stop: kills it and waits for it.
hostile_start() {
    rm -f "$WORK/hostile.sock"
    : >"$WORK/hostile.out"
    python3 tests/user/servers/hostile_server.py -v "$@" "$WORK/hostile.sock" \
        >"$WORK/hostile.out" 2>>"$WORK/hostile.log" &
    HOSTILE_PID=$!
    echo "$HOSTILE_PID" >>"$WORK/pids"
    wait_until 10 _ready_or_dead "$WORK/hostile.out" "$HOSTILE_PID" && _has_ready "$WORK/hostile.out"
}
hostile_stop() {
    { kill "$HOSTILE_PID"; wait "$HOSTILE_PID"; } 2>/dev/null
    _forget_pid "$HOSTILE_PID"
}

# run_hostile_modes: the scenario's run_case MODE N for each of its MODES in
# turn, the hostile server's log under VERBOSE, then the summary.
run_hostile_modes() {
    local c i=0
    for c in "${MODES[@]}"; do
        i=$((i + 1))
        run_case "$c" "$i"
    done
    [ -n "${VERBOSE:-}" ] && sed 's/^/# server: /' "$WORK/hostile.log"
    summary
}

# server_stop NAME [SIGNAL]: signals the server (TERM by default) and waits
# for it (bounded; KILL after 5 s). Returns its exit status.
server_stop() {
    local pid=${SERVER_PID[$1]:-}
    [ -n "$pid" ] || return 0
    local rc
    # (bash reports a job killed by a signal on stderr: expected here, not news)
    {
        kill "-${2:-TERM}" "$pid"
        wait_until 5 _is_dead "$pid" || kill -KILL "$pid"
        wait "$pid"
        rc=$?
    } 2>/dev/null
    unset "SERVER_PID[$1]"
    _forget_pid "$pid"
    return $rc
}

# ---- the vfiofs daemon ------------------------------------------------------

declare -A DAEMON_PID=()

is_mounted() { grep -q " $1 fuse" /proc/mounts; }
_mounted_or_dead() { is_mounted "$1" || _is_dead "$2"; }

# vfiofs_mount MNT [ARG...]: runs "vfiofs MNT -f ARG..." in the background
# (stderr in MNT.log) and returns once it is mounted (0) or gave up (1).
vfiofs_mount() {
    local mnt=$1
    shift
    mkdir -p "$mnt"
    "$VFIOFS" "$mnt" -f "$@" 2>>"$mnt.log" &
    DAEMON_PID[$mnt]=$!
    echo "${DAEMON_PID[$mnt]}" >>"$WORK/pids"
    wait_until 15 _mounted_or_dead "$mnt" "${DAEMON_PID[$mnt]}" && is_mounted "$mnt"
}

# vfiofs_umount MNT: fusermount3 -u, then waits (bounded) for the daemon to
# exit; returns its exit status (1 if it did not exit).
vfiofs_umount() {
    local mnt=$1 pid=${DAEMON_PID[$1]:-}
    fusermount3 -u "$mnt" || return 1
    [ -n "$pid" ] || return 0
    wait_until 15 _is_dead "$pid" || return 1
    wait "$pid"
    local rc=$?
    unset "DAEMON_PID[$mnt]"
    _forget_pid "$pid"
    return $rc
}

# Cleanup at exit: our mounts, our daemons, our servers, by process id.
_cleanup() {
    local m pid
    for m in $(awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts); do
        fusermount3 -uz "$m" 2>/dev/null
    done
    if [ -f "$WORK/pids" ]; then
        while read -r pid; do kill -TERM "$pid" 2>/dev/null; done <"$WORK/pids"
        sleep 0.2
        while read -r pid; do kill -KILL "$pid" 2>/dev/null; done <"$WORK/pids"
    fi
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap _cleanup EXIT

# ---- registers and files ----------------------------------------------------

# rd FILE OFFSET WIDTH: one pread of WIDTH bytes; prints the little-endian
# value as 0x%0*x, or the errno name (EIO, ...) when the read fails.
rd() {
    python3 - "$@" <<'EOF'
import errno, os, sys
path, off, width = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3])
fd = os.open(path, os.O_RDONLY)
try:
    data = os.pread(fd, width, off)
    print("0x%0*x" % (2 * width, int.from_bytes(data, "little")) if len(data) == width else "short %d" % len(data))
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
EOF
}

# wr FILE OFFSET WIDTH VALUE: one pwrite of WIDTH bytes (little-endian);
# prints nothing on success, else the errno name or "short N"; status 0 on success.
wr() {
    python3 - "$@" <<'EOF'
import errno, os, sys
path, off, width, val = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3]), int(sys.argv[4], 0)
fd = os.open(path, os.O_WRONLY)
try:
    n = os.pwrite(fd, val.to_bytes(width, "little"), off)
    if n != width:
        print("short %d" % n); sys.exit(1)
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno)); sys.exit(1)
EOF
}

r32() { rd "$1" "$2" 4; }
r64() { rd "$1" "$2" 8; }
w32() { wr "$1" "$2" 4 "$3"; }
w64() { wr "$1" "$2" 8 "$3"; }

# dd_r32 FILE OFFSET: a 4-byte read the shell way (dd, od), as 0x%08x.
dd_r32() {
    local hex
    hex=$(dd if="$1" bs=4 count=1 skip="$(($2))" iflag=skip_bytes 2>/dev/null | od -An -tx1 -v | tr -d ' \n')
    [ ${#hex} = 8 ] || return 1
    echo "0x${hex:6:2}${hex:4:2}${hex:2:2}${hex:0:2}"
}

# dd_w32 FILE OFFSET VALUE: a 4-byte write the shell way (printf, dd).
dd_w32() {
    local v=$(($3 & 0xffffffff))
    # shellcheck disable=SC2059
    printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((v & 255)) $((v >> 8 & 255)) $((v >> 16 & 255)) $((v >> 24 & 255)))" |
        dd of="$1" bs=4 count=1 seek="$(($2))" oflag=seek_bytes iflag=fullblock conv=notrunc 2>/dev/null
}

# file_hex FILE OFFSET COUNT: COUNT bytes as hex, in file order.
file_hex() {
    dd if="$1" bs=1 skip="$(($2))" count="$3" 2>/dev/null | od -An -tx1 -v | tr -d ' \n'
}




# edu_dma DEV SRC DST COUNT CMD: programs vfu_edu's DMA engine and starts it
# (synchronous in the model: done when the write returns); prints the result
# register 0xa0 (0x00000000 on success).
edu_dma() {
    w64 "$1/bar0" 0x80 "$2" && w64 "$1/bar0" 0x88 "$3" && w64 "$1/bar0" 0x90 "$4" &&
        w64 "$1/bar0" 0x98 "$5" && wait_until 10 _dma_idle "$1" && r32 "$1/bar0" 0xa0
}
_dma_idle() { local c; c=$(r64 "$1/bar0" 0x98) && [ "${c:0:2}" = 0x ] && [ $((c & 1)) = 0 ]; }

# edu_fact_wait DEV: waits (bounded) until the factorial's busy bit clears.
_fact_idle() { [ "$(r32 "$1/bar0" 0x34)" = 0x00000000 ]; }
edu_fact_wait() { wait_until 10 _fact_idle "$1"; }
