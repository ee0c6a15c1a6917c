#!/bin/bash
# Builds libvfio-user out of its (read-only) source tree into $VFU_BUILD, then
# our device model(s) against it. Quick when everything is already built.
#   tests/user/servers/build.sh        prints "vfu: built ..." and exits 0
# Exits 77 with a "skipped: why" line when there is nothing to build from
# (no source, or the build tools are not installed), 1 when a build fails.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../../.." && pwd -P)
. "$REPO/tests/user/servers/paths.sh"

skip() { echo "skipped: $*"; exit 77; }

[ -f "$VFU_SRC/meson.build" ] && [ -f "$VFU_SRC/include/libvfio-user.h" ] ||
    skip "no libvfio-user source at $VFU_SRC: git clone https://github.com/nutanix/libvfio-user && git -C libvfio-user checkout efd091bce1c1c2da64a1a935911a7c2300c848b2, then set LIBVFIO_USER_SRC to it"
for tool in meson ninja cc pkg-config; do
    command -v "$tool" >/dev/null || skip "$tool is not installed (bash scripts/deps.sh)"
done
for pc in json-c cmocka; do
    pkg-config --exists "$pc" || skip "the $pc development package is not installed (bash scripts/deps.sh)"
done

mkdir -p "$VFU_BUILD" "$VFU_MODEL_DIR"
# Several worktrees share $VFU_BUILD: one builder at a time.
exec 9>"$VFU_BUILD/.lock"
flock 9

src_real=$(cd "$VFU_SRC" && pwd -P)
stamp=$VFU_LIB_BUILD/.vfiofs-source
# A build directory configured from another source tree is started afresh.
if [ -f "$stamp" ] && [ "$(cat "$stamp")" != "$src_real" ]; then
    rm -rf "$VFU_LIB_BUILD"
fi
if [ ! -f "$VFU_LIB_BUILD/build.ninja" ]; then
    rm -rf "$VFU_LIB_BUILD"
    meson setup "$VFU_LIB_BUILD" "$src_real" >"$VFU_BUILD/meson-setup.log" 2>&1 ||
        { tail -n 30 "$VFU_BUILD/meson-setup.log"; echo "vfu: meson setup failed (log: $VFU_BUILD/meson-setup.log)"; exit 1; }
    echo "$src_real" >"$stamp"
fi
ninja -C "$VFU_LIB_BUILD" >"$VFU_BUILD/ninja.log" 2>&1 ||
    { tail -n 30 "$VFU_BUILD/ninja.log"; echo "vfu: building libvfio-user failed (log: $VFU_BUILD/ninja.log)"; exit 1; }

# Our models: plain cc against the public header, rpath to the built library.
build_model() {
    local name=$1 out=$VFU_MODEL_DIR/$1 src=$REPO/tests/user/servers/$1.c
    if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$VFU_LIB_BUILD/lib/libvfio-user.so" ]; then
        return 0
    fi
    cc -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE \
        -I"$src_real/include" -o "$out.tmp" "$src" \
        -L"$VFU_LIB_BUILD/lib" -Wl,-rpath,"$VFU_LIB_BUILD/lib" -lvfio-user -pthread
    mv -f "$out.tmp" "$out"
}
build_model vfu_edu

echo "vfu: built $VFU_LIB_BUILD (libvfio-user, samples) and $VFU_EDU"
