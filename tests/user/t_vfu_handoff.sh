# The hand-off socket (vfiofs(1), DIRECT MAPPING) under hostile and odd
# clients: paths with spaces (escaped as \040), numbers exactly as the man
# page says, slow and idle clients that must not starve a good request or
# kill the listener, and a caller without permission on the file refused.
. tests/user/common.sh

M=$WORK/m
D=$M/edu
HC="python3 tests/user/handoff_client.py"
model_start edu || { not_ok "vfu_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
vfiofs_mount "$M" -o "allow_other,vfio_user=$WORK/edu.sock" || { not_ok "mount: $(cat "$M.log")"; exit 1; }
SOCK=$(getfattr -n user.vfio.socket --only-values "$M" 2>/dev/null)
chmod 755 "$WORK"   # nobody reaches the mount, to be refused by its permissions

first() { echo "$1" | awk '{ print $1, $2 }'; }

# ---- the wire format: any path the tree holds, numbers as documented ----
truncate -s 4096 "$M/dma/a b"
w32 "$M/dma/a b" 0 0x5eed5eed
expect_eq "a buffer named 'a b' is asked for as a\\040b" \
    "$(first "$($HC ask "$SOCK" "map $M/dma/a\\040b")")" "ok 0"
expect_eq "examples/map_bar.py maps dma/a b" \
    "$(python3 examples/map_bar.py "$M/dma/a b" 0)" "a b+0x0: 0x5eed5eed"
expect_eq "040000 is decimal 40000 (in the area at 0x8000), not octal" \
    "$($HC ask "$SOCK" "map $D/bar2 040000" | awk '{ print $1, $5 }')" "ok 32768"
expect_eq "0x9000 is hex" "$($HC ask "$SOCK" "map $D/bar2 0x9000" | awk '{ print $1, $5 }')" "ok 32768"
for bad in -1 -0 +0 0x 1e3 " 0" 0x-1 18446744073709551616; do
    expect_eq "offset '$bad' is refused as malformed" \
        "$($HC ask "$SOCK" "map $D/bar2 $bad" | awk '{ print $1, $2, $3 }')" "error EINVAL malformed"
done
expect_eq "a lone backslash in a path is refused" \
    "$($HC ask "$SOCK" "map $M/dma/a\\b" | awk '{ print $1, $2, $3 }')" "error EINVAL malformed"
expect_eq "\\000 is refused (no path holds a NUL)" \
    "$($HC ask "$SOCK" "map $M/dma/a\\000b" | awk '{ print $1, $2, $3 }')" "error EINVAL malformed"

# ---- permissions: the descriptor only for who may use it ----
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
# nobody runs a copy of the client in $WORK (0755): the checkout may be
# root's alone (a clone under /root, mode 0700), where nobody cannot open it.
install -m 0644 tests/user/handoff_client.py "$WORK/handoff_client.py"
NHC="$NOBODY /usr/bin/python3 $WORK/handoff_client.py"
expect_eq "nobody may not have bar2 (mode 0600, root's)" \
    "$($NHC ask "$SOCK" "map $D/bar2 0" | awk '{ print $1, $2 }')" "error EACCES"
expect_eq "nobody may not have dma/a b (mode 0600, root's)" \
    "$($NHC ask "$SOCK" "map $M/dma/a\\040b" | awk '{ print $1, $2 }')" "error EACCES"
expect_eq "root still may" "$(first "$($HC ask "$SOCK" "map $D/bar2 0")")" "ok 0"

# ---- slow and idle clients ----
$HC slow "$SOCK" 4 5 >"$WORK/slow" &
slow_pid=$!
sleep 0.5
t0=$(date +%s%N)
answer=$(timeout 10 $HC ask "$SOCK" "map $D/bar2 0")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$(first "$answer")" = "ok 0" ] && [ "$ms" -lt 1500 ] && ok "a good request beside 4 slow ones is answered at once (${ms} ms)" ||
    not_ok "a good request beside 4 slow ones: '$answer' after ${ms} ms"
wait "$slow_pid"
expect_eq "all 4 slow clients are cut off (2 s for the whole line)" "$(cat "$WORK/slow")" 4

$NHC idle "$SOCK" 600 4 >"$WORK/idle" &
idle_pid=$!
idle_up=no   # nobody's connections are open (else the check below proves nothing)
wait_until 5 grep -qs opened "$WORK/idle" && idle_up=yes
t0=$(date +%s%N)
answer=$(timeout 10 $HC ask "$SOCK" "map $D/bar2 0")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$idle_up" = yes ] && [ "$(first "$answer")" = "ok 0" ] && [ "$ms" -lt 1500 ] && ok "600 idle connections of another user do not starve root (${ms} ms; $(cat "$WORK/idle"))" ||
    not_ok "beside 600 idle connections of nobody: '$answer' after ${ms} ms ($(cat "$WORK/idle"))"
wait "$idle_pid"

# Descriptors run out: the listener waits for them to free up and goes on.
nfd=$(ls "/proc/${DAEMON_PID[$M]}/fd" | wc -l)
prlimit --pid "${DAEMON_PID[$M]}" --nofile=$((nfd + 8))
$HC idle "$SOCK" 200 3 >/dev/null &
idle_pid=$!
sleep 1
wait "$idle_pid"
answer=$(timeout 10 $HC ask "$SOCK" "map $D/bar2 0")
expect_eq "after running out of descriptors the socket still serves" "$(first "$answer")" "ok 0"
expect_eq "running out is logged once" \
    "$(grep -c 'out of descriptors' "$M.log")" 1
# ... and, once the backlog is empty again, waits without spinning.
cpu() { awk '{ print $14 + $15 }' "/proc/${DAEMON_PID[$M]}/stat"; }
c0=$(cpu)
sleep 1
c1=$(cpu)
[ $((c1 - c0)) -lt 20 ] && ok "the idle listener uses no CPU ($((c1 - c0)) ticks in 1 s)" ||
    not_ok "the idle listener used $((c1 - c0)) ticks in 1 s"

if vfiofs_umount "$M"; then ok "unmount"; else not_ok "unmount: $(tail -n 3 "$M.log")"; fi

# ---- a mount point with a space ----
S="$WORK/x y"
mkdir -p "$S"
"$VFIOFS" "$S" -f -o "vfio_user=$WORK/edu.sock" 2>>"$WORK/xy.log" &
echo $! >>"$WORK/pids"
wait_until 15 mountpoint -q "$S"
expect_eq "a mount point with a space: map_bar.py maps bar2" \
    "$(python3 examples/map_bar.py "$S/edu/bar2" 0x9ffc | cut -d: -f1)" "bar2+0x9ffc"
fusermount3 -u "$S"
summary
