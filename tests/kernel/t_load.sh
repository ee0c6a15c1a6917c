# Load, bounded in time (issue 10's audit, kept): concurrent BAR clients on
# ivshmem, dma/ buffer churn, an interrupt storm with several readers, rmdir
# under load, kill -9 mid-traffic then a new mount at once; the daemon's
# threads, RSS and locked memory do not grow. LOAD_SECONDS per case (3).
# The new mount waits for the killed daemon's groups (the kernel resets the
# devices as it closes them: about 3 s for four devices under TCG).
. tests/kernel/common.sh

M=$WORK/m
S=$M/$VFIOFS_IVSHMEM
OPTS="device=$VFIOFS_EDU0,device=$VFIOFS_EDU1,device=$VFIOFS_NVME,device=$VFIOFS_IVSHMEM"
vfiofs_mount "$M" -o "$OPTS" || { cat "$M.log"; exit 1; }

# load NAME CASE ARG...: one load.py case as one test; its summary line as a comment.
load() {
    t_begin "$1"
    shift
    _out=$(python3 tests/kernel/load.py "$@" 2>&1) && t_pass || t_fail "$_out"
    [ -z "$_out" ] || echo "# $_out"
}
status_of() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# The baseline after one warm-up round of each kind of traffic, so that what
# the first use of a path allocates once is not counted as growth.
LOAD_SECONDS=0.3 python3 tests/kernel/load.py buffer_churn "$M" 2 >/dev/null
LOAD_SECONDS=0.3 python3 tests/kernel/load.py bar_clients "$S/bar2" "$VFIOFS_IVSHMEM_FILE" 2 >/dev/null
threads0=$(status_of "$VFIOFS_PID" Threads)
rss0=$(status_of "$VFIOFS_PID" VmRSS)
lck0=$(status_of "$VFIOFS_PID" VmLck)

load bar-clients-disjoint-slices-no-corruption bar_clients "$S/bar2" "$VFIOFS_IVSHMEM_FILE" 8
load buffer-churn-no-corruption-no-overlap-no-leftover buffer_churn "$M" 4
load irq-storm-every-reader-counts-all irq_storm "$M/$VFIOFS_NVME" 4 2
load rmdir-under-load-only-ENODEV rmdir_under_load "$M" "$VFIOFS_EDU1" "$VFIOFS_EDU0" 4

t_begin no-growth-in-threads-rss-locked-memory
threads1=$(status_of "$VFIOFS_PID" Threads)
rss1=$(status_of "$VFIOFS_PID" VmRSS)
lck1=$(status_of "$VFIOFS_PID" VmLck)
echo "# threads $threads0 -> $threads1, VmRSS $rss0 -> $rss1 kB, VmLck $lck0 -> $lck1 kB"
# libfuse keeps up to 10 idle workers; RSS may settle a few MiB up (malloc arenas).
expect_eq "$lck1" "$lck0" "locked memory" &&
    [ "$threads1" -le $((threads0 + 10)) ] && [ "$rss1" -le $((rss0 + 16384)) ] && t_pass ||
    t_fail "threads $threads0 -> $threads1, VmRSS $rss0 -> $rss1 kB"

t_begin kill-9-mid-traffic-then-mount-at-once
LOAD_SECONDS=30 python3 tests/kernel/load.py bar_clients "$S/bar2" "$VFIOFS_IVSHMEM_FILE" 4 \
    >/dev/null 2>&1 &
TRAFFIC=$!
sleep 1
kill -9 "$VFIOFS_PID"
wait_until 10 is_dead "$VFIOFS_PID"
umount -l "$M"
t0=$(date +%s%N)
vfiofs_mount "$M" -o "$OPTS" && t1=$(date +%s%N) &&
    expect_eq "$(read_u32 "$M/$VFIOFS_EDU0/bar0" 0)" 0x010000ed "ident after the crash" &&
    [ -d "$S" ] && [ -d "$M/$VFIOFS_NVME" ] && [ -d "$M/$VFIOFS_EDU1" ] &&
    echo "# mounted again $(( (t1 - t0) / 1000000 )) ms after kill -9" &&
    [ $(( (t1 - t0) / 1000000 )) -lt 10000 ] && t_pass ||
    t_fail "log: $(cat "$M.log")"
wait "$TRAFFIC" 2>/dev/null
load after-the-crash-clients-work bar_clients "$S/bar2" "$VFIOFS_IVSHMEM_FILE" 2
vfiofs_umount "$M"
t_summary
