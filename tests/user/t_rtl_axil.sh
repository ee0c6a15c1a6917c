# An AXI4-Lite slave behind sim/'s bridge through sim/rtl/axil_adapter.v
# (rtl_axil: sim/rtl/axil_demo.v, axil_regs.v): the pattern for a team's own
# AXI4-Lite block. Byte enables reach the slave's wstrb, an access across two
# 64-bit words is two AXI transactions, DECERR on a read is EIO, a write's
# SLVERR is dropped (writes are posted), reset clears the block.
. tests/user/common.sh
. tests/user/rtl.sh

M=$WORK/m
D=$M/axil
B=$D/bar0
rtl_start axil "$RTL_AXIL" || { not_ok "rtl_axil starts: $(cat "$WORK/axil.log")"; exit 1; }
vfiofs_mount "$M" -o "vfio_user=$WORK/axil.sock" || { not_ok "mount: $(cat "$M.log")"; exit 1; }

expect_eq "ids 1234:a71e" "$(info_value "$D/info" vendor):$(info_value "$D/info" device)" 0x1234:0xa71e
expect_eq "8-byte read of the ident" "$(r64 "$B" 0)" 0x0000000141584c31
expect_eq "4-byte reads of its halves (rdata's lanes)" "$(r32 "$B" 0) $(r32 "$B" 4)" "0x41584c31 0x00000001"
w64 "$B" 0x08 0x1122334455667788
expect_eq "8-byte write and read of a scratch register" "$(r64 "$B" 0x08)" 0x1122334455667788
wr "$B" 0x0a 1 0xaa
wr "$B" 0x0c 2 0xbbcc
expect_eq "1- and 2-byte writes: only their bytes (wstrb)" "$(r64 "$B" 0x08)" 0x1122bbcc55aa7788
expect_eq "1-byte read" "$(rd "$B" 0x0d 1)" 0xbb
w32 "$B" 0x1c 0xdeadbeef
n=$(r64 "$B" 0x28)
wr "$B" 0x1e 4 0x01020304
expect_eq "a 4-byte write across two words: bytes in place" \
    "$(r64 "$B" 0x18) $(r64 "$B" 0x20)" "0x0304beef00000000 0x0000000000000102"
expect_eq "... in two AXI write transactions" "$(r64 "$B" 0x28)" "$(printf '0x%016x' $((n + 2)))"
n=$(r64 "$B" 0x28)
w32 "$B" 0x10 1
expect_eq "the block counted one write for one 4-byte access" "$(r64 "$B" 0x28)" "$(printf '0x%016x' $((n + 1)))"
expect_eq "a read from 0x100 (DECERR) gives EIO" "$(r32 "$B" 0x100)" EIO
expect_eq "a write to 0x100 (SLVERR) is posted: no error" "$(w32 "$B" 0x100 5)" ""
expect_eq "reads of undecoded offsets below 0x100 are 0 (OKAY)" "$(r64 "$B" 0x30)" 0x0000000000000000
if echo 1 >"$D/reset"; then ok "echo 1 > reset"; else not_ok "reset"; fi
expect_eq "reset clears the block" "$(r64 "$B" 0x08) $(r64 "$B" 0x28)" "0x0000000000000000 0x0000000000000000"
vfiofs_umount "$M" || not_ok "unmount"
summary
