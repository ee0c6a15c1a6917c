#!/bin/bash
# Install every Debian package needed to build vfiofs and to run the QEMU
# testbed (tests/guest/). Idempotent: when everything is already installed it
# does not touch apt at all. Meant for Debian 12 (bookworm), run as root.
set -euo pipefail

PACKAGES=(
    # build
    build-essential autoconf automake libtool pkg-config clang
    libfuse3-dev libglib2.0-dev libcunit1-dev
    # register descriptions (regmap/): IP-XACT and CMSIS-SVD are XML
    libxml2-dev
    # run and test on the host
    fuse3 attr valgrind python3 time
    # guest testbed: emulator, initramfs tools, guest kernel handling
    qemu-system-x86 busybox-static cpio kmod xz-utils zstd
    # the testbed's own guest kernel with iommufd (tests/guest/build-kernel.sh)
    flex bison bc libelf-dev libssl-dev
    # vfio-user: libvfio-user (the test peer) builds with meson, needs json-c
    # and cmocka; json-glib for the client; socat relays a socket in the tests
    meson ninja-build libjson-c-dev libcmocka-dev libjson-glib-dev socat
    # sim/: Verilog endpoints behind vfio-user (the RTL edu) are verilated
    verilator
)

missing=()
for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "deps.sh: all ${#PACKAGES[@]} packages already installed"
    exit 0
fi

if ((EUID != 0)); then
    echo "deps.sh: need root to install: ${missing[*]}" >&2
    exit 1
fi

echo "deps.sh: installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# Recommends are not needed (qemu's GUI, ovmf, ...) and cost minutes in CI.
apt-get install -y -q --no-install-recommends "${missing[@]}"
