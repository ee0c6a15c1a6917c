# Mount, unmount, signals and crashes: the devices are always usable by the next mount.
. tests/kernel/common.sh

M=$WORK/m
E=$M/$VFIOFS_EDU0
OPTS="device=$VFIOFS_EDU0,device=$VFIOFS_EDU1"

t_begin unmount-is-clean
vfiofs_mount "$M" -o "$OPTS" && vfiofs_umount "$M" && ! is_mounted "$M" && t_pass ||
    t_fail "log: $(cat "$M.log")"

t_begin second-mount-right-after
vfiofs_mount "$M" -o "$OPTS" && expect_eq "$(read_u32 "$E/bar0" 0)" 0x010000ed ident && t_pass

t_begin groups-busy-while-mounted
# A second daemon cannot take the same groups: one clear line, no mount.
"$VFIOFS" "$WORK/m2" -f -o "device=$VFIOFS_EDU0" 2>"$WORK/busy.log" && t_fail "second mount succeeded"
grep -q "in use" "$WORK/busy.log" && t_pass || t_fail "stderr: $(cat "$WORK/busy.log")"

t_begin kill-9-then-lazy-unmount-then-mount
kill -9 "$VFIOFS_PID"
wait_until 10 is_dead "$VFIOFS_PID"
umount -l "$M"
vfiofs_mount "$M" -o "$OPTS" && expect_eq "$(read_u32 "$E/bar0" 0)" 0x010000ed "ident after a crash" && t_pass ||
    t_fail "log: $(cat "$M.log")"

t_begin sigterm-unmounts-and-exits-0
kill -TERM "$VFIOFS_PID"
wait_until 30 is_dead "$VFIOFS_PID" && ! is_mounted "$M" || t_fail "still mounted or running"
wait "$VFIOFS_PID"
expect_eq "$?" 0 "exit status after SIGTERM" && t_pass

t_begin sigint-unmounts
# A non-interactive shell starts background jobs with SIGINT ignored, and
# libfuse leaves an ignored signal alone: restore the default, as a terminal has it.
VFIOFS="python3 $REPO/tests/kernel/with_sigint.py $VFIOFS"
vfiofs_mount "$M" -o "$OPTS" && kill -INT "$VFIOFS_PID" && wait_until 30 is_dead "$VFIOFS_PID" &&
    ! is_mounted "$M" && t_pass || t_fail "still mounted or running"

VFIOFS=$REPO/src/vfiofs

t_begin daemonized-mount
# Without -f the daemon detaches; unmount ends it.
"$VFIOFS" "$M" -o "$OPTS" 2>/dev/null && is_mounted "$M" && expect_eq "$(read_u32 "$E/bar0" 0)" 0x010000ed ident &&
    umount "$M" && wait_until 30 sh -c "! pgrep -f '^$VFIOFS $M' >/dev/null" && t_pass ||
    t_fail "daemonized mount"

t_begin group-held-by-a-mapping-names-the-holder
# A client that mapped a BAR keeps its device descriptor, and with it the
# group, after the mount is gone: the next mount comes up without that
# device, and its refusal says who holds it.
vfiofs_mount "$M" -o "$OPTS" || t_fail "mount: $(cat "$M.log")"
python3 -c "
import sys, time
sys.path.insert(0, 'examples')
import map_bar
area, start = map_bar.map_area('$M/$VFIOFS_EDU1/bar0', 0)
print('mapped', flush=True)
time.sleep(120)
" >"$WORK/holder.out" 2>&1 &
HOLDER=$!
wait_until 20 grep -q mapped "$WORK/holder.out" || t_fail "holder: $(cat "$WORK/holder.out")"
vfiofs_umount "$M"
vfiofs_mount "$M" -o "$OPTS" && [ -d "$E" ] && [ ! -d "$M/$VFIOFS_EDU1" ] &&
    grep -Eq "process $HOLDER \(python3\) holds (a VFIO device descriptor|a mapping of a VFIO device)" "$M.log" && t_pass ||
    t_fail "log: $(cat "$M.log")"
t_begin group-free-once-the-holder-is-gone
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null
mkdir "$M/$VFIOFS_EDU1" && expect_eq "$(read_u32 "$M/$VFIOFS_EDU1/bar0" 0)" 0x010000ed ident && t_pass ||
    t_fail "log: $(cat "$M.log")"
vfiofs_umount "$M"
t_summary
