# Direct mapping of a vfio-user BAR: the daemon hands out the descriptor of
# BAR2's mmap-able areas (the server's memfd) over its hand-off socket, as
# examples/map_bar.py does; the mapping and the bar2 file are the same bytes,
# and the device itself (its DMA engine) sees what the mapping wrote.
. tests/user/common.sh

M=$WORK/m
D=$M/edu
model_start edu || { not_ok "vfu_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock" || { not_ok "mount: $(cat "$M.log")"; exit 1; }
SOCK=$(getfattr -n user.vfio.socket --only-values "$M" 2>/dev/null)
[ -S "$SOCK" ] && ok "hand-off socket named by user.vfio.socket" || not_ok "hand-off socket '$SOCK'"

# mapped OP PATH OFFSET [VALUE]: maps the area holding OFFSET with
# examples/map_bar.py's map_area() and reads (prints 0x%08x) or writes one
# 32-bit word there; prints "error ..." when the daemon refuses.
mapped() {
    python3 - "$@" <<'PY'
import sys
sys.path.insert(0, "examples")
import map_bar
op, path, off = sys.argv[1], sys.argv[2], int(sys.argv[3], 0)
try:
    area, start = map_bar.map_area(path, off)
except SystemExit as e:
    print("error", e)
    sys.exit(0)
words = memoryview(area).cast("I")
if op == "area":
    print(start, len(area))
elif op == "read":
    print("0x%08x" % words[(off - start) // 4])
else:
    words[(off - start) // 4] = int(sys.argv[4], 0)
words.release()
area.close()
PY
}

expect_eq "the area holding 0x100 is [0, 0x4000)" "$(mapped area "$D/bar2" 0x100)" "0 16384"
expect_eq "the area holding 0x9000 is [0x8000, 0xc000)" "$(mapped area "$D/bar2" 0x9000)" "32768 16384"
mapped write "$D/bar2" 0x100 0xcafef00d
expect_eq "written through the mapping, read through bar2" "$(r32 "$D/bar2" 0x100)" 0xcafef00d
w32 "$D/bar2" 0x9ffc 0x600dbeef
expect_eq "written through bar2, read through the mapping" "$(mapped read "$D/bar2" 0x9ffc)" 0x600dbeef
expect_eq "examples/map_bar.py prints the word" "$(python3 examples/map_bar.py "$D/bar2" 0x9ffc)" "bar2+0x9ffc: 0x600dbeef"

# The device reads the mapped bytes (its engine copies BAR2 0x100 to RAM).
truncate -s 4096 "$M/dma/buf"
expect_eq "the device moves the mapped word by DMA" "$(edu_dma "$D" 0x100 "$(iova_of "$M/dma/buf")" 4 3)" 0x00000000
expect_eq "the buffer holds the word written through the mapping" "$(r32 "$M/dma/buf" 0)" 0xcafef00d

case $(mapped area "$D/bar2" 0x5000) in error*) ok "0x5000 (callback-only area) is refused" ;;
*) not_ok "0x5000 was mapped" ;; esac
case $(mapped area "$D/bar0" 0) in error*) ok "bar0 (no mmap-able area) is refused" ;;
*) not_ok "bar0 was mapped" ;; esac

if vfiofs_umount "$M"; then ok "unmount"; else not_ok "unmount: $(tail -n 3 "$M.log")"; fi
summary
