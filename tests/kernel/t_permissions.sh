# One permission rule for every interface (vfiofs(1), SECURITY): a lab's
# shared mount (-o uid=,gid=,umask=,allow_other) as a member of its group
# and as a user outside it.  The files' modes, the text files, the ioctls,
# dma/ and the hand-off socket all say the same, with and without
# default_permissions; and with default_permissions alone, a user who may
# not open bar0 is refused its descriptor by the socket.
. tests/kernel/common.sh

M=$WORK/m
E=$M/$VFIOFS_EDU0
CHECK=tests/kernel/ioctl_check
OWNER=60003
GROUP=60000
chmod 755 "$WORK"
as_member() { setpriv --reuid=60001 --regid=60001 --groups=$GROUP "$@" 2>&1; }
as_outsider() { setpriv --reuid=60002 --regid=60002 --clear-groups "$@" 2>&1; }

# try WHO PYTHON: runs PYTHON as WHO (os imported); prints OK or the errno's name.
try() {
    _who=$1
    shift
    $_who python3 -c "
import os, errno
try:
    $1
    print('OK')
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
"
}
# handoff WHO PATH: the hand-off's answer to "map PATH 0" for WHO: "ok" or
# "error ENAME".  The socket's path is root's to tell: an outsider may not
# read the root's attributes either.
handoff() {
    $1 python3 -c "
import socket, sys
sys.path.insert(0, 'examples')
import vfiofs_handoff
with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
    s.connect(sys.argv[2])
    s.sendall(b'map %s 0\n' % vfiofs_handoff.wire_path(sys.argv[1]))
    line, fds, _, _ = socket.recv_fds(s, 1024, 1)
print(' '.join(line.decode().split()[:2]) if line.startswith(b'error') else 'ok')
" "$2" "$(getfattr --absolute-names -n user.vfio.socket --only-values "$M")"
}

t_begin lab-mount-modes-follow-umask
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,allow_other,uid=$OWNER,gid=$GROUP,umask=007" ||
    t_fail "mount: $(cat "$M.log")"
expect_eq "$(stat -c '%u %g %a' "$E/bar0" "$E/info" "$E/reset" "$E/irq" "$E" "$M/dma" | tr '\n' ' ')" \
    "$OWNER $GROUP 660 $OWNER $GROUP 440 $OWNER $GROUP 220 $OWNER $GROUP 660 $OWNER $GROUP 770 $OWNER $GROUP 770 " \
    "owner, group and modes" && t_pass

t_begin member-may-do-what-the-modes-say
expect_eq "$(as_member sh -c ". tests/guest/lib.sh; read_u32 '$E/bar0' 0")" 0x010000ed "member reads bar0" &&
    expect_eq "$(try as_member "open('$E/irq', 'w').write('msi 1\n')")" OK "member writes irq" &&
    expect_eq "$(info_value "$E/info" irq.mode)" msi "irq mode after the member's msi 1" &&
    expect_eq "$(as_member "$CHECK" irq "$E" off)" "" "member's SET_IRQS (as writing irq)" &&
    expect_eq "$(info_value "$E/info" irq.mode)" off "irq mode after the member's SET_IRQS off" &&
    expect_eq "$(as_member "$CHECK" reset "$E")" "reset ENOTTY" "member's RESET (past the permission check: edu has no reset method)" &&
    expect_eq "$(as_member python3 examples/map_bar.py "$E/bar0" 0)" "bar0+0x0: 0x010000ed" "member maps bar0" &&
    expect_eq "$(try as_member "open('$M/dma/lab buf', 'w').truncate(4096)")" \
        OK "member makes dma/lab buf" &&
    expect_eq "$(handoff as_member "$M/dma/lab buf")" ok "member gets the buffer's memfd" && t_pass

t_begin outsider-gets-nothing-by-any-door
expect_eq "$(try as_outsider "os.open('$E/bar0', os.O_RDONLY)")" EACCES "outsider opens bar0" &&
    expect_eq "$(try as_outsider "open('$E/irq', 'w').write('msi 1\n')")" EACCES "outsider writes irq" &&
    expect_eq "$(try as_outsider "open('$E/reset', 'w').write('1\n')")" EACCES "outsider writes reset" &&
    expect_eq "$(try as_outsider "os.listdir('$M')")" EACCES "outsider lists the root" &&
    expect_eq "$(try as_outsider "os.getxattr('$M', 'user.vfio.socket')")" EACCES "outsider reads the socket's path" &&
    expect_eq "$(try as_outsider "os.truncate('$M/dma/lab buf', 0)")" EACCES "outsider truncates a buffer" &&
    expect_eq "$(handoff as_outsider "$E/bar0")" "error EACCES" "outsider asks for bar0's descriptor" &&
    expect_eq "$(handoff as_outsider "$M/dma/lab buf")" "error EACCES" "outsider asks for the buffer's memfd" &&
    expect_eq "$(info_value "$E/info" irq.mode)" off "irq mode unchanged" && t_pass
grep -q "refused: uid 60002" "$M.log" || echo "# no refusal logged"
vfiofs_umount "$M" || echo "# umount: $(cat "$M.log")"

t_begin umask-027-member-reads-but-may-not-change
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,allow_other,default_permissions,uid=$OWNER,gid=$GROUP,umask=027" ||
    t_fail "mount: $(cat "$M.log")"
expect_eq "$(stat -c %a "$E/bar0")" 640 "bar0's mode" &&
    expect_eq "$(as_member sh -c ". tests/guest/lib.sh; read_u32 '$E/bar0' 0")" 0x010000ed "member reads bar0" &&
    expect_eq "$(try as_member "os.open('$E/bar0', os.O_RDWR)")" EACCES "member opens bar0 for writing" &&
    expect_eq "$(try as_member "open('$E/irq', 'w').write('msi 1\n')")" EACCES "member writes irq" &&
    expect_eq "$(handoff as_member "$E/bar0")" "error EACCES" "member asks for bar0's descriptor (it writes too)" &&
    expect_eq "$(try as_member "open('$M/dma/x', 'w')")" EACCES "member creates a buffer" && t_pass
vfiofs_umount "$M" || echo "# umount: $(cat "$M.log")"

t_begin default-permissions-no-descriptor-without-bar0
# The finding's reproduction: allow_other,default_permissions, bar0 is root's 0600.
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,allow_other,default_permissions" || t_fail "mount: $(cat "$M.log")"
expect_eq "$(try as_outsider "os.open('$E/bar0', os.O_RDONLY)")" EACCES "outsider opens bar0" &&
    expect_eq "$(handoff as_outsider "$E/bar0")" "error EACCES" "outsider asks for bar0's descriptor" &&
    expect_eq "$(handoff "" "$E/bar0")" ok "root still gets it" && t_pass
vfiofs_umount "$M" || echo "# umount: $(cat "$M.log")"
t_summary
