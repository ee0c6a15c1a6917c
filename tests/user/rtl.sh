# Shared by the host scenarios of sim/'s RTL devices (after common.sh):
#   . tests/user/common.sh; . tests/user/rtl.sh
# rtl_start NAME BINARY [ARG...] starts a bridge server (rtl_edu, rtl_broken)
# on $WORK/NAME.sock and waits for its "ready" (common.sh's server_start);
# rtl_dma DEV SRC DST COUNT CMD
# runs one transfer of the edu's DMA engine and waits until it is idle.
. "$REPO/sim/paths.sh"

[ -x "$RTL_EDU" ] && [ -x "$RTL_BROKEN" ] && [ -x "$RTL_AXIL" ] ||
    { echo "not ok 0 - $RTL_EDU is not built (bash sim/build.sh)"; exit 1; }

rtl_start() { server_start "$@"; }

rtl_dma() { python3 "$REPO/tests/user/rtl_edu.py" dma "$1" "$2" "$3" "$4" "$5"; }

# rtl_counts NAME: the server's DMA counters from its exit line (after server_stop).
rtl_counts() { sed -n 's/.*dma requests \([0-9]*\) (\([0-9]*\) by message, \([0-9]*\) direct, \([0-9]*\) failed).*/\1 \2 \3 \4/p' "$WORK/$1.log" | tail -n 1; }
