#!/bin/bash
# The daemon built with AddressSanitizer and UndefinedBehaviorSanitizer, run
# through the user tier and a part of the kernel tier; any sanitizer report
# fails the run, whatever the tests said.
#   bash tests/sanitize/run.sh                  the user tier and $GUEST_SCENARIOS
#   GUEST_SCENARIOS="t_irq.sh" bash tests/sanitize/run.sh
# Ends with "sanitize: N passed, N failed": the tests' counts plus one check
# per tier for reports.
#
# The copy is built in $REPO/.sanitize (tracked files only, configured with
# --enable-sanitizers): inside the repository, because the guest sees the
# repository at the same path and not /var/tmp.  The guest's root is
# read-only, so there the reports go to the guest's /tmp and the guest-side
# wrapper (tests/sanitize/in_guest.sh) looks for them before it ends.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
REPO=$(pwd -P)
# Left out, on purpose: t_dma_limits.sh and t_load.sh measure locked memory and
# RSS, which the sanitizers' shadow memory changes; t_examples.sh and
# t_mount.sh run nothing of the daemon's that the others do not.
GUEST_SCENARIOS=${GUEST_SCENARIOS:-t_regions.sh t_irq.sh t_dma.sh t_map.sh t_ioctl.sh t_irq_handoff.sh t_attach.sh t_permissions.sh t_vfio_user.sh}
B=$REPO/.sanitize
OPTS="print_stacktrace=1"

build() {
    mkdir -p "$B"
    # A copy of what git tracks, as it is in the working tree.
    git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$B" || return 1
    (cd "$B" && { [ -x configure ] || ./autogen.sh >/dev/null; } &&
        { [ -f Makefile ] || ./configure --enable-sanitizers --enable-werror >/dev/null; } &&
        make -j"$(nproc)" src/vfiofs >/dev/null)
}

if ! build; then
    echo "not ok - building the sanitized daemon failed"
    echo "sanitize: 0 passed, 1 failed"
    exit 1
fi

counts() { sed -n 's/^\([a-z]*: \)\{0,1\}\([0-9]*\) passed, \([0-9]*\) failed.*/\2 \3/p' "$1" | tail -n 1; }
log=$(mktemp -d /tmp/vfiofs-sanitize.XXXXXX)
passed=0
failed=0

# shellcheck source=tests/sanitize/reports.sh
. tests/sanitize/reports.sh

# The user tier (vfio-user devices, on the host).
reports=$log/host-reports
mkdir -p "$reports"
VFIOFS=$B/src/vfiofs \
ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:$OPTS" \
UBSAN_OPTIONS="log_path=$reports/ubsan:halt_on_error=1:$OPTS" \
    bash tests/user/all.sh 2>&1 | tee "$log/host"
rc=${PIPESTATUS[0]}
if [ "$rc" != 77 ]; then
    read -r p f <<<"$(counts "$log/host")"
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-1}))
    if sanitizer_reports "$reports" "user tier under ASan and UBSan"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
fi

# The kernel tier's daemon-heavy scenarios (in the guest).
# shellcheck disable=SC2086
bash tests/guest/run.sh --timeout 2400 --env "VFIOFS=$B/src/vfiofs" -- \
    sh tests/sanitize/in_guest.sh $GUEST_SCENARIOS 2>&1 | tee "$log/guest"
rc=${PIPESTATUS[0]}
read -r p f <<<"$(counts "$log/guest")"
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-0}))
if [ "$rc" != 0 ] && [ "${f:-0}" = 0 ]; then failed=$((failed + 1)); echo "not ok - the guest run failed (exit $rc)"; fi

echo "sanitize: $passed passed, $failed failed"
[ "$failed" = 0 ]
