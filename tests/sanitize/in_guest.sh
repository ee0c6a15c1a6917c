# In the guest (tests/sanitize/run.sh starts it): the named scenarios with
# the sanitized daemon ($VFIOFS), its reports collected in /tmp, then one
# test line for them.  Ends with "guest-sanitize: N passed, N failed".
cd "$(dirname "$0")/../.." || exit 2
. tests/sanitize/reports.sh
R=/tmp/sanitizer-reports
mkdir -p "$R" && chmod 1777 "$R"  # daemons run as other users too
export ASAN_OPTIONS="log_path=$R/asan:detect_leaks=1:print_stacktrace=1"
export UBSAN_OPTIONS="log_path=$R/ubsan:halt_on_error=1:print_stacktrace=1"
out=$(mktemp)
sh tests/kernel/all.sh "$@" | tee "$out"
summary=$(sed -n 's/^kernel: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out" | tail -n 1)
p=${summary% *}
f=${summary#* }
[ -n "$summary" ] || { p=0; f=1; }
if sanitizer_reports "$R" "guest scenarios under ASan and UBSan"; then
    p=$((p + 1))
else
    f=$((f + 1))
fi
echo "guest-sanitize: $p passed, $f failed"
[ "$f" = 0 ]
