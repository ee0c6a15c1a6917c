# A mutating peer: vfu_edu behind tests/user/servers/mutating_proxy.py (bit
# flips in headers and payloads, truncation, duplication, drops, delays,
# made-up replies and DMA requests, closes mid-message, after the VERSION
# exchange), and a plain vfu_edu as the bystander, in one mount.
# tests/user/mutating_drive.py drives both for MUTATING_TIME seconds
# (default 40): the mutated device's operations may fail, but each within
# its bound; the bystander answers every read within its bound, maps every
# new buffer and reaches it with its DMA engine; a buffer made at the start
# keeps its bytes; the daemon lives, leaves no sanitizer report and exits
# cleanly at unmount. A failure prints the seed: MUTATING_SEED=N reruns it.
#   bash tests/user/all.sh t_vfu_mutating.sh
#   MUTATING_TIME=600 MUTATING_SEED=12345 bash tests/user/t_vfu_mutating.sh
. tests/user/common.sh

SEED=${MUTATING_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
TIME=${MUTATING_TIME:-40}
TIMEOUT=1                    # vfio_user_timeout, seconds
OP_BOUND=$((4 * TIMEOUT + 6)) # an operation may meet a timeout and a delayed reply or two
BY_BOUND=2                   # the bystander's reads never wait for the mutated device
M=$WORK/m
echo "# seed $SEED, $TIME s (rerun: MUTATING_SEED=$SEED MUTATING_TIME=$TIME bash tests/user/t_vfu_mutating.sh)"

# Sanitizer reports land where ASAN_OPTIONS/UBSAN_OPTIONS say (tests/sanitize/run.sh).
report_prefixes() {
    local o
    for o in "${ASAN_OPTIONS:-}" "${UBSAN_OPTIONS:-}"; do
        o=$(printf '%s\n' "$o" | tr ':' '\n' | sed -n 's/^log_path=//p')
        [ -n "$o" ] && echo "$o"
    done
}
count_reports() {
    local p n=0
    for p in $(report_prefixes); do n=$((n + $(ls "$p".* 2>/dev/null | wc -l))); done
    echo $n
}
reports_before=$(count_reports)

model_start mut || { not_ok "vfu_edu (mutated) starts"; summary; exit 1; }
model_start edu || { not_ok "vfu_edu (bystander) starts"; summary; exit 1; }
: >"$WORK/proxy.out"
python3 tests/user/servers/mutating_proxy.py -v --seed "$SEED" --max-delay 1.5 --spare "$WORK/spare" \
    "$WORK/proxy.sock" "$WORK/mut.sock" >"$WORK/proxy.out" 2>"$WORK/proxy.log" &
PROXY_PID=$!
echo "$PROXY_PID" >>"$WORK/pids"
wait_until 10 _ready_or_dead "$WORK/proxy.out" "$PROXY_PID" && _has_ready "$WORK/proxy.out" ||
    { not_ok "the mutating proxy starts: $(cat "$WORK/proxy.log")"; summary; exit 1; }
# The mutated device may fail its attach at mount: the workload attaches it again.
vfiofs_mount "$M" -o "vfio_user=$WORK/proxy.sock,vfio_user=$WORK/edu.sock,vfio_user_timeout=$TIMEOUT" &&
    [ -d "$M/edu" ] || { not_ok "mount with the bystander (seed $SEED): $(tail -n 3 "$M.log")"; summary; exit 1; }

# In the background, its output waited for: a caller hung on a request the
# daemon never answers cannot be killed until the daemon ends.
python3 tests/user/mutating_drive.py "$M" proxy "$WORK/proxy.sock" edu "$TIME" "$SEED" "$OP_BOUND" \
    "$BY_BOUND" "$WORK/spare" >"$WORK/drive.out" 2>&1 &
DRIVE_PID=$!
echo "$DRIVE_PID" >>"$WORK/pids"
_drive_done() { grep -q '^END' "$WORK/drive.out" || _is_dead "$DRIVE_PID"; }
wait_until $((TIME + 3 * OP_BOUND + 30)) _drive_done
rc=$(sed -n 's/^END //p' "$WORK/drive.out")
sed 's/^/# /' "$WORK/drive.out" | tail -n 12
mutations=$(grep -c ' on command ' "$WORK/proxy.log")
echo "# $mutations mutations over $(grep -c 'connected' "$WORK/proxy.log") connections"
if [ "$rc" = 0 ]; then ok "seed $SEED: every operation bounded, the bystander answered and mapped, no buffer lost"
else not_ok "seed $SEED: the workload failed (END ${rc:-missing}): $(grep -m 3 FAIL "$WORK/drive.out" | tr '\n' ' ')"; fi
check "seed $SEED: the proxy mutated something" test "$mutations" -gt 0
check "seed $SEED: the daemon is alive" kill -0 "${DAEMON_PID[$M]}"
expect_eq "seed $SEED: the bystander reads its ident after the run" "$(r32 "$M/edu/bar0" 0)" 0x56465531
if vfiofs_umount "$M"; then ok "seed $SEED: the daemon exits cleanly at unmount"; else
    not_ok "seed $SEED: the daemon exits cleanly at unmount: $(tail -n 3 "$M.log")"
    kill -KILL "${DAEMON_PID[$M]}" 2>/dev/null   # frees a caller hung on it
    fusermount3 -uz "$M" 2>/dev/null
fi
expect_eq "seed $SEED: no new sanitizer report" "$(count_reports)" "$reports_before"
if [ -n "${VERBOSE:-}" ]; then sed 's/^/# vfiofs: /' "$M.log"; sed 's/^/# /' "$WORK/proxy.log"; fi
server_stop edu
server_stop mut
{ kill "$PROXY_PID"; wait "$PROXY_PID"; } 2>/dev/null
summary
