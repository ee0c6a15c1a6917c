#!/bin/bash
# Build the testbed guest's initramfs.
#
#   tests/guest/initramfs.sh KERNEL_DIR OUTPUT
#
# KERNEL_DIR is what kernel.sh prints. The archive (uncompressed newc cpio:
# decompressing it would cost more guest time under TCG than reading it)
# holds static busybox, guest-init.sh as /init, and the kernel modules the
# guest needs, decompressed, with /lib/modules/load-order listing them in an
# order that loads (dependencies first, as modprobe computes them).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "initramfs.sh: error: $*" >&2; exit 1; }

(($# == 2)) || { echo "usage: $0 KERNEL_DIR OUTPUT" >&2; exit 2; }
kdir=$1
out=$2

# What the guest needs: VFIO for the devices, virtio + 9p to mount the host's
# root, fuse for vfiofs itself. Dependencies and soft dependencies
# (vfio -> vfio_iommu_type1) are added by modprobe --show-depends. nvme is
# deliberately absent: the test NVMe controller must stay free for vfio-pci.
MODULES=(vfio_iommu_type1 vfio-pci virtio_pci 9pnet_virtio 9p fuse)

kvers=("$kdir"/lib/modules/*)
if ((${#kvers[@]} != 1)) || [[ ! -d "${kvers[0]}" ]]; then
    die "expected one lib/modules/VERSION in $kdir"
fi
kver=$(basename "${kvers[0]}")

busybox=$(command -v busybox || true)
[[ -n "$busybox" ]] || die "busybox not found (apt-get install busybox-static)"
# The initramfs has no libc: busybox must be the static build (ldd fails on
# a static executable).
if ldd "$busybox" >/dev/null 2>&1; then
    die "$busybox is dynamically linked; install busybox-static"
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/vfiofs-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,newroot,hostro,hostwork,lib/modules}

cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list); do
    [[ "$applet" == busybox ]] || ln -s busybox "$stage/bin/$applet"
done
cp "$here/guest-init.sh" "$stage/init"
chmod 755 "$stage/init"
# The kernel opens /dev/console for /init before anything is mounted.
if ((EUID == 0)); then
    mknod -m 600 "$stage/dev/console" c 5 1
fi

# Module files in load order, without duplicates; "builtin X" lines are
# skipped (nothing to load: the testbed's own kernel, build-kernel.sh, has
# everything built in and so an empty load-order).
: >"$stage/lib/modules/load-order"
declare -A seen=()
order=()
for mod in "${MODULES[@]}"; do
    deps=$(modprobe -d "$kdir" -S "$kver" --show-depends "$mod") ||
        die "modprobe cannot resolve module $mod for $kver"
    while read -r verb path _; do
        [[ "$verb" == insmod ]] || continue
        if [[ -z "${seen[$path]:-}" ]]; then
            seen[$path]=1
            order+=("$path")
        fi
    done <<<"$deps"
done

# busybox insmod calls init_module() on the file's bytes, so compressed
# modules (Debian compresses them in later releases) are unpacked here.
for path in "${order[@]}"; do
    name=$(basename "$path")
    case "$name" in
        *.ko) cp "$path" "$stage/lib/modules/$name" ;;
        *.ko.xz) xz -dc "$path" >"$stage/lib/modules/${name%.xz}"; name=${name%.xz} ;;
        *.ko.zst) zstd -qdc "$path" >"$stage/lib/modules/${name%.zst}"; name=${name%.zst} ;;
        *.ko.gz) gzip -dc "$path" >"$stage/lib/modules/${name%.gz}"; name=${name%.gz} ;;
        *) die "unknown module file type: $path" ;;
    esac
    echo "$name" >>"$stage/lib/modules/load-order"
done

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out"
