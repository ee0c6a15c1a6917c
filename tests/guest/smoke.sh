#!/bin/sh
# Smoke test of the testbed itself (no vfiofs): run it in the guest with
#   bash tests/guest/run.sh -- sh tests/guest/smoke.sh
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

sysdev() { echo "/sys/bus/pci/devices/$1"; }
driver_of() {
    if [ -e "$(sysdev "$1")/driver" ]; then basename "$(readlink "$(sysdev "$1")/driver")"; fi
}
group_of() { basename "$(readlink "$(sysdev "$1")/iommu_group")"; }

t_begin in-guest
expect_eq "${VFIOFS_IN_GUEST:-}" 1 "VFIOFS_IN_GUEST" && t_pass

# Each test device sits at its address and is what it should be.
for spec in "EDU0 $VFIOFS_EDU0 0x1234 0x11e8" "EDU1 $VFIOFS_EDU1 0x1234 0x11e8" \
    "EDU_UNBOUND $VFIOFS_EDU_UNBOUND 0x1234 0x11e8" "NVME $VFIOFS_NVME 0x1b36 0x0010" \
    "IVSHMEM $VFIOFS_IVSHMEM 0x1af4 0x1110"; do
    # shellcheck disable=SC2086 # split the spec into its words
    set -- $spec
    t_begin "identity-$1"
    expect_eq "$(cat "$(sysdev "$2")/vendor"):$(cat "$(sysdev "$2")/device")" "$3:$4" \
        "vendor:device of $2" && t_pass
done

groups=
for dev in "$VFIOFS_EDU0" "$VFIOFS_EDU1" "$VFIOFS_NVME" "$VFIOFS_IVSHMEM"; do
    t_begin "bound-$dev"
    group=$(group_of "$dev")
    expect_eq "$(driver_of "$dev")" vfio-pci "driver of $dev" &&
        { [ -c "/dev/vfio/$group" ] || t_fail "/dev/vfio/$group missing"; } &&
        t_pass
    groups="$groups $group"
done

t_begin groups-distinct
# shellcheck disable=SC2086 # one group per line
expect_eq "$(printf '%s\n' $groups | sort -u | wc -l)" 4 "distinct groups in '$groups'" && t_pass

t_begin vfio-container-node
if [ -c /dev/vfio/vfio ]; then t_pass; else t_fail "/dev/vfio/vfio missing"; fi

# The testbed's own kernel (run.sh --iommufd) has iommufd and VFIO's device
# files besides the groups: /dev/iommu, and one /dev/vfio/devices/vfioN per
# bound device, named in its sysfs vfio-dev directory.
if [ "${VFIOFS_GUEST_KERNEL:-debian}" = iommufd ]; then
    t_begin iommufd-node
    if [ -c /dev/iommu ]; then t_pass; else t_fail "/dev/iommu missing"; fi
    for dev in "$VFIOFS_EDU0" "$VFIOFS_EDU1" "$VFIOFS_NVME" "$VFIOFS_IVSHMEM"; do
        t_begin "vfio-cdev-$dev"
        cdev=$(ls "$(sysdev "$dev")/vfio-dev" 2>/dev/null)
        case $cdev in
            vfio[0-9]*)
                if [ -c "/dev/vfio/devices/$cdev" ]; then t_pass; else t_fail "/dev/vfio/devices/$cdev missing"; fi
                ;;
            *) t_fail "$dev has no vfio-dev/vfioN in sysfs (got '$cdev')" ;;
        esac
    done
fi

t_begin unbound-edu
expect_eq "$(driver_of "$VFIOFS_EDU_UNBOUND")" "" "driver of $VFIOFS_EDU_UNBOUND" && t_pass

t_begin edu0-rom
rom=$(sysdev "$VFIOFS_EDU0")/rom
echo 1 >"$rom"
sig=$(od -An -tx1 -N2 "$rom" | tr -s ' ' | sed 's/^ //')
marker=$(grep -c VFIOFS-TESTBED "$rom")
echo 0 >"$rom"
expect_eq "$sig" "55 aa" "ROM signature" &&
    expect_eq "$marker" 1 "ROM marker string" && t_pass

t_begin ivshmem-backing-file
if [ -f "${VFIOFS_IVSHMEM_FILE:-}" ]; then
    expect_eq "$(stat -c %s "$VFIOFS_IVSHMEM_FILE")" 4194304 "size of $VFIOFS_IVSHMEM_FILE" && t_pass
else
    t_fail "VFIOFS_IVSHMEM_FILE '${VFIOFS_IVSHMEM_FILE:-}' is not a file"
fi

# The BAR and the host file behind it, seen through 9p, agree both ways.
# sysfs resource2 can be mapped while no VFIO user has the device open.
t_begin ivshmem-coherence
out=$(python3 - "$(sysdev "$VFIOFS_IVSHMEM")/resource2" "$VFIOFS_IVSHMEM_FILE" 2>&1 <<'PY'
import mmap, os, sys
bar_path, file_path = sys.argv[1], sys.argv[2]
fd = os.open(bar_path, os.O_RDWR | os.O_SYNC)
bar = mmap.mmap(fd, 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
pattern = os.urandom(16)
bar[64:80] = pattern                       # guest writes the BAR ...
with open(file_path, "rb") as f:           # ... the host file has it
    f.seek(64)
    if f.read(16) != pattern:
        sys.exit("BAR write not seen in the host file")
with open(file_path, "r+b") as f:          # the file is written ...
    f.seek(128)
    f.write(pattern)
if bar[128:144] != pattern:                # ... the BAR shows it
    sys.exit("host file write not seen in the BAR")
bar[64:80] = bytes(16)
bar[128:144] = bytes(16)
print("coherent")
PY
)
expect_eq "$out" coherent "BAR vs host file" && t_pass

t_begin dev-fuse
if [ -c /dev/fuse ]; then t_pass; else t_fail "/dev/fuse missing"; fi

t_begin python3
expect_eq "$(python3 -c 'print(6 * 7)' 2>&1)" 42 "python3 output" && t_pass

t_begin writable-tmp
if tmp=$(mktemp) && rm -f "$tmp"; then t_pass; else t_fail "cannot create a file in /tmp"; fi

t_begin readonly-host-root
if touch /usr/.vfiofs-testbed-probe 2>/dev/null; then
    rm -f /usr/.vfiofs-testbed-probe
    t_fail "the host root is writable from the guest"
else
    t_pass
fi

t_summary
