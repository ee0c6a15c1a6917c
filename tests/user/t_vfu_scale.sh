# Scale: many devices and many buffers in one mount, and the descriptor limit.
#  * A daemon whose open-file limit is lowered under it (prlimit, soft = hard,
#    so its own raise at start cannot help) refuses the buffer that would
#    take one of the last descriptors with ENOSPC and one log line naming
#    RLIMIT_NOFILE; nothing of that buffer is left (no IOVA, not in
#    container); the daemon keeps serving (registers, a freed slot is usable).
#  * SCALE_DEVICES (64) vfu_edu devices and SCALE_BUFFERS (2048) buffers in one
#    mount started under a soft limit of 1024 (the daemon raises it): every
#    buffer at the same IOVA in every device's dma file, every server holding
#    every mapping by its own count (vfu_edu's BAR0 0xa4), a device attached
#    late gets them all, a device's engine reaches the last buffer directly;
#    half the buffers unlinked: every server holds half; unmount clean and
#    every server holds nothing.
# Cost: about 30-60 s on two cores (64 servers, 2048 fan-outs each way).
. tests/user/common.sh

NDEV=${SCALE_DEVICES:-64}
NBUF=${SCALE_BUFFERS:-2048}
# The servers hold a descriptor per buffer too (libvfio-user keeps the memfd).
ulimit -n "$(ulimit -Hn)"

# ---- the descriptor limit ---------------------------------------------------

M=$WORK/lim
model_start one || { not_ok "vfu_edu starts: $(cat "$WORK/one.log")"; exit 1; }
vfiofs_mount "$M" -o "vfio_user=$WORK/one.sock" || { not_ok "mount: $(cat "$M.log")"; exit 1; }
PID=${DAEMON_PID[$M]}
check "the daemon's soft open-file limit is its hard one" \
    sh -c "prlimit --pid $PID --nofile --noheadings --output SOFT,HARD | awk '{ exit \$1 != \$2 }'"
prlimit --pid "$PID" --nofile=128:128 || not_ok "prlimit --nofile=128:128 on the daemon"

# Buffers until one is refused (bounded: the limit allows fewer than 128).
out=$(python3 - "$M/dma" <<'EOF'
import errno, os, sys
d = sys.argv[1]
for i in range(200):
    p = os.path.join(d, "l%03d" % i)
    fd = os.open(p, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        os.ftruncate(fd, 4096)
    except OSError as e:
        print(i, errno.errorcode.get(e.errno, e.errno), os.fstat(fd).st_size, p)
        sys.exit(0)
    finally:
        os.close(fd)
print(200, "none", 0, "")
EOF
)
read -r made err size refused <<<"$out"
expect_eq "a buffer past the descriptor limit is refused with ENOSPC" "$err" ENOSPC
[ "$made" -ge 32 ] && [ "$made" -lt 128 ] && ok "buffers until then: $made (limit 128, 64 kept back)" ||
    not_ok "buffers before the refusal: $made"
expect_eq "the refused buffer keeps size 0" "$size" 0
expect_eq "the refused buffer has no IOVA" "$(iova_of "$refused")" ""
expect_eq "container lists only the buffers made" "$(grep -c '^mapping' "$M/container")" "$made"
check "one log line names RLIMIT_NOFILE and how to raise it" \
    grep -q "dma/${refused##*/}: no room for ${refused##*/}: .*RLIMIT_NOFILE 128, hard 128.*ulimit -Hn" "$M.log"
expect_eq "registers still answer" "$(r32 "$M/one/bar0" 0x00)" 0x56465531
rm -f "$M/dma/l000"
check "after one is freed the refused buffer can be sized" truncate -s 4096 "$refused"
expect_eq "the server holds what the mount holds" "$(r32 "$M/one/bar0" 0xa4)" "$(printf '0x%08x' "$made")"
if vfiofs_umount "$M"; then ok "unmount (descriptor limit)"; else not_ok "unmount (descriptor limit): $(tail -n 3 "$M.log")"; fi
server_stop one

# ---- many devices, many buffers ---------------------------------------------

t0=$SECONDS
opts=
for ((i = 0; i <= NDEV; i++)); do
    n=$(printf 'e%02d' "$i")
    model_start "$n" || { not_ok "vfu_edu $n starts: $(cat "$WORK/$n.log")"; summary; exit 1; }
    # the last one is attached late
    [ "$i" -lt "$NDEV" ] && opts="$opts${opts:+,}vfio_user=$WORK/$n.sock"
done
M=$WORK/m
# The daemon starts under the shell's common soft limit; it raises its own.
ulimit -Sn 1024
vfiofs_mount "$M" -o "$opts" || { not_ok "mount $NDEV devices: $(tail -n 3 "$M.log")"; summary; exit 1; }
ulimit -Sn "$(ulimit -Hn)"
expect_eq "$NDEV devices in the mount" "$(ls -d "$M"/e* | wc -l)" "$NDEV"

# scale.py STEP: one step of the scenario over every buffer and device; prints
# "ok TEXT" or "not ok TEXT" lines (numbered by the shell).
step() {
    python3 - "$M" "$NDEV" "$NBUF" "$@" <<'EOF'
import os, sys
mnt, ndev, nbuf, step = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
devs = sorted(d for d in os.listdir(mnt) if d.startswith("e"))
bufs = [os.path.join(mnt, "dma", "s%04d" % i) for i in range(nbuf)]
def tag(i):
    return ("buffer %04d" % i).encode().ljust(16, b".")
def say(good, text):
    print(("ok " if good else "not ok ") + text)
def maps(dev):
    fd = os.open(os.path.join(mnt, dev, "bar0"), os.O_RDONLY)
    try:
        return int.from_bytes(os.pread(fd, 4, 0xa4), "little")
    finally:
        os.close(fd)
def iovas(n):
    return [int(os.getxattr(b, "user.vfio.iova"), 16) for b in bufs[:n]]
if step == "create":
    bad = 0
    for i, b in enumerate(bufs):
        fd = os.open(b, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            os.ftruncate(fd, 4096)
            os.pwrite(fd, tag(i), 0)
        except OSError as e:
            bad += 1
            if bad < 4:
                print("# %s: %s" % (b, e))
        os.close(fd)
    say(bad == 0, "%d buffers of 4 KiB sized with %d devices attached (%d refused)" % (nbuf, len(devs), bad))
elif step == "views":
    io = iovas(nbuf)
    say(len(set(io)) == nbuf, "%d distinct IOVAs" % len(set(io)))
    wrong = 0
    for d in devs:
        fd = os.open(os.path.join(mnt, d, "dma"), os.O_RDONLY)
        for i, a in enumerate(io):
            if os.pread(fd, 16, a) != tag(i):
                wrong += 1
        os.close(fd)
    say(wrong == 0, "every buffer at its IOVA in each of %d devices' dma files (%d wrong)" % (len(devs), wrong))
elif step.startswith("held"):
    want = int(step[4:])
    counts = {d: maps(d) for d in devs}
    off = {d: c for d, c in counts.items() if c != want}
    say(not off, "each of %d servers holds %d mappings by its own count%s" %
        (len(devs), want, "" if not off else ": " + str(sorted(off.items())[:4])))
elif step == "unlink-half":
    bad = 0
    for b in bufs[nbuf // 2:]:
        try:
            os.unlink(b)
        except OSError:
            bad += 1
    say(bad == 0 and len(os.listdir(os.path.join(mnt, "dma"))) == nbuf // 2,
        "half the buffers unlinked, %d left" % len(os.listdir(os.path.join(mnt, "dma"))))
EOF
}
# report: numbers the step's lines through ok/not_ok.
report() {
    local line
    while IFS= read -r line; do
        case $line in
            "ok "*) ok "${line#ok }" ;;
            "not ok "*) not_ok "${line#not ok }" ;;
            *) echo "$line" ;;
        esac
    done
}

t1=$SECONDS
report < <(step create)
echo "# $NBUF buffers created in $((SECONDS - t1)) s"
check "the daemon raised its soft limit (started under 1024)" \
    sh -c "prlimit --pid ${DAEMON_PID[$M]} --nofile --noheadings --output SOFT,HARD | awk '{ exit \$1 != \$2 || \$1 <= 1024 }'"
report < <(step views)
report < <(step "held$NBUF")
late=$(printf 'e%02d' "$NDEV")
check "a device attached late" setfattr -n user.vfio.attach -v "$WORK/$late.sock" "$M"
expect_eq "the late device's server holds every mapping" "$(r32 "$M/$late/bar0" 0xa4)" "$(printf '0x%08x' "$NBUF")"
# The last buffer, reached directly by the late device's engine into its BAR2.
LAST=$(iova_of "$M/dma/s$(printf '%04d' $((NBUF - 1)))")
expect_eq "the late device's engine reads the last buffer directly" \
    "$(edu_dma "$M/$late" "$LAST" 0 16 9)" 0x00000000
expect_eq "and gets its bytes" "$(dd if="$M/$late/bar2" bs=11 count=1 2>/dev/null)" "buffer $(printf '%04d' $((NBUF - 1)))"
report < <(step unlink-half)
report < <(step "held$((NBUF / 2))")
if vfiofs_umount "$M"; then ok "unmount ($NDEV devices, $((NBUF / 2)) buffers)"; else not_ok "unmount ($NDEV devices, $((NBUF / 2)) buffers): $(tail -n 3 "$M.log")"; fi
# Each server answers a fresh client with no mapping left from the old one.
vfiofs_mount "$M" -o "vfio_user=$WORK/e00.sock,vfio_user=$WORK/$late.sock" || not_ok "mount again"
expect_eq "after unmount the servers hold nothing" \
    "$(r32 "$M/e00/bar0" 0xa4) $(r32 "$M/$late/bar0" 0xa4)" "0x00000000 0x00000000"
if vfiofs_umount "$M"; then ok "unmount"; else not_ok "unmount: $(tail -n 3 "$M.log")"; fi
echo "# scale part: $((SECONDS - t0)) s"
summary
