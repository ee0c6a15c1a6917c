#!/bin/bash
# Builds sim/'s Verilog endpoints behind the vfio-user bridge:
#   bash sim/build.sh        last line: the path of the rtl_edu server binary
#   bash sim/build.sh NAME TOP.v MAIN.cpp [MORE.v|.cpp ...]
#                            your own endpoint (module TOP, the name of the
#                            first file) with its main(); last line: the
#                            path of the server binary NAME
# Installs missing Debian packages (scripts/deps.sh, as root), builds
# libvfio-user as the user tier does (tests/user/servers/build.sh: from
# $LIBVFIO_USER_SRC, default ../shared/third_party/libvfio-user, into
# $VFU_BUILD), then verilates and compiles each device into
# $VFU_MODEL_DIR/sim/<device>/ (incremental: nothing happens when the
# binaries are newer than their sources). Exits 77 with one line saying
# what is missing when there is nothing to build from, 1 when a build fails.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd -P)
. "$REPO/tests/user/servers/paths.sh"
VFU_COMMIT=efd091bce1c1c2da64a1a935911a7c2300c848b2

if [ ! -f "$VFU_SRC/include/libvfio-user.h" ]; then
    echo "sim: no libvfio-user source at $VFU_SRC: git clone https://github.com/nutanix/libvfio-user && git -C libvfio-user checkout $VFU_COMMIT, then LIBVFIO_USER_SRC=\$PWD/libvfio-user bash sim/build.sh"
    exit 77
fi
# What the build needs (Debian packages in scripts/deps.sh): installed when
# missing and we are root, else one line saying so.
have_all() {
    local t
    for t in verilator meson ninja g++ make pkg-config; do
        command -v "$t" >/dev/null || return 1
    done
    pkg-config --exists json-c cmocka
}
if ! have_all; then
    if [ "$(id -u)" = 0 ]; then
        bash "$REPO/scripts/deps.sh" >&2
    else
        echo "sim: build tools are missing (verilator, meson, ninja, json-c, cmocka): run bash scripts/deps.sh as root"
        exit 77
    fi
fi

out=$(bash "$REPO/tests/user/servers/build.sh" 2>&1) || {
    rc=$?
    echo "$out"
    exit "$rc"
}
src_real=$(cd "$VFU_SRC" && pwd -P)
SIM_OUT=$VFU_MODEL_DIR/sim
mkdir -p "$SIM_OUT"
exec 9>"$SIM_OUT/.lock"
flock 9

# build_device NAME TOP FILE...: verilates FILE... (Verilog and C++, TOP the
# top module) with the bridge into $SIM_OUT/NAME/NAME, unless that is newer
# than every input.
build_device() {
    local name=$1 top=$2 dir=$SIM_OUT/$1
    shift 2
    local files=("$@")
    local srcs=("${files[@]}" "$REPO/sim/bridge/bridge.cpp" "$REPO/sim/bridge/bridge.h"
                "$REPO/sim/rtl/endpoint_ports.vh" "$VFU_LIB_BUILD/lib/libvfio-user.so")
    local s fresh=1
    for s in "${srcs[@]}"; do
        [ -x "$dir/$name" ] && [ "$dir/$name" -nt "$s" ] || fresh=0
    done
    [ "$fresh" = 1 ] && return 0
    mkdir -p "$dir"
    # -D_Static_assert: libvfio-user's pci_caps headers use the C spelling.
    # -I sim/rtl: endpoints `include "endpoint_ports.vh" from there.
    if ! nice -n 10 verilator --cc --exe --build -j 2 --no-timing -Wall -O2 \
        --top-module "$top" -Mdir "$dir" -o "$name" -I"$REPO/sim/rtl" \
        -CFLAGS "-O2 -Wall -Wextra -Werror -D_Static_assert=static_assert -I$src_real/include" \
        -LDFLAGS "-L$VFU_LIB_BUILD/lib -Wl,-rpath,$VFU_LIB_BUILD/lib -lvfio-user" \
        -CFLAGS "-I$REPO/sim/bridge" "${files[@]}" "$REPO/sim/bridge/bridge.cpp" \
        >"$dir/build.log" 2>&1; then
        tail -n 30 "$dir/build.log"
        echo "sim: building $name failed (log: $dir/build.log)"
        exit 1
    fi
}
if [ $# -ge 3 ]; then
    name=$1
    shift
    files=()
    for f in "$@"; do
        [ -f "$f" ] || { echo "sim: $f: no such file"; exit 1; }
        files+=("$(cd "$(dirname "$f")" && pwd -P)/$(basename "$f")")
    done
    top=$(basename "${files[0]}")
    build_device "$name" "${top%.*}" "${files[@]}"
    echo "$SIM_OUT/$name/$name"
    exit 0
fi
[ $# = 0 ] || { echo "usage: bash sim/build.sh [NAME TOP.v MAIN.cpp [MORE...]]" >&2; exit 2; }
build_device rtl_broken broken "$REPO/sim/rtl/broken.v" "$REPO/sim/devices/rtl_broken.cpp"
build_device rtl_axil axil_demo "$REPO/sim/rtl/axil_demo.v" "$REPO/sim/rtl/axil_adapter.v" \
    "$REPO/sim/rtl/axil_regs.v" "$REPO/sim/devices/rtl_axil.cpp"
build_device rtl_edu edu "$REPO/sim/rtl/edu.v" "$REPO/sim/devices/rtl_edu.cpp"
echo "$SIM_OUT/rtl_edu/rtl_edu"
