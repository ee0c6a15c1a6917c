# libvfio-user's own sample servers through the mount, as a user would try
# them: gpio-pci-idio-16 (registers in a 256-byte I/O BAR) and server (an
# 8-byte timer BAR0, a 16 KiB BAR1 with mmap-able areas, INTx and DMA both
# by direct access and by messages when its timer fires).
. tests/user/common.sh

M=$WORK/m

# ---- gpio-pci-idio-16 ----
G=$M/gpio
sample_start gpio gpio-pci-idio-16 || { not_ok "gpio-pci-idio-16 starts: $(cat "$WORK/gpio.log")"; }
if vfiofs_mount "$M" -o "vfio_user=$WORK/gpio.sock"; then
    ok "mounted gpio-pci-idio-16"
    expect_eq "gpio: config ids 494f:0dc8" "$(file_hex "$G/config" 0 4)" 4f49c80d
    expect_eq "gpio: info ids" "$(info_value "$G/info" vendor):$(info_value "$G/info" device)" 0x494f:0x0dc8
    expect_eq "gpio: bar2 is 256 bytes, not mmap-able" \
        "$(stat -c %s "$G/bar2") $(info_value "$G/info" region.bar2.flags)" "256 read,write"
    expect_eq "gpio: only bar2" "$(cd "$G" && ls -d bar* | tr '\n' ' ')" "bar2 "
    expect_eq "gpio: all 256 bytes readable" "$(dd if="$G/bar2" bs=256 count=1 2>/dev/null | wc -c)" 256
    # Input pin i reads 1 when output pin i was written a multiple of 3 times.
    expect_eq "gpio: inputs (0x1) all high at start" "$(file_hex "$G/bar2" 1 1)" ff
    printf '\001' | dd of="$G/bar2" bs=1 count=1 seek=0 conv=notrunc 2>/dev/null
    expect_eq "gpio: one write of output pin 0 drops input 0" "$(file_hex "$G/bar2" 1 1)" fe
    printf '\001' | dd of="$G/bar2" bs=1 count=1 seek=0 conv=notrunc 2>/dev/null
    printf '\001' | dd of="$G/bar2" bs=1 count=1 seek=0 conv=notrunc 2>/dev/null
    expect_eq "gpio: three writes raise it again" "$(file_hex "$G/bar2" 1 1)" ff
    expect_eq "gpio: INTx declared" "$(info_value "$G/info" irq.intx.count)" 1
    if vfiofs_umount "$M"; then ok "gpio: unmount"; else not_ok "gpio: unmount: $(tail -n 3 "$M.log")"; fi
else
    not_ok "mount gpio-pci-idio-16: $(cat "$M.log")"
fi
server_stop gpio

# ---- server ----
S=$M/server
rm -f "$M.log"
sample_start server server || { not_ok "server starts: $(cat "$WORK/server.log")"; summary; exit 1; }
vfiofs_mount "$M" -o "vfio_user=$WORK/server.sock" || { not_ok "mount server: $(cat "$M.log")"; summary; exit 1; }
ok "mounted the sample server"
expect_eq "server: ids dead:beef" "$(file_hex "$S/config" 0 4)" addeefbe
expect_eq "server: region sizes" "$(stat -c %s "$S/bar0") $(stat -c %s "$S/bar1")" "8 16384"
expect_eq "server: bar1 mmap areas" "$(awk '$1 == "region.bar1.mmap" { print $2, $3 }' "$S/info" | tr '\n' ';')" \
    "0 4096;8192 4096;"
# BAR0 read gives now - the value written (0 so far): the time of day.
t=$(r64 "$S/bar0" 0)
now=$(date +%s)
[ "${t:0:2}" = 0x ] && [ $((t)) -ge $((now - 5)) ] && [ $((t)) -le $((now + 5)) ] &&
    ok "server: an 8-byte read of bar0 gives the time ($((t)))" || not_ok "server: bar0 read '$t' (now $now)"
expect_eq "server: a 4-byte read of bar0 fails with EIO" "$(rd "$S/bar0" 0 4)" EIO
head -c 4096 /dev/urandom >"$WORK/p"
dd if="$WORK/p" of="$S/bar1" bs=4096 count=1 conv=notrunc 2>/dev/null
check "server: bar1's first mmap-able page round trip" cmp "$WORK/p" <(dd if="$S/bar1" bs=4096 count=1 2>/dev/null)
dd if="$WORK/p" of="$S/bar1" bs=4096 count=1 seek=2 conv=notrunc 2>/dev/null
check "server: bar1's second mmap-able page round trip" cmp "$WORK/p" <(dd if="$S/bar1" bs=4096 count=1 skip=2 2>/dev/null)
if echo 1 >"$S/reset"; then ok "server: reset"; else not_ok "server: reset failed"; fi

# The timer: INTx first (the server raises it before its DMA), two buffers
# (its first mapping is used by messages, its second directly), then write
# an absolute time 2 s ahead to bar0.
if echo intx >"$S/irq"; then ok "server: echo intx > irq"; else not_ok "server: echo intx > irq failed"; fi
truncate -s 4096 "$M/dma/r0"
truncate -s 4096 "$M/dma/r1"
exec 3<"$S/irq"
w64 "$S/bar0" 0 $(($(date +%s) + 2))
if read -t 15 -r mode vector count <&3; then
    expect_eq "server: the timer raises INTx" "$mode $vector $count" "intx 0 1"
else
    not_ok "server: no interrupt within 15 s"
fi
exec 3<&-
want=$(python3 -c "print((b'A' * 1024 + b'B' * 1024 + b'C' * 1024 + b'D' * 1024).hex())")
_filled() { [ "$(od -An -tx1 -v "$M/dma/$1" | tr -d ' \n')" = "$want" ]; }
if wait_until 10 _filled r1; then ok "server: direct DMA filled the second buffer"; else not_ok "server: r1 not filled"; fi
if wait_until 10 _filled r0; then ok "server: message DMA filled the first buffer"; else not_ok "server: r0 not filled"; fi
expect_eq "server: still answering after its DMA" "$(stat -c %s "$S/bar1") $(kill -0 "${SERVER_PID[server]}" && echo alive)" \
    "16384 alive"
if vfiofs_umount "$M"; then ok "server: unmount"; else not_ok "server: unmount: $(tail -n 3 "$M.log")"; fi
_server_gone() { _is_dead "${SERVER_PID[server]}"; }
if wait_until 10 _server_gone; then ok "server: exits when its client goes away"; else not_ok "server: still running"; fi
server_stop server
summary
