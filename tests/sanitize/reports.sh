# The sanitizers' reports as one test line, for tests/sanitize/run.sh (on the
# host) and tests/sanitize/in_guest.sh (in the guest, under dash): POSIX sh.

# sanitizer_reports DIR WHAT: "ok - WHAT: no sanitizer report", or "not ok -
# WHAT: sanitizer reports:" with the first 200 lines of the reports in DIR
# (and status 1).
sanitizer_reports() {
    if ls "$1"/* >/dev/null 2>&1; then
        echo "not ok - $2: sanitizer reports:"
        cat "$1"/* | sed 's/^/#   /' | head -n 200
        return 1
    fi
    echo "ok - $2: no sanitizer report"
}
