# Small refusals (issue 10, finding 6): buffer names longer than statfs's
# 255 are ENAMETOOLONG (create, mknod, rename); rename flags other than
# RENAME_NOREPLACE are EINVAL (RENAME_WHITEOUT was done as a plain rename);
# VFIOFS_DEVICE_GET_INFO takes exactly 16, 20 or 24 bytes (17-23 were taken).
. tests/user/common.sh

M=$WORK/m
D=$M/edu
model_start edu || { not_ok "vfu_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock" || { not_ok "mount: $(cat "$M.log")"; exit 1; }

# py STATEMENTS: runs them (os, ctypes, fcntl imported; M and D set); prints OK or the errno name.
py() {
    M=$M D=$D python3 - "$1" <<'PY'
import ctypes, errno, fcntl, os, stat, sys
M, D = os.environ["M"], os.environ["D"]
libc = ctypes.CDLL(None, use_errno=True)
def renameat2(a, b, flags):
    if libc.renameat2(-100, a.encode(), -100, b.encode(), flags) < 0:
        raise OSError(ctypes.get_errno(), "renameat2")
def get_info(size):
    fd = os.open(D + "/info", os.O_RDONLY)
    try:
        fcntl.ioctl(fd, (2 << 30) | (size << 16) | (ord("V") << 8) | 0xa0, bytearray(size), True)
    finally:
        os.close(fd)
try:
    exec(sys.argv[1])
    print("OK")
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
PY
}

n255=$(printf 'a%.0s' $(seq 255))
n256=$(printf 'b%.0s' $(seq 256))
n1024=$(printf 'c%.0s' $(seq 1024))
expect_eq "create, 255 bytes" "$(py "os.close(os.open(M + '/dma/$n255', os.O_CREAT | os.O_WRONLY))")" OK
expect_eq "create, 256 bytes: ENAMETOOLONG" "$(py "os.close(os.open(M + '/dma/$n256', os.O_CREAT | os.O_WRONLY))")" ENAMETOOLONG
expect_eq "create, 1024 bytes: ENAMETOOLONG" "$(py "os.close(os.open(M + '/dma/$n1024', os.O_CREAT | os.O_WRONLY))")" ENAMETOOLONG
expect_eq "mknod, 256 bytes: ENAMETOOLONG" "$(py "os.mknod(M + '/dma/$n256', 0o600 | stat.S_IFREG)")" ENAMETOOLONG
expect_eq "rename to 256 bytes: ENAMETOOLONG" "$(py "os.rename(M + '/dma/$n255', M + '/dma/$n256')")" ENAMETOOLONG
expect_eq "no 256-byte name in dma/" "$(ls "$M/dma" | awk 'length($0) > 255' | wc -l)" 0
check "the refusal is logged" grep -q "longer than 255 bytes" "$M.log"

touch "$M/dma/w1"
expect_eq "RENAME_WHITEOUT: EINVAL" "$(py "renameat2(M + '/dma/w1', M + '/dma/w2', 4)")" EINVAL
check "w1 is still there" test -e "$M/dma/w1"
check "w2 is not" test ! -e "$M/dma/w2"
expect_eq "RENAME_NOREPLACE works" "$(py "renameat2(M + '/dma/w1', M + '/dma/w2', 1)")" OK
check "the refused flag is logged" grep -q "rename flags" "$M.log"

for size in 16 20 24; do
    expect_eq "GET_INFO with $size bytes" "$(py "get_info($size)")" OK
done
for size in 17 18 19 21 22 23; do
    expect_eq "GET_INFO with $size bytes: EINVAL" "$(py "get_info($size)")" EINVAL
done

if vfiofs_umount "$M"; then ok "unmount"; else not_ok "unmount: $(tail -n 3 "$M.log")"; fi
summary
