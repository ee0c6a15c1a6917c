# Garbage on every interface (issue 10, "what held must go on holding"):
# 1 MiB of random bytes written to irq and to reset, odd user.vfio.iova and
# user.vfio.attach values, and a few thousand random ioctls on every file of
# a device. Each gets its errno, nothing changes, the daemon serves on.
. tests/user/common.sh

M=$WORK/m
D=$M/edu
model_start edu || { not_ok "vfu_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock" || { not_ok "mount: $(cat "$M.log")"; exit 1; }
alive() { [ "$(r32 "$D/bar0" 0)" = 0x56465531 ] && is_mounted "$M"; }

head -c 1048576 /dev/urandom >"$WORK/garbage"
for f in irq reset; do
    e=$(errno_of "fd = os.open('$D/$f', os.O_WRONLY); os.write(fd, open('$WORK/garbage', 'rb').read())")
    expect_eq "1 MiB of random bytes to $f: EINVAL" "$e" EINVAL
    check "daemon alive after garbage to $f" alive
done
expect_eq "irq is still off" "$(info_value "$D/info" irq.mode)" off

truncate -s 4096 "$M/dma/buf"
iova=$(iova_of "$M/dma/buf")
touch "$M/dma/fresh"
bad=0
for v in '' ' ' '0x' '-1' '+4096' '010' '0x1001' '4097' 'abc' '0xfffffffffffffffff' \
    '18446744073709551616' '0x1000 junk' '0x-1000' '1e6' '0b1000' '0o10' '4096.0' \
    '0x1000\n0x2000' '   0x' 'null' '0X' '\xe2\x88\x9e' '0x 1000' '4096\x01'; do
    e=$(errno_of "os.setxattr('$M/dma/fresh', 'user.vfio.iova', b'''$v''')")
    [ "$e" = EINVAL ] || { bad=$((bad + 1)); echo "# user.vfio.iova '$v': $e"; }
done
expect_eq "24 odd user.vfio.iova values: EINVAL each" "$bad" 0
check "daemon alive after odd user.vfio.iova values" alive
for v in 'relative.sock' '' '/' '/nonexistent/x.sock' '0000:zz:00.0' 'container' "$WORK/edu.sock"; do
    e=$(errno_of "os.setxattr('$M', 'user.vfio.attach', b'''$v''')")
    [ "$e" != OK ] || { bad=$((bad + 1)); echo "# user.vfio.attach '$v' was accepted"; }
done
expect_eq "odd user.vfio.attach values refused" "$bad" 0
check "daemon alive after odd user.vfio.attach values" alive
expect_eq "the buffer kept its IOVA" "$(iova_of "$M/dma/buf")" "$iova"

out=$(D=$D M=$M python3 - <<'PY'
import errno, fcntl, os, random
random.seed(10)
D, M = os.environ["D"], os.environ["M"]
files = [D + "/" + f for f in ("bar0", "bar2", "config", "info", "irq", "reset", "dma")] + [M + "/dma/buf"]
crashes = 0
for i in range(4000):
    path = random.choice(files)
    size = random.choice([0, 1, 4, 8, 16, 20, 24, 32, 64, random.randrange(0, 1 << 14)])
    direction = random.choice([0, 1, 2, 3])
    nr = random.randrange(256)
    cmd = (direction << 30) | (size << 16) | (random.choice([ord("V"), random.randrange(256)]) << 8) | nr
    arg = bytearray(os.urandom(size)) if size else 0
    try:
        fd = os.open(path, os.O_RDWR if "reset" not in path else os.O_WRONLY)
    except OSError:
        fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.ioctl(fd, cmd, arg, True) if size else fcntl.ioctl(fd, cmd, 0)
    except OSError as e:
        if e.errno == errno.ENOTCONN:
            crashes += 1
            break
    except (OverflowError, ValueError):
        pass
    finally:
        os.close(fd)
print(crashes)
PY
)
expect_eq "4000 random ioctls on the device's files and a buffer: none lost the mount" "$out" 0
check "daemon alive after the ioctls" alive

vfiofs_umount "$M" || not_ok "unmount"
summary
