#!/bin/bash
# The user tier: vfio-user scenarios (t_*.sh, or those named) on the host, no
# guest. Builds libvfio-user and our models first (tests/user/servers/build.sh),
# then sim/'s RTL devices (sim/build.sh); without libvfio-user's source it
# says why and exits 77 (counts nothing); without Verilator it leaves out
# the t_rtl_* scenarios and says so.
# Prints each test's line and ends with "user: N passed, N failed".
#   bash tests/user/all.sh [t_vfu_regions.sh ...]
cd "$(dirname "$0")/../.." || exit 2

build=$(bash tests/user/servers/build.sh 2>&1)
rc=$?
if [ "$rc" = 77 ]; then
    echo "user: $(echo "$build" | tail -n 1)"
    exit 77
fi
if [ "$rc" != 0 ]; then
    echo "$build"
    echo "not ok - building libvfio-user or the models failed"
    echo "user: 0 passed, 1 failed"
    exit 1
fi
# sim/'s RTL devices (verilated; incremental, seconds when nothing changed):
# without them the t_rtl_* scenarios are left out, with the reason.
sim_start=$SECONDS
sim=$(bash sim/build.sh 2>&1)
rc=$?
if [ "$rc" = 77 ]; then
    echo "user: RTL scenarios skipped: $(echo "$sim" | tail -n 1)"
    skip_rtl=1
elif [ "$rc" != 0 ]; then
    echo "$sim"
    echo "not ok - building sim/'s RTL devices failed"
    echo "user: 0 passed, 1 failed"
    exit 1
else
    echo "# sim/build.sh: $((SECONDS - sim_start)) s"
fi
if [ "$(id -u)" != 0 ] || [ ! -c /dev/fuse ]; then
    echo "user: skipped: needs root and /dev/fuse"
    exit 77
fi

# shellcheck source=tests/lib/scenarios.sh
. tests/lib/scenarios.sh

run_scenario() { WORK=$2 timeout -k 5 300 bash "tests/user/$1"; }

# A scenario killed by the timeout could not clean up: its mounts and the
# processes it recorded (never anything by name: other runs may be going).
clean_up_scenario() {
    for m in $(awk -v w="$1/" 'index($2, w) == 1 { print $2 }' /proc/mounts); do
        fusermount3 -uz "$m" 2>/dev/null
    done
    if [ -f "$1/pids" ]; then
        while read -r pid; do kill -KILL "$pid" 2>/dev/null; done <"$1/pids"
    fi
    rm -rf "$1"
}

if [ $# = 0 ] && [ -n "${skip_rtl:-}" ]; then
    set -- $(cd tests/user && ls t_*.sh | grep -v '^t_rtl_')
fi
run_scenarios user tests/user /tmp/vfiofs-user "$@"
