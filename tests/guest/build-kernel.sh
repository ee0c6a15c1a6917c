#!/bin/bash
# Build the testbed's own guest kernel, the one with iommufd, and cache it.
#
#   tests/guest/build-kernel.sh [--refresh]      (kernel.sh --iommufd runs it)
#
# Prints the directory of the built kernel on stdout, in the layout
# kernel.sh prints for Debian's kernel: boot/vmlinuz-VERSION (bzImage),
# boot/vmlinux-VERSION (for PVH boot), boot/config-VERSION and
# lib/modules/VERSION/ with modules.dep (and modules.builtin: the testbed's
# drivers are all built in). Progress goes to stderr.
#
# Why: no Debian kernel has CONFIG_IOMMUFD (issue 22). The source is
# Debian's linux-source of trixie, fetched through a source list of its own
# (apt's options below) that names that suite for this one download: the
# machine's own sources and package lists are never touched. The
# configuration is tests/guest/iommufd.config merged onto allnoconfig.
#
# Cache: ${VFIOFS_KERNEL_CACHE:-/var/tmp/vfiofs-kernel}
#   apt/            the private source list, package lists and downloads
#   src/linux-source-SRCVER/  the unpacked tree; src/current names SRCVER
#   build/          kbuild's object directory (reused: a changed
#                   configuration rebuilds only what it changes)
#   kernel-KEY/     the result; KEY hashes the configuration, the source
#                   version and this recipe
# Once a kernel for the current configuration is built, later runs print it
# at once without apt or make (the fast path). --refresh asks apt whether a
# newer linux-source exists.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${VFIOFS_KERNEL_CACHE:-/var/tmp/vfiofs-kernel}
FRAGMENT=$here/iommufd.config
SUITE=trixie
META=linux-source # trixie's metapackage: depends on linux-source-6.12
MIRROR=http://deb.debian.org/debian
# Bump when the way of building changes in a way the key would not see.
RECIPE=1
LOCALVERSION=-vfiofs-iommufd

refresh=0
case "${1:-}" in
    --refresh) refresh=1 ;;
    "") ;;
    *) echo "usage: $0 [--refresh]" >&2; exit 2 ;;
esac

say() { echo "build-kernel.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

[[ -r "$FRAGMENT" ]] || die "no configuration fragment $FRAGMENT"

# SRCVER -> the cache key of the kernel built from it: the fragment's
# CONFIG_ lines (comments may change without a rebuild), the source
# version and the recipe.
key_for() {
    { grep -E '^[[:space:]]*CONFIG_' "$FRAGMENT"; echo "source $1"; echo "recipe $RECIPE $LOCALVERSION"; } |
        sha256sum | cut -c1-16
}

# The fast path: the cached source version, a kernel already built for it.
ready_kernel() {
    local srcver dir
    [[ -r "$CACHE/src/current" ]] || return 1
    srcver=$(cat "$CACHE/src/current")
    dir="$CACHE/kernel-$(key_for "$srcver")"
    [[ -e "$dir/.ready" ]] || return 1
    echo "$dir"
}
if ((!refresh)) && ready_kernel; then
    exit 0
fi

mkdir -p "$CACHE" || die "cannot create cache dir $CACHE (set VFIOFS_KERNEL_CACHE)"
exec 9>"$CACHE/.lock"
flock 9
if ((!refresh)) && ready_kernel; then
    exit 0
fi

# -- the source: trixie's linux-source, by a private apt configuration --------

apt_opts=(
    -q
    -o "Dir::Etc::SourceList=$CACHE/apt/sources.list"
    -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$CACHE/apt/lists"
    -o "Dir::Cache=$CACHE/apt/cache"
)
apt_update() {
    mkdir -p "$CACHE/apt/lists/partial" "$CACHE/apt/cache/archives/partial"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main" \
        >"$CACHE/apt/sources.list"
    say "apt-get update for $SUITE (private source list $CACHE/apt/sources.list)"
    apt-get "${apt_opts[@]}" update >&2 || die "apt-get update of the $SUITE list failed"
}
# linux-source -> linux-source-6.12 -> its version
resolve_source() {
    local pkg ver
    pkg=$(apt-cache "${apt_opts[@]}" depends "$META" 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-source-[0-9]/ { print $2; exit }')
    [[ -n "$pkg" ]] || return 1
    ver=$(apt-cache "${apt_opts[@]}" show --no-all-versions "$pkg" 2>/dev/null |
        awk '$1 == "Version:" { print $2; exit }')
    [[ -n "$ver" ]] || return 1
    echo "$pkg $ver"
}

fetch_source() {
    local pkg ver srcdir tmp tarball
    if ((refresh)) || [[ ! -r "$CACHE/apt/lists/lock" ]]; then
        apt_update
    fi
    read -r pkg ver <<<"$(resolve_source || true)"
    if [[ -z "${pkg:-}" ]]; then
        apt_update
        read -r pkg ver <<<"$(resolve_source || true)"
    fi
    [[ -n "${pkg:-}" ]] || die "apt knows no $META in $SUITE"
    srcdir="$CACHE/src/linux-source-$ver"
    if [[ ! -e "$srcdir/.ready" ]]; then
        tmp=$(mktemp -d "$CACHE/download.XXXXXX")
        # shellcheck disable=SC2064 # expand now: tmp is local
        trap "rm -rf '$tmp'" EXIT
        chown _apt "$tmp" 2>/dev/null || true
        say "downloading $pkg $ver (about 150 MB)"
        (cd "$tmp" && apt-get "${apt_opts[@]}" download "$pkg=$ver" >&2) ||
            die "apt-get download $pkg=$ver failed"
        say "unpacking the kernel tree"
        dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" ./usr/src/ ||
            die "cannot unpack $pkg"
        tarball=$(echo "$tmp"/usr/src/linux-source-*.tar.xz)
        [[ -f "$tarball" ]] || die "$pkg holds no usr/src/linux-source-*.tar.xz"
        rm -rf "$srcdir"
        mkdir -p "$srcdir"
        tar -xJf "$tarball" -C "$srcdir" --strip-components=1 || die "cannot unpack $tarball"
        touch "$srcdir/.ready"
        rm -rf "$tmp"
        trap - EXIT
    fi
    echo "$ver" >"$CACHE/src/current.new"
    mv "$CACHE/src/current.new" "$CACHE/src/current"
}

if ((refresh)) || [[ ! -r "$CACHE/src/current" ]] ||
    [[ ! -e "$CACHE/src/linux-source-$(cat "$CACHE/src/current")/.ready" ]]; then
    mkdir -p "$CACHE/src"
    fetch_source
fi
srcver=$(cat "$CACHE/src/current")
src="$CACHE/src/linux-source-$srcver"
key=$(key_for "$srcver")
out="$CACHE/kernel-$key"
if [[ -e "$out/.ready" ]]; then
    echo "$out"
    exit 0
fi

# -- configure and build ----------------------------------------------------------
for tool in make gcc flex bison bc perl depmod; do
    command -v "$tool" >/dev/null || die "$tool is missing (scripts/deps.sh installs the build's tools)"
done
obj="$CACHE/build"
mkdir -p "$obj"
kmake() { nice -n 15 make -C "$src" O="$obj" ARCH=x86_64 LOCALVERSION="$LOCALVERSION" "$@"; }

start=$(date +%s)
say "configuring Linux $srcver: allnoconfig + $(basename "$FRAGMENT")"
# -n: allnoconfig with the fragment as KCONFIG_ALLCONFIG, so a symbol that
# only becomes visible through the fragment (INET under NET, ...) is off
# rather than at its default.
(cd "$src" && ARCH=x86_64 nice -n 15 scripts/kconfig/merge_config.sh -n -O "$obj" "$FRAGMENT" >/dev/null) ||
    die "merge_config.sh failed"
# An option the fragment asks for that Kconfig dropped (a dependency is
# missing, or it is gone from this version) is an error, not a surprise.
missing=
while IFS= read -r line; do
    [[ "$line" == CONFIG_* ]] || continue
    name=${line%%=*}
    got=$(grep -E "^$name=|^# $name is not set" "$obj/.config" || true)
    [[ "$got" == "$line" ]] || missing+=" $line (got: ${got:-nothing})"
done <"$FRAGMENT"
[[ -z "$missing" ]] || die "the configuration does not hold:$missing"

say "building (nice -n 15 make -j2; about 20 minutes on two busy cores, log $obj/build.log)"
kmake -j2 bzImage modules >"$obj/build.log" 2>&1 || {
    tail -n 30 "$obj/build.log" >&2
    die "kernel build failed (log: $obj/build.log)"
}
kver=$(kmake -s kernelrelease)

say "installing Linux $kver into $out"
rm -rf "$out.tmp"
mkdir -p "$out.tmp/boot"
cp "$obj/arch/x86/boot/bzImage" "$out.tmp/boot/vmlinuz-$kver"
cp "$obj/.config" "$out.tmp/boot/config-$kver"
# modules_install puts modules.builtin* there and runs depmod: modules.dep
# exists (empty when everything is built in).
kmake -s INSTALL_MOD_PATH="$out.tmp" INSTALL_MOD_STRIP=1 modules_install >&2 ||
    die "make modules_install failed"
rm -f "$out.tmp/lib/modules/$kver/build" "$out.tmp/lib/modules/$kver/source"
[[ -f "$out.tmp/lib/modules/$kver/modules.dep" ]] || depmod -b "$out.tmp" "$kver"
python3 "$here/pvh-kernel.py" "$out.tmp/boot/vmlinuz-$kver" "$out.tmp/boot/vmlinux-$kver" ||
    say "no PVH kernel; the guest will boot the compressed kernel (slower)"
secs=$(($(date +%s) - start))
echo "$secs" >"$out.tmp/build-seconds"
touch "$out.tmp/.ready"
rm -rf "$out"
mv "$out.tmp" "$out"
say "built Linux $kver in $secs s; cached in $out"
for old in "$CACHE"/kernel-*; do
    [[ "$old" == "$out" || ! -d "$old" ]] || say "an older kernel can be removed: $old"
done
echo "$out"
