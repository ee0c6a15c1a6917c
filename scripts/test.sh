#!/bin/bash
# Installs what is missing, builds, and runs every test: the CUnit unit
# tests on the host, the libFuzzer targets (tests/fuzz/, briefly), the user
# tier on the host (vfio-user devices served by libvfio-user models and by
# sim/'s Verilated RTL, which tests/user/all.sh builds with sim/build.sh,
# tests/user/), the kernel tier in a QEMU guest against the real kernel VFIO
# driver (tests/kernel/), and then the daemon built with ASan and UBSan
# through the user tier and the daemon-heavy kernel-tier scenarios
# (tests/sanitize/), and last the kernel tier's DMA, interrupt, region,
# hand-off and attach scenarios again under iommufd, on the testbed's own
# guest kernel (built once per machine and cached: tests/guest/build-kernel.sh,
# about 20 minutes the first time). Ends with "N passed, N failed"; exits
# non-zero if any test failed or none ran.
#   scripts/test.sh                 everything
#   scripts/test.sh t_regions.sh    unit, fuzz, user tier and one kernel-tier scenario (no sanitizer run)
set -uo pipefail
cd "$(dirname "$0")/.."

# stage NAME: the seconds since the last stage ended, named, for the summary
# at the end (doc/testing.md, "What each stage costs", is written from it).
stage_times=() stage_t0=$SECONDS
stage() {
    stage_times+=("$1 $((SECONDS - stage_t0)) s")
    echo "# stage $1: $((SECONDS - stage_t0)) s"
    stage_t0=$SECONDS
}

bash scripts/deps.sh || exit 1
stage deps
bash scripts/build.sh || exit 1
stage build

counts() {  # the last "N passed, N failed" line of a file, as "N N"
    sed -n 's/^\([a-z]*: \)\{0,1\}\([0-9]*\) passed, \([0-9]*\) failed.*/\2 \3/p' "$1" | tail -n 1
}

log=$(mktemp -d /tmp/vfiofs-tests.XXXXXX)
./tests/unit/unit_tests >"$log/unit" 2>&1
unit_rc=$?
grep -E '^(Suite|  Test)|Run Summary|unit:' "$log/unit" | grep -v '\.\.\.passed$'
read -r up uf <<<"$(counts "$log/unit")"
: "${up:=0}" "${uf:=1}"
stage unit

# libFuzzer over every parser of outside input, a bounded time per target.
FUZZ_TIME=${FUZZ_TIME:-10} sh tests/fuzz/run.sh 2>&1 | tee "$log/fuzz"
fuzz_rc=${PIPESTATUS[0]}
read -r fp ff <<<"$(counts "$log/fuzz")"
: "${fp:=0}" "${ff:=0}"
if [ "$fuzz_rc" != 0 ] && [ "$ff" = 0 ]; then ff=1; echo "fuzzing failed (exit $fuzz_rc)"; fi
stage fuzz

# The user tier; exit 77 (no libvfio-user source to build from) counts nothing.
bash tests/user/all.sh 2>&1 | tee "$log/host"
host_rc=${PIPESTATUS[0]}
hp=0 hf=0
if [ "$host_rc" != 77 ]; then
    read -r hp hf <<<"$(counts "$log/host")"
    : "${hp:=0}" "${hf:=0}"
    if [ "$host_rc" != 0 ] && [ "$hf" = 0 ]; then hf=1; echo "user tier failed (exit $host_rc)"; fi
fi
stage user

bash tests/guest/run.sh --timeout 2400 -- sh tests/kernel/all.sh "$@" 2>&1 | tee "$log/guest"
guest_rc=${PIPESTATUS[0]}
read -r gp gf <<<"$(counts "$log/guest")"
: "${gp:=0}" "${gf:=0}"
# A guest that died before reporting counts as a failure.
if [ "$guest_rc" != 0 ] && [ "$gf" = 0 ]; then gf=1; echo "guest run failed (exit $guest_rc)"; fi
[ "$unit_rc" != 0 ] && [ "$uf" = 0 ] && uf=1
stage kernel

# The daemon under ASan and UBSan: the user tier and the daemon-heavy kernel
# tier scenarios again; any sanitizer report fails (tests/sanitize/run.sh).
sp=0 sf=0
if [ "$#" = 0 ]; then
    bash tests/sanitize/run.sh 2>&1 | tee "$log/sanitize"
    san_rc=${PIPESTATUS[0]}
    read -r sp sf <<<"$(counts "$log/sanitize")"
    : "${sp:=0}" "${sf:=0}"
    if [ "$san_rc" != 0 ] && [ "$sf" = 0 ]; then sf=1; echo "sanitizer run failed (exit $san_rc)"; fi
    stage sanitize
fi

# The same kernel scenarios through iommufd (-o iommu=iommufd injected by
# tests/kernel/common.sh), and t_iommufd.sh's choice and refusals, on the
# kernel that has it. VFIOFS_SKIP_IOMMUFD=1 leaves the stage out.
ifd_p=0 ifd_f=0
if [ "$#" = 0 ] && [ "${VFIOFS_SKIP_IOMMUFD:-0}" != 1 ]; then
    IOMMUFD_SCENARIOS="t_iommufd.sh t_dma.sh t_dma_limits.sh t_irq.sh t_regions.sh t_irq_handoff.sh t_attach.sh t_info.sh t_map.sh t_vfio_user.sh"
    # shellcheck disable=SC2086 # one scenario per word
    bash tests/guest/run.sh --iommufd --timeout 2400 --env VFIOFS_TEST_IOMMU=iommufd -- \
        sh tests/kernel/all.sh $IOMMUFD_SCENARIOS 2>&1 | tee "$log/iommufd"
    iommufd_rc=${PIPESTATUS[0]}
    read -r ifd_p ifd_f <<<"$(counts "$log/iommufd")"
    : "${ifd_p:=0}" "${ifd_f:=0}"
    if [ "$iommufd_rc" != 0 ] && [ "$ifd_f" = 0 ]; then ifd_f=1; echo "iommufd guest run failed (exit $iommufd_rc)"; fi
    stage "iommufd (kernel build included when not cached)"
fi

total_p=$((up + fp + hp + gp + sp + ifd_p))
total_f=$((uf + ff + hf + gf + sf + ifd_f))
echo
printf '# %s\n' "${stage_times[@]}" "total $SECONDS s"
echo "$total_p passed, $total_f failed"
[ "$total_f" = 0 ] && [ "$total_p" -gt 0 ]
