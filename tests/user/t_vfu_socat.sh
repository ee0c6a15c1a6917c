# A vfio-user link that carries no descriptors: a socat relay between two
# UNIX sockets (as an ssh-forwarded socket to another machine would be).
# Registers and message-based DMA work; vfiofs falls back to messages when
# descriptors never arrive; interrupts (eventfds only) are refused.
. tests/user/common.sh

M=$WORK/m
D=$M/relay
model_start edu || { not_ok "vfu_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
# -b: relay each vfio-user message in one piece (libvfio-user reads a message
# body with a single recv, so a relay must not cut messages into 8 KiB bits).
socat -b 262144 "UNIX-LISTEN:$WORK/relay.sock,fork" "UNIX-CONNECT:$WORK/edu.sock" 2>"$WORK/socat.log" &
SERVER_PID[socat]=$!
echo "${SERVER_PID[socat]}" >>"$WORK/pids"
wait_until 10 _sock_or_dead "$WORK/relay.sock" "${SERVER_PID[socat]}" || { not_ok "socat relay listens"; exit 1; }

# relay_checks WHAT: registers, BAR2 and message DMA through the relay.
relay_checks() {
    local what=$1 iova r
    expect_eq "$what: ident through the relay" "$(dd_r32 "$D/bar0" 0)" 0x56465531
    w32 "$D/bar0" 0x04 0x0f0f0f0f
    expect_eq "$what: liveness" "$(r32 "$D/bar0" 0x04)" 0xf0f0f0f0
    w32 "$D/bar0" 0x10 0
    rd "$D/bar0" 0x21 1 >/dev/null
    w64 "$D/bar0" 0x20 1
    expect_eq "$what: exact widths" "$(r32 "$D/bar0" 0x10) $(r32 "$D/bar0" 0x1c)" "0x00000001 0x00000001"
    expect_eq "$what: descriptors" "$(info_value "$D/info" vfio_user.descriptors)" no
    expect_eq "$what: DMA mode" "$(info_value "$D/info" vfio_user.dma)" message
    head -c 8192 /dev/urandom >"$WORK/pat"
    dd if="$WORK/pat" of="$D/bar2" bs=4096 count=2 seek=$((0x3000)) oflag=seek_bytes conv=notrunc 2>/dev/null
    check "$what: BAR2 0x3000..0x5000 (mmap-able area served by messages) round trip" cmp "$WORK/pat" \
        <(dd if="$D/bar2" bs=4096 count=2 skip=$((0x3000)) iflag=skip_bytes 2>/dev/null)
    truncate -s 8192 "$M/dma/buf"
    iova=$(iova_of "$M/dma/buf")
    dd if=/dev/zero of="$D/bar2" bs=8192 count=1 seek=$((0x8000)) oflag=seek_bytes conv=notrunc 2>/dev/null
    dd if="$WORK/pat" of="$M/dma/buf" bs=8192 count=1 conv=notrunc 2>/dev/null
    expect_eq "$what: RAM -> device by messages" "$(edu_dma "$D" "$iova" $((0x8000)) 8192 1)" 0x00000000
    check "$what: RAM -> device: BAR2 holds the buffer" cmp "$WORK/pat" \
        <(dd if="$D/bar2" bs=8192 count=1 skip=$((0x8000)) iflag=skip_bytes 2>/dev/null)
    dd if=/dev/zero of="$M/dma/buf" bs=8192 count=1 conv=notrunc 2>/dev/null
    expect_eq "$what: device -> RAM by messages" "$(edu_dma "$D" $((0x8000)) "$iova" 8192 3)" 0x00000000
    check "$what: device -> RAM: the buffer holds BAR2" cmp "$WORK/pat" "$M/dma/buf"
    r=$(edu_dma "$D" "$iova" 0 4096 9)
    [ -n "$r" ] && [ "$r" != 0x00000000 ] && ok "$what: direct DMA fails (0xa0 $r)" || not_ok "$what: direct DMA: 0xa0 '$r'"
    r=$(python3 tests/user/vfu_irq.py no_descriptors "$D") && ok "$what: irq modes fail with EOPNOTSUPP" ||
        not_ok "$what: irq: $r"
    r=$(printf 'irq %s/irq 0\n' "$D" | python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read())
print(s.recv(4096).decode().split(' ')[1])" "$(getfattr -n user.vfio.socket --only-values "$M" 2>/dev/null)")
    expect_eq "$what: the hand-off gives no vector (interrupts cannot be on)" "$r" EINVAL
    grep -qi "descriptor" "$M.log" && ok "$what: the log says why" || not_ok "$what: no log line about descriptors"
    rm -f "$M/dma/buf"
}

vfiofs_mount "$M" -o "vfio_user=$WORK/relay.sock,vfio_user_dma=message" || { not_ok "mount (message): $(cat "$M.log")"; exit 1; }
ok "mounted over the relay with vfio_user_dma=message"
relay_checks "vfio_user_dma=message"
if vfiofs_umount "$M"; then ok "unmount"; else not_ok "unmount: $(tail -n 3 "$M.log")"; fi

rm -f "$M.log"
vfiofs_mount "$M" -o "vfio_user=$WORK/relay.sock" || { not_ok "mount (default): $(cat "$M.log")"; summary; exit 1; }
ok "mounted over the relay with the default vfio_user_dma=fd"
relay_checks "default, fallen back"
if vfiofs_umount "$M"; then ok "unmount"; else not_ok "unmount: $(tail -n 3 "$M.log")"; fi
summary
