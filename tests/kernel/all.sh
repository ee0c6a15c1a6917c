# The kernel tier: runs every scenario (t_*.sh, or those named) in the guest
# against the kernel's vfio-pci; prints each test's line and ends with
# "kernel: N passed, N failed".
#   tests/guest/run.sh -- sh tests/kernel/all.sh [t_regions.sh ...]
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/scenarios.sh

run_scenario() { WORK=$2 timeout 600 sh "tests/kernel/$1"; }

# A daemon left mounted by a failed scenario must not spoil the next one.
clean_up_scenario() {
    for m in $(awk '$3 == "fuse.vfiofs" { print $2 }' /proc/mounts); do umount -l "$m"; done
    pkill -9 -x vfiofs 2>/dev/null
}

run_scenarios kernel tests/kernel /tmp/vfiofs-kernel "$@"
