#!/bin/bash
# The host tier: vfio-user scenarios (t_*.sh, or those named) on the host, no
# guest. Builds libvfio-user and our models first (tests/vfio-user/build.sh);
# without libvfio-user's source it says why and exits 77 (counts nothing).
# Prints each test's line and ends with "host: N passed, N failed".
#   bash tests/host/all.sh [t_vfu_regions.sh ...]
cd "$(dirname "$0")/../.." || exit 2

build=$(bash tests/vfio-user/build.sh 2>&1)
rc=$?
if [ "$rc" = 77 ]; then
    echo "host: $(echo "$build" | tail -n 1)"
    exit 77
fi
if [ "$rc" != 0 ]; then
    echo "$build"
    echo "not ok - building libvfio-user or the models failed"
    echo "host: 0 passed, 1 failed"
    exit 1
fi
if [ "$(id -u)" != 0 ] || [ ! -c /dev/fuse ]; then
    echo "host: skipped: needs root and /dev/fuse"
    exit 77
fi

passed=0
failed=0
scenarios=${*:-$(cd tests/host && ls t_*.sh)}
for s in $scenarios; do
    s=${s##*/}
    echo "# $s"
    out=$(mktemp /tmp/vfiofs-host-out.XXXXXX)
    work=$(mktemp -d /tmp/vfiofs-host.XXXXXX)
    WORK=$work timeout -k 5 300 bash "tests/host/$s" >"$out" 2>&1
    rc=$?
    cat "$out"
    p=$(grep -c '^ok ' "$out")
    f=$(grep -c '^not ok ' "$out")
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        echo "not ok - $s: exited $rc without a failed test (crash or timeout)"
        f=1
    fi
    # A scenario killed by the timeout could not clean up: its mounts and the
    # processes it recorded (never anything by name: other runs may be going).
    for m in $(awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/mounts); do
        fusermount3 -uz "$m" 2>/dev/null
    done
    if [ -f "$work/pids" ]; then
        while read -r pid; do kill -KILL "$pid" 2>/dev/null; done <"$work/pids"
    fi
    rm -rf "$work" "$out"
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "host: $passed passed, $failed failed"
[ "$failed" = 0 ]
