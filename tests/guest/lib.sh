# shellcheck shell=sh
# Tiny test library for in-guest test scripts (POSIX sh). Source it:
#
#   . tests/guest/lib.sh
#   t_begin edu-ident
#   expect_eq "$(read_u32 "$bar0" 0)" 0x010000ed "ident register" && t_pass
#   ...
#   t_summary
#
# Every test prints exactly one line: "ok NAME" or "not ok NAME: reason".
# The first t_fail (or failed expect_eq) of a test decides its result; a
# later t_pass or t_fail of the same test prints nothing. t_summary prints
# "N passed, N failed" and returns non-zero if any test failed. Do not use
# `set -e` in test scripts: failing checks return 1 on purpose.

_t_name=
_t_open=0
_t_passed=0
_t_failed=0

# t_begin NAME: start a test (a test left without result is failed).
t_begin() {
    [ "$_t_open" = 0 ] || t_fail "no result reported"
    _t_name=$1
    _t_open=1
}

# t_pass: the current test passed (unless it already failed).
t_pass() {
    [ "$_t_open" = 1 ] || return 0
    echo "ok $_t_name"
    _t_passed=$((_t_passed + 1))
    _t_open=0
}

# t_fail MSG: the current test failed. Returns 1 so `|| t_fail ...` chains
# stay false.
t_fail() {
    if [ "$_t_open" = 1 ]; then
        echo "not ok $_t_name: $*"
        _t_failed=$((_t_failed + 1))
        _t_open=0
    fi
    return 1
}

# t_summary: close the last test, print the counts, fail if any test failed.
t_summary() {
    [ "$_t_open" = 0 ] || t_fail "no result reported"
    echo "$_t_passed passed, $_t_failed failed"
    [ "$_t_failed" = 0 ]
}

# expect_eq ACTUAL EXPECTED MSG: fail the test unless ACTUAL = EXPECTED.
expect_eq() {
    [ "$1" = "$2" ] && return 0
    t_fail "$3: expected '$2', got '$1'"
}

# wait_until TIMEOUT_S CMD...: run CMD every 0.1 s until it succeeds (return
# 0) or TIMEOUT_S seconds have passed (return 1).
wait_until() {
    _wu_end=$(($(date +%s) + $1))
    shift
    while ! "$@"; do
        [ "$(date +%s)" -lt "$_wu_end" ] || return 1
        sleep 0.1
    done
}

# read_u32 FILE OFFSET: one 4-byte read at byte OFFSET; prints the
# little-endian value as 0x%08x. Returns 1 on a short or failed read.
read_u32() {
    _ru_hex=$(dd if="$1" bs=4 count=1 skip="$(($2))" iflag=skip_bytes 2>/dev/null |
        od -An -tx1 -v | tr -d ' \n')
    [ ${#_ru_hex} = 8 ] || return 1
    # od gave the bytes in file order: reverse them for little-endian.
    echo "0x$(echo "$_ru_hex" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')"
}

# write_u32 FILE OFFSET VALUE: one 4-byte write of VALUE (decimal or 0x hex)
# at byte OFFSET, little-endian. dd gathers the 4 bytes first (fullblock)
# and issues a single write().
write_u32() {
    _wu_v=$(($3 & 0xffffffff))
    _wu_bytes=$(printf '\\%03o\\%03o\\%03o\\%03o' \
        $((_wu_v & 255)) $((_wu_v >> 8 & 255)) $((_wu_v >> 16 & 255)) $((_wu_v >> 24 & 255)))
    # shellcheck disable=SC2059 # the format is the octal escapes built above
    printf "$_wu_bytes" |
        dd of="$1" bs=4 count=1 seek="$(($2))" oflag=seek_bytes iflag=fullblock conv=notrunc 2>/dev/null
}
