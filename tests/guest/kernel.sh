#!/bin/bash
# Get a Debian kernel that has VFIO, for the testbed guest, and cache it.
#
#   tests/guest/kernel.sh [--refresh] [--iommufd]
#
# Prints the directory of the unpacked kernel package on stdout: it holds
# boot/vmlinuz-VERSION, lib/modules/VERSION/ (with modules.dep made by
# depmod) and, when the kernel can boot through PVH, boot/vmlinux-VERSION
# (the uncompressed kernel; see pvh-kernel.py). Progress goes to stderr.
#
# Cache: ${VFIOFS_TESTBED_CACHE:-/var/cache/vfiofs-testbed}. Once a kernel is
# unpacked there, later runs use it without asking apt anything (the fast
# path). --refresh updates apt's package lists, asks again which kernel
# linux-image-amd64 points to and fetches it if it is not cached yet.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${VFIOFS_TESTBED_CACHE:-/var/cache/vfiofs-testbed}
META=linux-image-amd64   # Debian's metapackage for the current kernel ABI

refresh=0
iommufd=0
for arg in "$@"; do
    case "$arg" in
        --refresh) refresh=1 ;;
        --iommufd) iommufd=1 ;;
        *) echo "usage: $0 [--refresh] [--iommufd]" >&2; exit 2 ;;
    esac
done
if ((iommufd)); then
    if ((refresh)); then exec "$here/build-kernel.sh" --refresh; fi
    exec "$here/build-kernel.sh"
fi

say() { echo "kernel.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

# A cached kernel is usable once all of its preparation below finished
# (.ready marker).
cached_kernel() {
    local dir
    [[ -r "$CACHE/current" ]] || return 1
    dir="$CACHE/$(cat "$CACHE/current")"
    [[ -e "$dir/.ready" ]] || return 1
    echo "$dir"
}

if ((!refresh)) && cached_kernel; then
    exit 0
fi

mkdir -p "$CACHE" || die "cannot create cache dir $CACHE (set VFIOFS_TESTBED_CACHE)"
# Serialise concurrent runs that all find the cache empty.
exec 9>"$CACHE/.lock"
flock 9
if ((!refresh)) && cached_kernel; then
    exit 0
fi

# Which linux-image-6.1.0-N-amd64 does the metapackage depend on? Package
# lists may be missing on a machine where nothing was installed lately.
resolve() {
    apt-cache depends "$META" 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}
if ((refresh)); then
    apt-get update -q >&2 || die "apt-get update failed"
fi
pkg=$(resolve)
if [[ -z "$pkg" ]]; then
    say "no package lists know $META; running apt-get update"
    apt-get update -q >&2 || die "apt-get update failed"
    pkg=$(resolve)
fi
[[ -n "$pkg" ]] || die "cannot find which kernel package $META depends on"

use() {
    echo "$1" >"$CACHE/current.new"
    mv "$CACHE/current.new" "$CACHE/current"
    say "kernel cached in $CACHE/$1"
    echo "$CACHE/$1"
}

# Already have that very version (e.g. after --refresh): no download.
version=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | awk '$1 == "Version:" { print $2; exit }')
if [[ -n "$version" && -e "$CACHE/${pkg}_$version/.ready" ]]; then
    use "${pkg}_$version"
    exit 0
fi

tmp=$(mktemp -d "$CACHE/download.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# apt downloads as its sandbox user _apt when that user can write here
# (otherwise it warns and downloads as root).
chown _apt "$tmp" 2>/dev/null || true
say "downloading $pkg"
if ! (cd "$tmp" && apt-get download -q "$pkg" >&2); then
    # Stale package lists can name a version the mirror no longer has.
    say "download failed; running apt-get update and trying again"
    apt-get update -q >&2 || die "apt-get update failed"
    pkg=$(resolve)
    [[ -n "$pkg" ]] || die "cannot find which kernel package $META depends on"
    (cd "$tmp" && apt-get download -q "$pkg" >&2) || die "apt-get download $pkg failed"
fi
deb=$(echo "$tmp"/*.deb)
[[ -f "$deb" ]] || die "apt-get download left no .deb in $tmp"
version=$(dpkg-deb -f "$deb" Version)
name="${pkg}_${version}"
dir="$CACHE/$name"

if [[ ! -e "$dir/.ready" ]]; then
    say "unpacking $name"
    rm -rf "$dir"
    mkdir -p "$dir"
    dpkg-deb -x "$deb" "$dir"
    # lib/modules/VERSION: the name the running kernel will look for.
    kver=$(basename "$(echo "$dir"/lib/modules/*)")
    [[ -f "$dir/boot/vmlinuz-$kver" ]] || die "no boot/vmlinuz-$kver in $pkg"
    # The package ships no modules.dep; make one (modprobe needs it to
    # compute load order when the initramfs is built).
    depmod -b "$dir" "$kver" || die "depmod failed for $kver"
    # Optional: without it run.sh boots the bzImage, only more slowly.
    python3 "$here/pvh-kernel.py" "$dir/boot/vmlinuz-$kver" "$dir/boot/vmlinux-$kver" ||
        say "no PVH kernel; the guest will boot the compressed kernel (slower)"
    touch "$dir/.ready"
fi
use "$name"
for old in "$CACHE"/linux-image-*; do
    [[ "$old" == "$dir" ]] || say "an older kernel can be removed: $old"
done
