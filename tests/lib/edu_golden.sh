# The same script on two devices: examples/edu.sh's output, with what
# differs by machine taken out, against one golden file recorded from QEMU
# 7.2's edu in the guest (tests/lib/edu_sh.golden). The guest scenario
# tests/kernel/t_edu_golden.sh runs it on QEMU's edu through vfio-pci,
# the host scenario tests/user/t_rtl_edu_sh.sh on the RTL edu through
# vfio-user. POSIX sh (the guest runs dash).
#
# edu_sh_normalize DEVICE_DIR: stdin -> stdout; the device directory becomes
# DEV, the mount point MNT, the buffers' PIDs PID and their IOVAs IOVA.
edu_sh_normalize() {
    _d=${1%/}
    _m=${_d%/*}
    sed -e "s|$_d|DEV|g" -e "s|$_m|MNT|g" -e 's/edu-sh-[0-9]*-/edu-sh-PID-/g' \
        -e 's/IOVA 0x[0-9a-f]*/IOVA IOVA/g'
}

EDU_SH_GOLDEN=${REPO:-.}/tests/lib/edu_sh.golden
EDU_PROBE_GOLDEN=${REPO:-.}/tests/lib/edu_probe.golden
