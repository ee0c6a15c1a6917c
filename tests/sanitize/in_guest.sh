# In the guest (tests/sanitize/run.sh starts it): the named scenarios with
# the sanitized daemon ($VFIOFS), its reports collected in /tmp, then one
# test line for them.  Ends with "guest-sanitize: N passed, N failed".
cd "$(dirname "$0")/../.." || exit 2
R=/tmp/sanitizer-reports
mkdir -p "$R" && chmod 1777 "$R"  # daemons run as other users too
export ASAN_OPTIONS="log_path=$R/asan:detect_leaks=1:print_stacktrace=1"
export UBSAN_OPTIONS="log_path=$R/ubsan:halt_on_error=1:print_stacktrace=1"
out=$(mktemp)
sh tests/integration/all.sh "$@" | tee "$out"
summary=$(sed -n 's/^integration: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out" | tail -n 1)
p=${summary% *}
f=${summary#* }
[ -n "$summary" ] || { p=0; f=1; }
if ls "$R"/* >/dev/null 2>&1; then
    echo "not ok - guest scenarios under ASan and UBSan: sanitizer reports:"
    cat "$R"/* | sed 's/^/#   /' | head -n 200
    f=$((f + 1))
else
    echo "ok - guest scenarios under ASan and UBSan: no sanitizer report"
    p=$((p + 1))
fi
echo "guest-sanitize: $p passed, $f failed"
[ "$f" = 0 ]
