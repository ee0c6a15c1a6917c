# Direct mapping: descriptor hand-off over the daemon's socket, libvfiofs, the Python example.
. tests/kernel/common.sh

M=$WORK/m
E=$M/$VFIOFS_EDU0
S=$M/$VFIOFS_IVSHMEM
N=$M/$VFIOFS_NVME
C=tests/kernel/map_check
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,device=$VFIOFS_NVME,device=$VFIOFS_IVSHMEM,device=$VFIOFS_TESTDEV,iova_max=0xfffffff" ||
    { cat "$M.log"; exit 1; }
SOCK=$(getfattr -n user.vfio.socket --only-values "$M" 2>/dev/null)

t_begin socket-named-by-xattr-mode-0600
[ -S "$SOCK" ] && expect_eq "$(stat -c %a "$SOCK")" 600 "socket mode" &&
    getfattr -d -m - "$M" 2>/dev/null | grep -q "user.vfio.socket" && t_pass || t_fail "socket '$SOCK'"

t_begin edu-ident-and-inversion-through-mapping
out=$($C ident "$E/bar0" 2>&1) && expect_eq "$out" "ident 0x010000ed inverse 0xedcba987" "mapped registers" && t_pass ||
    t_fail "$out"

t_begin ivshmem-mapped-writes-reach-backing-file
head -c 1048576 /dev/urandom >"$WORK/pattern"
$C copy-in "$S/bar2" 1048576 "$WORK/pattern" >/dev/null &&
    dd if="$VFIOFS_IVSHMEM_FILE" of="$WORK/host" bs=1M skip=1 count=1 2>/dev/null &&
    cmp -s "$WORK/pattern" "$WORK/host" || t_fail "backing file differs"
dd if="$S/bar2" of="$WORK/viafile" bs=1M skip=1 count=1 2>/dev/null
$C copy-out "$S/bar2" 1048576 1048576 >"$WORK/viamap"
cmp -s "$WORK/pattern" "$WORK/viafile" && cmp -s "$WORK/pattern" "$WORK/viamap" && t_pass ||
    t_fail "1 MiB did not round-trip through the mapping"

t_begin mapped-dma-buffer-sees-device-writes
truncate -s 4096 "$M/dma/src" "$M/dma/dst"
sh tests/kernel/edu_round_trip.sh "$M" "$VFIOFS_EDU0" || t_fail "edu DMA failed"
# The round trip left the same 2 KiB in src (written by the CPU) and dst (by the device).
$C copy-out "$M/dma/dst" 0 2048 >"$WORK/dst.map" && dd if="$M/dma/src" of="$WORK/src.file" bs=2048 count=1 2>/dev/null &&
    cmp -s "$WORK/dst.map" "$WORK/src.file" && t_pass || t_fail "the mapping of dst lacks the device's bytes"

t_begin libvfiofs-maps-a-name-with-space-and-backslash
# The wire format escapes them (\040, \134): libvfiofs writes any path the tree holds.
printf 'spaced and \\ slashed' >"$WORK/odd.in"
truncate -s 4096 "$M/dma/a b\\c" && $C copy-in "$M/dma/a b\\c" 0 "$WORK/odd.in" &&
    expect_eq "$(dd if="$M/dma/a b\\c" bs=20 count=1 2>/dev/null)" 'spaced and \ slashed' "the buffer read back" &&
    t_pass || t_fail "map_check on dma/a b\\c"
rm -f "$M/dma/a b\\c"

t_begin nvme-areas-match-kernel-region-info
# With interrupt remapping the kernel lets the MSI-X table be mapped too, so
# nvme's BAR0 is one area here; whatever the kernel reports, the hand-off
# must give exactly those areas.
areas=$(awk '$1 == "region.bar0.mmap" { print $2, $3 }' "$N/info")
ok=1
for a in $(echo "$areas" | awk '{ print $1 }'); do
    got=$($C area "$N/bar0" "$a")
    want="$a $(echo "$areas" | awk -v o="$a" '$1 == o { print $2 }') rw"
    [ "$got" = "$want" ] || { ok=0; t_fail "area at $a: '$got', want '$want'"; }
done
[ -n "$areas" ] && [ "$ok" = 1 ] &&
    expect_eq "$($C areas "$N/bar0")" "$areas" "vfiofs_areas() of nvme bar0" &&
    expect_eq "$($C areas "$M/$VFIOFS_TESTDEV/bar1")" "" "vfiofs_areas() of an I/O-port BAR" && t_pass ||
    t_fail "areas '$areas'"

t_begin non-mmapable-bar-refused
# pci-testdev's BAR1 is I/O ports: the kernel offers no mmap-able area.
expect_eq "$(info_value "$M/$VFIOFS_TESTDEV/info" region.bar1.flags)" "read,write" "BAR1 flags" &&
    expect_eq "$($C area "$M/$VFIOFS_TESTDEV/bar1" 0)" "error Invalid argument" "mapping BAR1" && t_pass

t_begin python-example-prints-ident
expect_eq "$(python3 examples/map_bar.py "$E/bar0")" "bar0+0x0: 0x010000ed" "map_bar.py" && t_pass

# ask REQUEST: what the socket answers to a raw request (first line), and whether a descriptor came.
ask() {
    python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect('$SOCK')
s.sendall(sys.argv[1].encode())
if not sys.argv[1].endswith(chr(10)): s.shutdown(socket.SHUT_WR)
line, fds, _, _ = socket.recv_fds(s, 4096, 1)
print(line.decode().split(chr(10))[0].split(' ')[0:2], len(fds))" "$1"
}
t_begin bad-requests-get-errors
expect_eq "$(ask "map $M/nothing 0
")" "['error', 'ENOENT'] 0" "unknown path" &&
    expect_eq "$(ask "map /etc/passwd 0
")" "['error', 'ENOENT'] 0" "outside the mount" &&
    expect_eq "$(ask "map $M/../m/container 0
")" "['error', 'ENOENT'] 0" "path with .." &&
    expect_eq "$(ask "map $E 0
")" "['error', 'EISDIR'] 0" "a directory" &&
    expect_eq "$(ask "map $E/config 0
")" "['error', 'ENODEV'] 0" "config space" &&
    expect_eq "$(ask "map $E/bar0 0x200000
")" "['error', 'EINVAL'] 0" "past the end" &&
    expect_eq "$(ask "map $E/bar0")" "['error', 'EINVAL'] 0" "truncated request" &&
    expect_eq "$(ask "garbage
")" "['error', 'EINVAL'] 0" "garbage" &&
    expect_eq "$(ask "map $M/dma/unsized_none 0
")" "['error', 'ENOENT'] 0" "missing buffer" && t_pass

t_begin silent-client-does-not-block-others
python3 -c "
import socket, time
s = socket.socket(socket.AF_UNIX); s.connect('$SOCK'); time.sleep(30)" &
silent=$!
expect_eq "$(ask "map $E/bar0 0
")" "['ok', '$(($(info_value "$E/info" region.bar0.mmap | cut -d' ' -f1) ))'] 1" "a request while another client says nothing" ||
    true
out=$($C ident "$E/bar0") && expect_eq "$out" "ident 0x010000ed inverse 0xedcba987" "ident" && t_pass
kill "$silent" 2>/dev/null

t_begin other-users-refused
touch "$M/dma/x"
r=$(setpriv --reuid=nobody --regid=nogroup --clear-groups python3 -c "
import socket
s = socket.socket(socket.AF_UNIX)
try:
    s.connect('$SOCK'); print('connected')
except OSError as e:
    print(e.errno)")
[ "$r" != connected ] && t_pass || t_fail "nobody could connect to a 0600 socket"

t_begin daemon-still-serving
expect_eq "$(read_u32 "$E/bar0" 0)" 0x010000ed ident && t_pass

t_begin socket-removed-at-unmount
vfiofs_umount "$M" && [ ! -e "$SOCK" ] && [ ! -e "$(dirname "$SOCK")" ] && t_pass || t_fail "$SOCK left behind"
t_summary
