# Region files of a vfio-user device (our model vfu_edu): exact access widths
# reach the server, width rules give EIO, the 8-byte register, a computation
# with a busy bit, BAR2 across its mmap-able and callback-only areas, config
# space, and the info lines.
. tests/user/common.sh

M=$WORK/m
D=$M/edu
model_start edu || { not_ok "vfu_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock" || { not_ok "mount: $(cat "$M.log")"; exit 1; }
ok "mounted with -o vfio_user=$WORK/edu.sock"

expect_eq "device directory named after the socket, files of the BARs it has" \
    "$(cd "$D" && ls | sort | tr '\n' ' ')" "bar0 bar2 config dma info irq reset trace "

# ---- BAR0 registers ----
expect_eq "ident at 0x00 with dd bs=4" "$(dd_r32 "$D/bar0" 0)" 0x56465531
expect_eq "ident bytes in file order (one 4-byte read)" \
    "$(dd if="$D/bar0" bs=4 count=1 2>/dev/null | od -An -tx1 | tr -d ' \n')" 31554656
dd_w32 "$D/bar0" 4 0x12345678
expect_eq "liveness 0x04 reads back NOT of 0x12345678" "$(dd_r32 "$D/bar0" 4)" 0xedcba987
expect_eq "a 2-byte read of the 4-byte ident fails with EIO" "$(rd "$D/bar0" 0 2)" EIO

# Exact widths: each aligned pread/pwrite of 1, 2, 4 or 8 bytes at the
# scratch (0x20..0x27) is one access of that width, counted by the model.
counters() { echo "$(r32 "$D/bar0" 0x10) $(r32 "$D/bar0" 0x14) $(r32 "$D/bar0" 0x18) $(r32 "$D/bar0" 0x1c)"; }
w32 "$D/bar0" 0x10 0
expect_eq "writing 0x10 clears the width counters" "$(counters)" "0x00000000 0x00000000 0x00000000 0x00000000"
w64 "$D/bar0" 0x20 0x8877665544332211
rd "$D/bar0" 0x20 8 >/dev/null
expect_eq "one 8-byte write and one 8-byte read: two 8-byte accesses" "$(counters)" \
    "0x00000000 0x00000000 0x00000000 0x00000002"
w32 "$D/bar0" 0x10 0
wr "$D/bar0" 0x21 1 0xaa; wr "$D/bar0" 0x22 2 0xccbb; wr "$D/bar0" 0x24 4 0x11223344
rd "$D/bar0" 0x27 1 >/dev/null; rd "$D/bar0" 0x26 2 >/dev/null; rd "$D/bar0" 0x20 4 >/dev/null
expect_eq "1, 2 and 4-byte preads/pwrites arrive with their widths" "$(counters)" \
    "0x00000002 0x00000002 0x00000002 0x00000000"
expect_eq "the scratch holds the bytes written at their offsets" "$(file_hex "$D/bar0" 0x20 8)" 11aabbcc44332211
w32 "$D/bar0" 0x10 0
dd if="$D/bar0" bs=8 count=1 skip=4 2>/dev/null | od -An -tx1 >/dev/null
dd if="$D/bar0" bs=2 count=1 skip=$((0x22 / 2)) 2>/dev/null >/dev/null
expect_eq "dd bs=8 and dd bs=2 are one access each" "$(counters)" "0x00000000 0x00000001 0x00000000 0x00000001"

w32 "$D/bar0" 0x10 0
got=$(python3 -c "
import os
fd = os.open('$D/bar0', os.O_RDONLY)
print(os.pread(fd, 7, 0x21).hex())")
expect_eq "an unaligned 7-byte read at 0x21 is 1+2+4 ascending: data" "$got" aabbcc44332211
expect_eq "an unaligned 7-byte read at 0x21 is 1+2+4 ascending: widths" "$(counters)" \
    "0x00000001 0x00000001 0x00000001 0x00000000"

# An unaligned 8-byte write at 0x21 splits into 1 (0x21), 2 (0x22), 4 (0x24)
# and 1 (0x28): the last piece hits the 8-byte-only register 0x28 and is
# refused, so the write fails or is short, after the first three landed.
w64 "$D/bar0" 0x28 0x0123456789abcdef
w64 "$D/bar0" 0x20 0
w32 "$D/bar0" 0x10 0
got=$(python3 -c "
import os, errno
fd = os.open('$D/bar0', os.O_WRONLY)
try:
    print(os.pwrite(fd, bytes.fromhex('1122334455667788'), 0x21))
except OSError as e:
    print(errno.errorcode[e.errno])")
case $got in EIO | 7) ok "unaligned 8-byte write at 0x21: the refused last piece fails it ($got)" ;;
*) not_ok "unaligned 8-byte write at 0x21: expected EIO or a short count 7, got '$got'" ;; esac
expect_eq "unaligned 8-byte write at 0x21: 1, 2, 4-byte pieces reached the scratch" "$(counters)" \
    "0x00000001 0x00000001 0x00000001 0x00000000"
expect_eq "unaligned 8-byte write at 0x21: the first seven bytes landed in order" \
    "$(file_hex "$D/bar0" 0x20 8)" 0011223344556677
expect_eq "unaligned 8-byte write at 0x21: 0x28 untouched by the 1-byte piece" \
    "$(r64 "$D/bar0" 0x28)" 0x0123456789abcdef

# ---- the 8-byte register ----
w64 "$D/bar0" 0x28 0x1122334455667788
expect_eq "8-byte register 0x28 round trip" "$(r64 "$D/bar0" 0x28)" 0x1122334455667788
expect_eq "a 4-byte read of 0x28 fails with EIO" "$(rd "$D/bar0" 0x28 4)" EIO
expect_eq "a 4-byte write of 0x28 fails with EIO" "$(wr "$D/bar0" 0x28 4 1)" EIO
expect_eq "0x28 unchanged by the refused write" "$(r64 "$D/bar0" 0x28)" 0x1122334455667788
expect_eq "an undefined offset (0x200) fails with EIO" "$(rd "$D/bar0" 0x200 4)" EIO

# ---- factorial with a busy bit ----
dd_w32 "$D/bar0" 0x30 10
if edu_fact_wait "$D"; then ok "factorial: busy bit (0x34) clears"; else not_ok "factorial: busy still set after 10 s"; fi
expect_eq "factorial of 10 at 0x38" "$(r64 "$D/bar0" 0x38)" 0x0000000000375f00
w32 "$D/bar0" 0x30 20
edu_fact_wait "$D"
expect_eq "factorial of 20 (64 bits)" "$(r64 "$D/bar0" 0x38)" "0x$(printf '%016x' 2432902008176640000)"
expect_eq "factorial of 21 is refused (EIO)" "$(w32 "$D/bar0" 0x30 21)" EIO

# ---- BAR2: mmap-able [0, 0x4000) beside callback-only [0x4000, 0x8000) ----
expect_eq "bar2 st_size is 64 KiB" "$(stat -c %s "$D/bar2")" 65536
head -c 32 /dev/urandom >"$WORK/p32"
dd if="$WORK/p32" of="$D/bar2" bs=32 count=1 seek=$((0x3ff0)) oflag=seek_bytes conv=notrunc 2>/dev/null
dd if="$D/bar2" of="$WORK/b32" bs=1 count=32 skip=$((0x3ff0)) 2>/dev/null
check "BAR2 0x3ff0..0x4010: 32 bytes written at once read back byte by byte" cmp "$WORK/p32" "$WORK/b32"
head -c 4096 /dev/urandom >"$WORK/p4k"
dd if="$WORK/p4k" of="$D/bar2" bs=1 count=4096 seek=$((0x3800)) conv=notrunc 2>/dev/null
dd if="$D/bar2" of="$WORK/b4k" bs=4096 count=1 skip=$((0x3800)) iflag=skip_bytes 2>/dev/null
check "BAR2 0x3800..0x4800: 4 KiB written byte by byte read back at once" cmp "$WORK/p4k" "$WORK/b4k"
head -c 65536 /dev/urandom >"$WORK/p64k"
dd if="$WORK/p64k" of="$D/bar2" bs=64k count=1 conv=notrunc 2>/dev/null
dd if="$D/bar2" of="$WORK/b64k" bs=64k count=1 2>/dev/null
check "BAR2: all 64 KiB (every area) round trip" cmp "$WORK/p64k" "$WORK/b64k"
expect_eq "a read at the end of bar2 returns 0 bytes" "$(dd if="$D/bar2" bs=4 count=1 skip=16384 2>/dev/null | wc -c)" 0

# ---- configuration space ----
expect_eq "config vendor:device 1234:11e9" "$(file_hex "$D/config" 0 4)" 3412e911
expect_eq "config revision 0x10, class 0x00ff00" "$(file_hex "$D/config" 8 4)" 1000ff00
expect_eq "config subsystem 1af4:1100" "$(file_hex "$D/config" 44 4)" f41a0011

expect_eq "config interrupt pin INTA" "$(rd "$D/config" 0x3d 1)" 0x01
wr "$D/config" 4 2 0x0406
expect_eq "config writes reach the server (command register)" "$(rd "$D/config" 4 2)" 0x0406
wr "$D/config" 0x10 4 0xffffffff
wr "$D/config" 0x18 4 0xffffffff
expect_eq "config BAR sizing (libvfio-user's emulation): 4 KiB BAR0, 64 KiB BAR2" \
    "$(rd "$D/config" 0x10 4) $(rd "$D/config" 0x18 4)" "0xfffff000 0xffff0000"

# ---- info ----
I=$D/info
expect_eq "info: transport" "$(info_value "$I" transport)" vfio-user
expect_eq "info: socket" "$(info_value "$I" socket)" "$WORK/edu.sock"
expect_eq "info: ids" "$(info_value "$I" vendor) $(info_value "$I" device) $(info_value "$I" class) $(info_value "$I" revision)" \
    "0x1234 0x11e9 0x00ff00 0x10"
expect_eq "info: region sizes" "$(info_value "$I" region.bar0.size) $(info_value "$I" region.bar2.size) $(info_value "$I" region.config.size)" \
    "4096 65536 256"
expect_eq "info: region.bar2.mmap areas" "$(awk '$1 == "region.bar2.mmap" { print $2, $3 }' "$I" | tr '\n' ';')" \
    "0 16384;32768 16384;"
expect_eq "info: bar0 has no mmap area" "$(grep -c '^region.bar0.mmap' "$I")" 0
expect_eq "info: reset supported" "$(info_value "$I" reset)" yes
expect_eq "info: interrupt counts" "$(info_value "$I" irq.intx.count) $(info_value "$I" irq.msi.count) $(info_value "$I" irq.msix.count)" \
    "1 4 8"
v=$(info_value "$I" vfio_user.version)
case $v in 0.[0-9]*) ok "info: vfio_user.version $v" ;; *) not_ok "info: vfio_user.version '$v'" ;; esac
x=$(info_value "$I" vfio_user.max_data_xfer_size)
[ -n "$x" ] && [ "$x" -gt 0 ] 2>/dev/null && ok "info: vfio_user.max_data_xfer_size $x" ||
    not_ok "info: vfio_user.max_data_xfer_size '$x'"
f=$(info_value "$I" vfio_user.max_msg_fds)
[ -n "$f" ] && [ "$f" -ge 0 ] 2>/dev/null && ok "info: vfio_user.max_msg_fds $f" || not_ok "info: vfio_user.max_msg_fds '$f'"
case $(info_value "$I" vfio_user.twin_socket) in yes | no) ok "info: vfio_user.twin_socket" ;;
*) not_ok "info: vfio_user.twin_socket '$(info_value "$I" vfio_user.twin_socket)'" ;; esac
expect_eq "info: descriptors and DMA mode on a direct UNIX socket" \
    "$(info_value "$I" vfio_user.descriptors) $(info_value "$I" vfio_user.dma)" "yes fd"

if vfiofs_umount "$M"; then ok "unmount: daemon exits 0"; else not_ok "unmount: daemon did not exit cleanly"; fi
summary
