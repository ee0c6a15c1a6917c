# What the host benchmarks (regmap.sh, trace.sh, scale.sh, vfu.sh) share.
# Sourced from the repository's top folder, with BENCH the script's name
# (the prefix of its messages):
#     cd "$(dirname "$0")/../.." || exit 2
#     BENCH=vfu.sh
#     . tests/bench/lib.sh
# Sets REPO (the top folder, resolved) and B (tests/bench).
REPO=$(pwd -P)
B=tests/bench

# bench_edu [quiet]: EDU = $VFU_EDU when that is set (a vfu_edu binary used
# as it is), else the model tests/user/servers/build.sh builds (its output
# to /dev/null with quiet).
bench_edu() {
    EDU=${VFU_EDU:-}
    [ -z "$EDU" ] || return 0
    . tests/user/servers/paths.sh || exit 2
    if [ "${1:-}" = quiet ]; then
        bash tests/user/servers/build.sh >/dev/null || exit 1
    else
        bash tests/user/servers/build.sh || exit 1
    fi
    EDU=$VFU_EDU
}

# bench_need PROGRAM...: exits 1 naming the first PROGRAM not built.
bench_need() {
    local p
    for p in "$@"; do
        [ -x "$p" ] || { echo "$BENCH: $p is not built (bash scripts/build.sh)" >&2; exit 1; }
    done
}

# bench_dir TAG MOUNT...: D = a new /tmp/vfiofs-TAG-bench.XXXXXX with the
# folders $D/MOUNT; at exit the MOUNTs still mounted are unmounted, the
# processes in pids killed and D removed.
bench_dir() {
    D=$(mktemp -d "/tmp/vfiofs-$1-bench.XXXXXX")
    shift
    pids=()
    bench_mounts=()
    local m
    for m in "$@"; do
        bench_mounts+=("$D/$m")
    done
    trap bench_cleanup EXIT
    mkdir "${bench_mounts[@]}"
}
bench_cleanup() {
    local m p
    for m in "${bench_mounts[@]}"; do mountpoint -q "$m" && fusermount3 -u "$m"; done
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$D"
}

# wait_for CONDITION TENTHS: evaluates CONDITION every 0.1 s until it holds;
# exits 1 after TENTHS tries.
wait_for() { local i; for ((i = 0; i < $2; i++)); do eval "$1" && return 0; sleep 0.1; done; echo "$BENCH: timed out: $1" >&2; exit 1; }

# "... median X us ..." (vfu_direct) or "... median X ns" (bench_region): X in µs.
med_us() { awk '{ for (i = 1; i < NF; i++) if ($i == "median") { v = $(i + 1); if ($(i + 2) == "ns") v /= 1000; print v; exit } }'; }
