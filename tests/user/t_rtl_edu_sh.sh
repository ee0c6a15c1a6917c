# The same-script pair, host side: examples/edu.sh, unchanged, on the RTL edu
# (rtl_edu through vfio-user) prints exactly the lines that QEMU's edu gives
# in the guest (tests/lib/edu_sh.golden, after edu_sh_normalize; the guest
# scenario tests/kernel/t_edu_golden.sh holds QEMU's edu to the same
# file), over descriptors and over -o vfio_user_dma=message; and
# tests/lib/edu_probe.py's register and width probes print
# tests/lib/edu_probe.golden, recorded from QEMU's edu too.
. tests/user/common.sh
. tests/user/rtl.sh
. tests/lib/edu_golden.sh

M=$WORK/m
rtl_start edu "$RTL_EDU" || { not_ok "rtl_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
for dma in fd message; do
    vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock,iova_max=0xfffffff,vfio_user_dma=$dma" ||
        { not_ok "mount: $(cat "$M.log")"; exit 1; }
    out=$(timeout 120 sh examples/edu.sh "$M/edu" 2>&1)
    rc=$?
    printf '%s\n' "$out" | edu_sh_normalize "$M/edu" >"$WORK/edu_sh.out"
    if [ "$rc" != 0 ]; then
        not_ok "edu.sh on rtl_edu ($dma) exited $rc: $out"
    elif diff -u "$EDU_SH_GOLDEN" "$WORK/edu_sh.out" >"$WORK/diff"; then
        ok "edu.sh on rtl_edu ($dma DMA) prints the lines QEMU's edu printed ($(wc -l <"$WORK/edu_sh.out") lines)"
    else
        not_ok "edu.sh on rtl_edu ($dma) differs from $EDU_SH_GOLDEN: $(cat "$WORK/diff")"
    fi
    vfiofs_umount "$M" || not_ok "unmount: $(cat "$M.log")"
done

vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock,iova_max=0xfffffff" || { not_ok "mount: $(cat "$M.log")"; exit 1; }
timeout 120 python3 tests/lib/edu_probe.py "$M/edu" >"$WORK/probe.out" 2>&1
if diff -u "$EDU_PROBE_GOLDEN" "$WORK/probe.out" >"$WORK/diff"; then
    ok "edu_probe.py on rtl_edu prints what QEMU's edu gave ($(wc -l <"$WORK/probe.out") probes)"
else
    not_ok "edu_probe.py on rtl_edu differs from $EDU_PROBE_GOLDEN: $(cat "$WORK/diff")"
fi
vfiofs_umount "$M"
summary
