# Hostile answers that once hung a caller or spread to every device
# (issue 24), each with a healthy vfu_edu beside the hostile server
# (tests/user/servers/hostile_server.py):
#   reset-512   DEVICE_RESET answered with error 512: `echo 1 > reset` fails
#               with EIO within the bound (the kernel refuses a FUSE error of
#               512 or more: passed on, the writer waited forever)
#   irq-600     DEVICE_SET_IRQS answered with error 600: `echo intx > irq` EIO
#   info-512    DEVICE_GET_INFO answered with 512 during a run-time attach:
#               setfattr -n user.vfio.attach fails with EIO, no directory
#   drop-map    the first DMA_MAP kept but never answered: the buffer still
#               maps for the others, the hostile device is lost (ENODEV), and
#               later buffers map (the IOVA was not handed out again to a
#               server that may hold it)
#   unmap-fail  the first DMA_UNMAP refused (mapping kept): the same
# Every operation is bounded; after each case the daemon is alive, the log
# names the device, the healthy device's DMA engine reaches a new buffer,
# and the daemon exits cleanly at unmount.
#   bash tests/user/all.sh t_vfu_hostile_replies.sh
#   bash tests/user/t_vfu_hostile_replies.sh [MODE...]       (by hand)
. tests/user/common.sh

TIMEOUT=2                    # vfio_user_timeout for the mount, seconds
BOUND=$((TIMEOUT + 3))       # the longest a failing operation may take
MODES=(reset-512 irq-600 info-512 drop-map unmap-fail)
[ $# -gt 0 ] && MODES=("$@")
IDENT=0x56465531             # vfu_edu's ident register

# timed OP ARG...: "RESULT SECONDS" of one file operation (OK or the errno
# name), "hung 30" if it did not return within 30 s.  A FUSE request the
# daemon took and never answered cannot be killed (the kernel waits for the
# answer), so the caller runs in the background and only its output file is
# waited for; it ends when the daemon does.
#   write FILE TEXT | setxattr PATH NAME VALUE | truncate PATH SIZE | unlink PATH | stat PATH |
#   read FILE OFF
timed() {
    local out
    out=$(mktemp -u "$WORK/timed.XXXXXX")
    (python3 - "$@" >"$out.tmp" 2>/dev/null <<'PY'
import errno, os, sys, time
op, args = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
try:
    if op == "write":
        fd = os.open(args[0], os.O_WRONLY)
        try:
            os.write(fd, args[1].encode())
        finally:
            os.close(fd)
    elif op == "setxattr":
        os.setxattr(args[0], args[1], args[2].encode())
    elif op == "truncate":                  # as truncate -s: creates the file
        fd = os.open(args[0], os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            os.ftruncate(fd, int(args[1]))
        finally:
            os.close(fd)
    elif op == "unlink":
        os.unlink(args[0])
    elif op == "stat":
        os.stat(args[0])
    elif op == "read":
        fd = os.open(args[0], os.O_RDONLY)
        try:
            os.pread(fd, 4, int(args[1], 0))
        finally:
            os.close(fd)
    r = "OK"
except OSError as e:
    r = errno.errorcode.get(e.errno, str(e.errno))
print(r, "%.2f" % (time.monotonic() - t0))
PY
    mv "$out.tmp" "$out") >/dev/null 2>&1 &
    wait_until 30 test -s "$out"
    if [ -s "$out" ]; then cat "$out"; else echo "hung 30"; fi
}
# within R T WANT: R is WANT and T <= BOUND.
within() { [ "$1" = "$3" ] && awk -v t="$2" -v b="$BOUND" 'BEGIN { exit !(t <= b) }'; }

# expect CASE WHAT OP ARG...: one bounded operation must give WANT (set by the
# caller).  A hung one sets HUNG: what follows could hang too (a hung
# setxattr holds the root directory's lock, so every lookup there waits).
expect() {
    local case=$1 what=$2 r t
    shift 2
    read -r r t < <(timed "$@")
    check "$case: $what: $WANT within $BOUND s (got $r in $t s)" within "$r" "$t" "$WANT"
    [ "$r" = hung ] && HUNG=1
    return 0
}

# The healthy device reaches a buffer made after the misbehaviour: its DMA
# engine copies the buffer into its BAR2 (by DMA_READ messages).
healthy_dma() {
    local case=$1 M=$2 iova
    head -c 4096 /dev/urandom >"$WORK/pat"
    WANT=OK expect "$case" "a new buffer maps" truncate "$M/dma/fresh" 4096
    dd if="$WORK/pat" of="$M/dma/fresh" bs=4096 count=1 conv=notrunc status=none 2>/dev/null
    iova=$(iova_of "$M/dma/fresh")
    expect_eq "$case: the healthy device's DMA from the new buffer" \
        "$(edu_dma "$M/edu" "${iova:-0}" 0 4096 1)" 0x00000000
    dd if="$M/edu/bar2" of="$WORK/dev" bs=4096 count=1 status=none 2>/dev/null
    check "$case: the healthy device got the new buffer's bytes" cmp "$WORK/pat" "$WORK/dev"
}

run_case() {
    local case=$1 i=$2 M devices
    M=$WORK/m$i
    HUNG=
    echo "# $case" >>"$WORK/hostile.log"
    rm -f "$WORK/edu.sock"
    model_start edu || { not_ok "$case: vfu_edu starts"; return; }
    hostile_start "$case" || { not_ok "$case: the hostile server starts"; server_stop edu; return; }
    devices="vfio_user=$WORK/hostile.sock,"
    [ "$case" = info-512 ] && devices=
    if ! vfiofs_mount "$M" -o "${devices}vfio_user=$WORK/edu.sock,vfio_user_timeout=$TIMEOUT" ||
        ! [ -d "$M/edu" ]; then
        not_ok "$case: mount with the healthy device: $(tail -n 3 "$M.log")"
        server_stop edu; hostile_stop; return
    fi
    head -c 4096 /dev/urandom >"$WORK/keep"
    truncate -s 4096 "$M/dma/keep" 2>/dev/null &&
        dd if="$WORK/keep" of="$M/dma/keep" bs=4096 conv=notrunc status=none 2>/dev/null
    case $case in
    reset-512)
        WANT=EIO expect "$case" "echo 1 > reset" write "$M/hostile/reset" 1
        WANT=EIO expect "$case" "a second reset" write "$M/hostile/reset" 1 ;;
    irq-600)
        WANT=EIO expect "$case" "echo intx > irq" write "$M/hostile/irq" intx ;;
    info-512)
        WANT=EIO expect "$case" "setfattr -n user.vfio.attach" setxattr "$M" user.vfio.attach "$WORK/hostile.sock"
        [ -z "$HUNG" ] && WANT=ENOENT expect "$case" "no directory for the device that failed its attach" \
            stat "$M/hostile" ;;
    drop-map)
        # keep (above) was the first DMA_MAP: its reply never came.
        check "$case: the buffer whose reply was dropped still has its bytes" cmp "$WORK/keep" "$M/dma/keep"
        WANT=OK expect "$case" "a second buffer maps" truncate "$M/dma/x" 4096
        WANT=ENODEV expect "$case" "the lost device answers ENODEV" read "$M/hostile/bar0" 0
        check "$case: the log says which device and why" grep -q "hostile: .*DMA_MAP" "$M.log" ;;
    unmap-fail)
        WANT=OK expect "$case" "rm of a buffer whose DMA_UNMAP is refused" unlink "$M/dma/keep"
        WANT=OK expect "$case" "a buffer at the freed IOVA maps" truncate "$M/dma/x" 4096
        WANT=ENODEV expect "$case" "the lost device answers ENODEV" read "$M/hostile/bar0" 0
        check "$case: the log says which device and why" grep -q "hostile: .*DMA_UNMAP" "$M.log" ;;
    esac
    if [ -n "$HUNG" ]; then
        not_ok "$case: a caller hung; the daemon is killed to free it, the other checks skipped"
        kill -KILL "${DAEMON_PID[$M]}" 2>/dev/null
        fusermount3 -uz "$M" 2>/dev/null
        server_stop edu
        hostile_stop
        return
    fi
    check "$case: the daemon is alive" kill -0 "${DAEMON_PID[$M]}"
    check "$case: the log names the hostile device" grep -q hostile "$M.log"
    expect_eq "$case: the healthy device reads its ident" "$(r32 "$M/edu/bar0" 0)" $IDENT
    [ "$case" != unmap-fail ] && check "$case: the first buffer kept its bytes" cmp "$WORK/keep" "$M/dma/keep"
    healthy_dma "$case" "$M"
    if vfiofs_umount "$M"; then ok "$case: the daemon exits cleanly at unmount"; else
        not_ok "$case: the daemon exits cleanly at unmount: $(tail -n 3 "$M.log")"
        # A caller stuck on a request the daemon never answered ends with the daemon.
        kill -KILL "${DAEMON_PID[$M]}" 2>/dev/null
        fusermount3 -uz "$M" 2>/dev/null
    fi
    if [ -n "${VERBOSE:-}" ]; then sed "s/^/# $case vfiofs: /" "$M.log"; fi
    server_stop edu
    hostile_stop
}

run_hostile_modes
