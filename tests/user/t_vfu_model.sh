# The test model itself, without vfiofs: tests/user/servers/vfu_client.py speaks
# the protocol to vfu_edu and checks the contract's register map, so that a
# failure in the other scenarios points at vfiofs, not at the model.
. tests/user/common.sh

model_start edu --once || { not_ok "vfu_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
timeout 60 python3 tests/user/servers/vfu_client.py selftest "$WORK/edu.sock" >"$WORK/selftest" 2>&1
while read -r line; do
    case $line in
    "ok - "*) ok "model: ${line#ok - }" ;;
    "not ok - "*) not_ok "model: ${line#not ok - }" ;;
    esac
done <"$WORK/selftest"
grep -q "^0 failed" "$WORK/selftest" || not_ok "model selftest: $(tail -n 5 "$WORK/selftest")"
_gone() { _is_dead "${SERVER_PID[edu]}"; }
wait_until 10 _gone && ok "vfu_edu --once exits when its client leaves" || not_ok "vfu_edu --once still running"
server_stop edu
summary
