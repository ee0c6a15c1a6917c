# Life of a vfio-user device: reset, attach at run time (setfattr), rmdir,
# a server that stops answering (bounded wait) or is killed (EIO/ENODEV on
# that device only), a restarted server re-attached, clean unmounts.
. tests/user/common.sh

M=$WORK/m
A=$M/a
B=$M/b
model_start a || { not_ok "vfu_edu a starts: $(cat "$WORK/a.log")"; exit 1; }
model_start b || { not_ok "vfu_edu b starts: $(cat "$WORK/b.log")"; exit 1; }
vfiofs_mount "$M" -o "vfio_user=$WORK/a.sock,vfio_user_timeout=3" || { not_ok "mount: $(cat "$M.log")"; exit 1; }

# ---- reset ----
resets=$(r32 "$A/bar0" 0x08)
w32 "$A/bar0" 0x04 0x0000ffff
w64 "$A/bar0" 0x28 0x1234
if echo 1 >"$A/reset"; then ok "echo 1 > reset"; else not_ok "echo 1 > reset failed"; fi
expect_eq "reset: the model counted one more reset (0x08)" "$(r32 "$A/bar0" 0x08)" "0x$(printf '%08x' $((resets + 1)))"
expect_eq "reset: registers back to power-on values" "$(r32 "$A/bar0" 0x04) $(r64 "$A/bar0" 0x28)" \
    "0xffffffff 0x0000000000000000"

# ---- attach at run time; buffers that exist reach the new device ----
truncate -s 8192 "$M/dma/buf"
IOVA=$(iova_of "$M/dma/buf")
head -c 8192 /dev/urandom >"$WORK/pat"
dd if="$WORK/pat" of="$M/dma/buf" bs=8192 count=1 conv=notrunc 2>/dev/null
if setfattr -n user.vfio.attach -v "$WORK/b.sock" "$M"; then ok "setfattr user.vfio.attach attaches b.sock"; else
    not_ok "setfattr user.vfio.attach failed: $(tail -n 2 "$M.log")"; fi
expect_eq "attached device answers" "$(r32 "$B/bar0" 0)" 0x56465531
expect_eq "attached device sees the existing buffer (direct DMA)" "$(edu_dma "$B" "$IOVA" 0 8192 9)" 0x00000000
check "attached device: BAR2 holds the buffer" cmp "$WORK/pat" <(dd if="$B/bar2" bs=8192 count=1 2>/dev/null)
expect_eq "attaching the same socket again fails with EEXIST" \
    "$(errno_of "os.setxattr('$M', 'user.vfio.attach', b'$WORK/b.sock')")" EEXIST
expect_eq "attaching a socket nobody listens on fails" \
    "$(errno_of "os.setxattr('$M', 'user.vfio.attach', b'$WORK/nothing.sock')" | grep -vx OK | wc -l)" 1

if echo 1 >"$B/reset"; then
    expect_eq "after a reset the device still reaches the buffer (DMA mappings kept)" \
        "$(edu_dma "$B" "$IOVA" 0x100 8192 1)" 0x00000000
else
    not_ok "reset of the attached device failed"
fi

# ---- rmdir detaches; an open file then answers ENODEV ----
got=$(errno_of "fd = os.open('$B/bar0', os.O_RDONLY); os.rmdir('$B'); os.pread(fd, 4, 0)")
expect_eq "rmdir detaches; a file open across it reads ENODEV" "$got" ENODEV
[ ! -e "$B" ] && ok "rmdir: the directory is gone" || not_ok "rmdir: $B still exists"
setfattr -n user.vfio.attach -v "$WORK/b.sock" "$M"
expect_eq "re-attach after rmdir answers" "$(r32 "$B/bar0" 0)" 0x56465531

# ---- a server that stops answering: bounded wait (vfio_user_timeout=3) ----
kill -STOP "${SERVER_PID[b]}"
start=$SECONDS
r=$(timeout 30 python3 -c "
import os, errno
fd = os.open('$B/bar0', os.O_RDONLY)
try:
    os.pread(fd, 4, 0); print('read worked')
except OSError as e:
    print(errno.errorcode[e.errno])")
took=$((SECONDS - start))
case $r in EIO | ENODEV) ok "a stopped server: the read fails ($r) after ${took} s" ;;
*) not_ok "a stopped server: the read gave '$r' after ${took} s" ;; esac
[ "$took" -le 10 ] && ok "the wait was bounded (${took} s, timeout 3 s)" || not_ok "the wait took ${took} s"
expect_eq "the other device kept working" "$(r32 "$A/bar0" 0)" 0x56465531
kill -CONT "${SERVER_PID[b]}"
# The server resumes and answers the request that timed out: that late reply
# must be dropped, never taken for the answer to a later request.
w64 "$B/bar0" 0x28 0x5555aaaa5555aaaa >/dev/null
expect_eq "after the server resumes: each read gets its own answer" \
    "$(r32 "$B/bar0" 0x04) $(r32 "$B/bar0" 0) $(r64 "$B/bar0" 0x28) $(r32 "$B/bar0" 0)" \
    "0xffffffff 0x56465531 0x5555aaaa5555aaaa 0x56465531"
rmdir "$B" 2>/dev/null
server_stop b
model_start b || not_ok "vfu_edu b restarts"
setfattr -n user.vfio.attach -v "$WORK/b.sock" "$M"
expect_eq "after the timeout: rmdir, restart, re-attach" "$(r32 "$B/bar0" 0)" 0x56465531

# ---- the server killed mid-request: EIO in flight, then ENODEV ----
# An interrupt reader blocked meanwhile must not stay blocked forever.
echo 'msi 1' >"$B/irq"
python3 tests/user/vfu_irq.py blocked_reader "$B" >"$WORK/irqreader" 2>&1 &
irqreader=$!
_irq_open() { grep -q open "$WORK/irqreader"; }
wait_until 5 _irq_open
kill -STOP "${SERVER_PID[b]}"
python3 -c "
import os, errno, sys
fd = os.open('$B/bar0', os.O_RDONLY)
print('sent', flush=True)
try:
    os.pread(fd, 4, 0); print('read worked')
except OSError as e:
    print(errno.errorcode[e.errno])" >"$WORK/inflight" &
reader=$!
_sent() { grep -q sent "$WORK/inflight"; }
_waiting() { grep -q fuse "/proc/$reader/wchan" 2>/dev/null || grep -q request "/proc/$reader/wchan" 2>/dev/null; }
wait_until 5 _sent
wait_until 1 _waiting    # the pread is in the daemon's hands (best effort; before the 3 s timeout)
server_stop b KILL
wait_until 15 _is_dead "$reader"
expect_eq "server killed during a read: the read fails with EIO" "$(tail -n 1 "$WORK/inflight")" EIO
_enodev() { [ "$(r32 "$B/bar0" 0)" = ENODEV ]; }
if wait_until 5 _enodev; then ok "later operations on the dead device: ENODEV"; else
    not_ok "later operations on the dead device: $(r32 "$B/bar0" 0)"; fi
expect_eq "the other device keeps working" "$(r32 "$A/bar0" 0)" 0x56465531
if wait_until 15 _is_dead "$irqreader"; then
    r=$(tail -n 1 "$WORK/irqreader")
    case $r in EOF | ENODEV | EIO) ok "a blocked irq reader ends when the server dies ($r)" ;;
    *) not_ok "a blocked irq reader when the server died: '$r'" ;; esac
else
    not_ok "a blocked irq reader is still blocked 15 s after the server died"
fi
# (after the reader: an irq command would end its wait)
# Every file of the dead device says so, not only those that send a message.
expect_eq "dead device: config read" "$(rd "$B/config" 0 4)" ENODEV
expect_eq "dead device: bar2 read in an mmap-able area" "$(rd "$B/bar2" 0 4)" ENODEV
expect_eq "dead device: bar2 write in an mmap-able area" "$(wr "$B/bar2" 0 4 1)" ENODEV
expect_eq "dead device: an irq command" "$(errno_of "os.write(os.open('$B/irq', os.O_WRONLY), b'msix 1')")" ENODEV
expect_eq "dead device: reset" "$(errno_of "os.write(os.open('$B/reset', os.O_WRONLY), b'1')")" ENODEV
check "the buffer survived" cmp "$WORK/pat" "$M/dma/buf"
expect_eq "the daemon is alive" "$(kill -0 "${DAEMON_PID[$M]}" 2>&1 && echo yes)" yes

# ---- restart the server, rmdir + re-attach ----
if rmdir "$B"; then ok "rmdir of the dead device"; else not_ok "rmdir of the dead device failed"; fi
model_start b || not_ok "vfu_edu b restarts on the same socket"
if setfattr -n user.vfio.attach -v "$WORK/b.sock" "$M"; then ok "re-attach the restarted server"; else
    not_ok "re-attach the restarted server: $(tail -n 2 "$M.log")"; fi
expect_eq "the restarted device answers" "$(r32 "$B/bar0" 0)" 0x56465531
expect_eq "the restarted device gets the buffer (DMA)" "$(edu_dma "$B" "$IOVA" 0 8192 1)" 0x00000000
check "the restarted device: BAR2 holds the buffer" cmp "$WORK/pat" <(dd if="$B/bar2" bs=8192 count=1 2>/dev/null)

# ---- unmount: no daemon left, the servers wait for their next client ----
pid=${DAEMON_PID[$M]}
if vfiofs_umount "$M"; then ok "unmount: the daemon exits 0"; else not_ok "unmount: daemon status $?"; fi
! kill -0 "$pid" 2>/dev/null && ! is_mounted "$M" && ok "no daemon and no mount left" || not_ok "daemon $pid or mount left"
kill -0 "${SERVER_PID[a]}" 2>/dev/null && ok "the server outlives the client" || not_ok "server a died with the unmount"
vfiofs_mount "$M" -o "vfio_user=$WORK/a.sock" && expect_eq "a new mount of the same server" "$(r32 "$A/bar0" 0)" 0x56465531 ||
    not_ok "second mount: $(tail -n 3 "$M.log")"
vfiofs_umount "$M" || not_ok "second unmount"
server_stop a && ok "vfu_edu exits 0 on SIGTERM" || not_ok "vfu_edu exit status $?"

# ---- without -f the daemon detaches; a relative socket path still works ----
mkdir -p "$WORK/m3"
model_start e || not_ok "vfu_edu e starts"
if (cd "$WORK" && "$VFIOFS" "$WORK/m3" -o vfio_user=e.sock 2>"$WORK/m3.log"); then
    expect_eq "daemonized mount, relative socket path: the device answers" "$(r32 "$WORK/m3/e/bar0" 0)" 0x56465531
    # the daemon's pid, found by its (unique) mount point: never by name
    dpid=$(for p in /proc/[0-9]*; do
        tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q "vfiofs $WORK/m3 " && echo "${p#/proc/}"; done)
    [ -n "$dpid" ] && echo "$dpid" >>"$WORK/pids"
    fusermount3 -u "$WORK/m3"
    _gone() { [ -n "$dpid" ] && ! kill -0 "$dpid" 2>/dev/null; }
    if wait_until 10 _gone; then ok "fusermount3 -u: the daemon ($dpid) exits"; else not_ok "daemon '$dpid' still running"; fi
else
    not_ok "mount without -f: $(cat "$WORK/m3.log")"
fi
server_stop e

# ---- a server busy with another client does not answer VERSION: bounded ----
model_start d || not_ok "vfu_edu d starts"
vfiofs_mount "$M" -o "vfio_user=$WORK/d.sock" || not_ok "mount d: $(tail -n 3 "$M.log")"
start=$SECONDS
if vfiofs_mount "$WORK/m2" -o "vfio_user=$WORK/d.sock,vfio_user_timeout=2"; then
    not_ok "a second client of a busy server mounted"
    vfiofs_umount "$WORK/m2"
else
    ok "a second client of a busy server gives up after $((SECONDS - start)) s"
    grep -q VERSION "$WORK/m2.log" && ok "and says the VERSION exchange did not complete" ||
        not_ok "second client's log: $(cat "$WORK/m2.log")"
fi
expect_eq "the first client is undisturbed" "$(r32 "$M/d/bar0" 0)" 0x56465531
vfiofs_umount "$M" || not_ok "unmount d"
vfiofs_mount "$M" -o "vfio_user=$WORK/d.sock" && expect_eq "the server then serves a new client" "$(r32 "$M/d/bar0" 0)" 0x56465531 ||
    not_ok "new client of d: $(tail -n 3 "$M.log")"
vfiofs_umount "$M" || not_ok "unmount d again"
server_stop d

# ---- unmount while a server does not answer: bounded ----
model_start c || not_ok "vfu_edu c starts"
vfiofs_mount "$M" -o "vfio_user=$WORK/c.sock,vfio_user_timeout=2" || not_ok "mount c: $(tail -n 3 "$M.log")"
truncate -s 4096 "$M/dma/buf"
kill -STOP "${SERVER_PID[c]}"
start=$SECONDS
if vfiofs_umount "$M"; then ok "unmount with a stopped server: the daemon exits ($((SECONDS - start)) s)"; else
    not_ok "unmount with a stopped server: daemon still there after $((SECONDS - start)) s"; fi
kill -CONT "${SERVER_PID[c]}"
server_stop c
summary
