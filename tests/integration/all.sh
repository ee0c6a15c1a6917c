# Runs every integration scenario (t_*.sh, or those named) in the guest;
# prints each test's line and ends with "integration: N passed, N failed".
#   tests/guest/run.sh -- sh tests/integration/all.sh [t_regions.sh ...]
cd "$(dirname "$0")/../.." || exit 2
passed=0
failed=0
scenarios=${*:-$(cd tests/integration && ls t_*.sh)}
for s in $scenarios; do
    s=${s##*/}
    echo "# $s"
    out=$(mktemp)
    WORK=$(mktemp -d /tmp/vfiofs-test.XXXXXX) timeout 600 sh "tests/integration/$s" >"$out" 2>&1
    rc=$?
    cat "$out"
    p=$(grep -c '^ok ' "$out")
    f=$(grep -c '^not ok ' "$out")
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        echo "not ok $s: exited $rc without a failed test (crash or timeout)"
        f=1
    fi
    # A daemon left mounted by a failed scenario must not spoil the next one.
    for m in $(awk '$3 == "fuse.vfiofs" { print $2 }' /proc/mounts); do umount -l "$m"; done
    pkill -9 -x vfiofs 2>/dev/null
    passed=$((passed + p))
    failed=$((failed + f))
    rm -f "$out"
done
echo "integration: $passed passed, $failed failed"
[ "$failed" = 0 ]
