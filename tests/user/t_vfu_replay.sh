# vfiofs-replay against the model (tests/user/servers/vfu_edu.c) through a real
# mount, with HAND-WRITTEN traces: exit 0 when every read matches (a poll, an
# interrupt, a buffer filled, an IOVA the replay cannot have and rewrites
# (in a register write and in a descriptor written into a buffer),
# message DMA by the model, a buffer read compared by SHA-256); exit 1 with
# the register and offset named when an expected value differs; exit 2 on a
# bad line, with no device access at all (the model counts the scratch
# accesses); a 1 GiB trace and a 10 MiB line in bounded memory; --diff; the
# Perfetto JSON checked with python3's json module.
. tests/user/common.sh
. tests/lib/edu_trace.sh     # edu_trace_record/stop: a copy of DEV/trace

REPLAY=${REPLAY:-$REPO/replay/vfiofs-replay}
[ -x "$REPLAY" ] || { not_ok "$REPLAY is not built"; exit 1; }
M=$WORK/m
D=$M/edu
model_start edu || { not_ok "vfu_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock" || { not_ok "mount: $(cat "$M.log")"; exit 1; }

# The data the trace writes into a buffer and the model moves into BAR2.
PAT=00112233445566778899aabbccddeeff
PAT_SHA=$(python3 -c "import hashlib; print(hashlib.sha256(bytes.fromhex('$PAT')).hexdigest())")
# Recorded at an IOVA chosen so that the test can take it first (blocker below).
REC_IOVA=0x7000000

# A recording as vfiofs would write it: ident, liveness, a factorial polled
# with its completion interrupt, a DMA from a buffer into BAR2 by messages.
cat >"$WORK/good.trace" <<TRACE
# vfiofs-trace 1 edu 4e58:0001 vfio-user
1 10 R bar0 0x0 4 0x56465531 IDENT
2 20 W bar0 0x4 4 0x12345678 LIVENESS
3 30 R bar0 0x4 4 0xedcba987 LIVENESS
4 40 MARK factorial
5 50 MODE msi 1
6 60 W bar0 0x3c 4 0x00000001 IRQ_ENABLE
7 70 W bar0 0x30 4 0x00000005 FACT
8 80 R bar0 0x34 4 0x00000001 STATUS
9 90 R bar0 0x34 4 0x00000001 STATUS
10 95 IRQ msi 0 1
11 100 R bar0 0x34 4 0x00000000 STATUS
12 110 R bar0 0x38 8 0x0000000000000078 FACT_RESULT
13 120 W bar0 0x48 4 0x00000001 IRQ_ACK
14 125 W bar0 0x3c 4 0x00000000 IRQ_ENABLE
15 130 MARK dma
16 140 MAP src $REC_IOVA 4096
17 150 BUFW src 0x10 $PAT
18 160 W bar0 0x80 8 0x0000000007000010 DMA_SRC
19 170 W bar0 0x88 8 0x0000000000000100 DMA_DST
20 180 W bar0 0x90 8 0x0000000000000010 DMA_COUNT
21 190 W bar0 0x98 8 0x0000000000000001 DMA_CMD
22 195 DMAR src 0x10 16
23 200 R bar0 0xa0 4 0x00000000 DMA_RESULT
24 210 R bar2 0x100 8 0x7766554433221100
25 220 R bar2 0x108 8 0xffeeddccbbaa9988
26 230 BUFR src 0x10 16 $PAT_SHA
27 240 UNMAP src
28 250 MODE off
TRACE

out=$("$REPLAY" "$WORK/good.trace" "$D" 2>"$WORK/err"); rc=$?
expect_eq "the good trace replays: exit 0 ($(tail -1 <<<"$out") $(cat "$WORK/err"))" "$rc" 0
case $out in *" matched, 0 differ, "*) ok "summary: $(tail -1 <<<"$out")" ;;
*) not_ok "summary line: $out" ;; esac
expect_eq "the replay removed the buffer it made" "$(ls "$M/dma")" ""
expect_eq "the factorial ran (the model's result register)" "$(r64 "$D/bar0" 0x38)" 0x0000000000000078

# The recorded IOVA taken: the replay's buffer lands elsewhere and the DMA
# source written is rewritten to it (else the model's DMA fails: result != 0).
: >"$M/dma/blocker"
setfattr -n user.vfio.iova -v "$((REC_IOVA))" "$M/dma/blocker"
truncate -s 4096 "$M/dma/blocker"
expect_eq "a blocker holds the recorded IOVA" "$(iova_of "$M/dma/blocker")" "$REC_IOVA"
dd if=/dev/zero of="$D/bar2" bs=16 count=1 seek=16 conv=notrunc 2>/dev/null
out=$("$REPLAY" "$WORK/good.trace" "$D" 2>&1); rc=$?
expect_eq "replay with the recorded IOVA taken: IOVA rewritten, exit 0 ($(tail -1 <<<"$out"))" "$rc" 0
expect_eq "the rewritten DMA moved the buffer's bytes into BAR2" "$(file_hex "$D/bar2" 0x100 16)" "$PAT"
rm -f "$M/dma/blocker"

# A descriptor in a buffer: the address of src the script wrote into ring
# follows src when src lands elsewhere (its recorded IOVA taken again), so
# the model's DMA of the ring into BAR2 carries src's new address; the
# replay's own recording (edu/trace) shows the rewritten BUFW.
le64() { python3 -c "import sys; print(int(sys.argv[1], 0).to_bytes(8, 'little').hex())" "$1"; }
REC_RING=0x7100000
cat >"$WORK/ring.trace" <<TRACE
# vfiofs-trace 1 edu 4e58:0001 vfio-user
1 10 MAP src $REC_IOVA 4096
2 20 MAP ring $REC_RING 4096
3 30 BUFW ring 0x0 $(le64 $((REC_IOVA + 0x10)))$(le64 0x10)
4 40 W bar0 0x80 8 $(printf '0x%016x' $((REC_RING))) DMA_SRC
5 50 W bar0 0x88 8 0x0000000000000100 DMA_DST
6 60 W bar0 0x90 8 0x0000000000000010 DMA_COUNT
7 70 W bar0 0x98 8 0x0000000000000001 DMA_CMD
8 80 R bar0 0xa0 4 0x00000000 DMA_RESULT
9 90 UNMAP ring
10 100 UNMAP src
TRACE
: >"$M/dma/blocker"
setfattr -n user.vfio.iova -v "$((REC_IOVA))" "$M/dma/blocker"
truncate -s 4096 "$M/dma/blocker"
edu_trace_record "$D" "$WORK/replayed" || not_ok "the recorder of edu/trace started"
echo "$EDU_TRACE_PID" >>"$WORK/pids"
out=$("$REPLAY" "$WORK/ring.trace" "$D" 2>&1); rc=$?
edu_trace_stop "$D" "$WORK/replayed"
_forget_pid "$EDU_TRACE_PID"
rm -f "$M/dma/blocker"
expect_eq "a ring holding src's address replays with src moved: exit 0 ($(tail -1 <<<"$out"))" "$rc" 0
NEW_SRC=$(awk '$3 == "MAP" && $4 == "src" { print $5 }' "$WORK/replayed")
[ -n "$NEW_SRC" ] && [ "$((NEW_SRC))" != "$((REC_IOVA))" ] &&
    ok "src landed elsewhere ($NEW_SRC)" || not_ok "src's IOVA in the replay: '$NEW_SRC'"
expect_eq "the ring's address now points into src where it lies now" \
    "$(file_hex "$D/bar2" 0x100 16)" "$(le64 $((NEW_SRC + 0x10)))$(le64 0x10)"
check "the replay's recording shows the rewritten ring" \
    grep -q " BUFW ring 0x0 $(le64 $((NEW_SRC + 0x10)))$(le64 0x10)\$" "$WORK/replayed"

# A changed expected value: exit 1, the register and its offset in the report.
sed 's/^1 10 R bar0 0x0 4 0x56465531 IDENT$/1 10 R bar0 0x0 4 0x56465532 IDENT/' \
    "$WORK/good.trace" >"$WORK/changed.trace"
out=$("$REPLAY" "$WORK/changed.trace" "$D" 2>&1); rc=$?
expect_eq "a changed expected value: exit 1" "$rc" 1
case $out in *"- 2: R bar0 0x0 4 0x56465532 IDENT"*"+ now: R bar0 0x0 4 0x56465531 IDENT"*) ok "the report names IDENT at bar0 0x0, recorded and now" ;;
*) not_ok "report: $out" ;; esac
case $(tail -1 <<<"$out") in *" 1 differ, "*) ok "summary counts one difference" ;; *) not_ok "summary: $(tail -1 <<<"$out")" ;; esac
# ... and an unnamed register: the offset alone names it; --ignore leaves it out
sed 's/^3 30 R bar0 0x4 4 0xedcba987 LIVENESS$/3 30 R bar0 0x4 4 0xedcba986/' \
    "$WORK/good.trace" >"$WORK/changed2.trace"
out=$("$REPLAY" "$WORK/changed2.trace" "$D" 2>&1); rc=$?
expect_eq "an unnamed register differs: exit 1" "$rc" 1
case $out in *"- 4: R bar0 0x4 4 0xedcba986"*"@@"*|*"@@"*"- 4: R bar0 0x4 4 0xedcba986"*) ok "the report names bar0 0x4" ;; *) not_ok "report: $out" ;; esac
"$REPLAY" --ignore bar0:0x4 "$WORK/changed2.trace" "$D" >/dev/null 2>&1
expect_eq "--ignore bar0:0x4: exit 0" "$?" 0
"$REPLAY" --mask bar0:0x4:0xfffffff0 "$WORK/changed2.trace" "$D" >/dev/null 2>&1
expect_eq "--mask bar0:0x4:0xfffffff0: exit 0" "$?" 0

# A bad line after a good one: exit 2 naming the line, and not one device
# access (the first line's scratch write would be counted by the model).
w64 "$D/bar0" 0x20 0
w32 "$D/bar0" 0x10 0
counts() { echo "$(r32 "$D/bar0" 0x10) $(r32 "$D/bar0" 0x14) $(r32 "$D/bar0" 0x18) $(r32 "$D/bar0" 0x1c)"; }
printf '# vfiofs-trace 1 edu 4e58:0001 vfio-user\n1 0 W bar0 0x20 4 0xdeadbeef\n2 0 R bar0 0x20 4 0xdeadbeef\n3 0 R bar0 0x20 3 0xdeadbe\n' >"$WORK/bad.trace"
out=$("$REPLAY" "$WORK/bad.trace" "$D" 2>&1); rc=$?
expect_eq "a bad width: exit 2" "$rc" 2
case $out in *"bad.trace:4: width '3'"*) ok "the message names the line: $out" ;; *) not_ok "message: $out" ;; esac
expect_eq "no access reached the model (scratch counters)" "$(counts)" "0x00000000 0x00000000 0x00000000 0x00000000"
expect_eq "the scratch is unchanged" "$(r64 "$D/bar0" 0x20)" 0x0000000000000000
w32 "$D/bar0" 0x10 0    # that read counted: from zero again
for garbage in "unknown kind:1 0 FROB" "absurd length:1 0 MAP b 0x1000 99999999999999" \
               "binary:1 0 R \001\002\003"; do
    what=${garbage%%:*}
    printf "# vfiofs-trace 1 edu 4e58:0001 vfio-user\n0 0 W bar0 0x20 4 0xdeadbeef\n${garbage#*:}\n" >"$WORK/g.trace"
    sed -i 's/^0 0 W/1 0 W/; 3s/^1 0 /2 0 /' "$WORK/g.trace"
    out=$("$REPLAY" "$WORK/g.trace" "$D" 2>&1); rc=$?
    case "$rc:$out" in "2:"*"g.trace:3: "*) ok "$what: exit 2, line 3 named" ;; *) not_ok "$what: $rc $out" ;; esac
done
head -c 4096 /dev/urandom >"$WORK/random.trace"
"$REPLAY" "$WORK/random.trace" "$D" >/dev/null 2>&1
expect_eq "random bytes: exit 2" "$?" 2
expect_eq "still no access reached the model" "$(counts)" "0x00000000 0x00000000 0x00000000 0x00000000"

# A line of 10 MiB, and a trace of 1 GiB whose last line is bad: exit 2
# naming the line, in bounded memory (max RSS), and no device access.
{ printf '# vfiofs-trace 1 edu 4e58:0001 vfio-user\n1 0 W bar0 0x20 4 0xdeadbeef\n2 0 MARK '
  head -c $((10 << 20)) /dev/zero | tr '\0' m; printf '\n'; } >"$WORK/long.trace"
out=$(/usr/bin/time -f 'rss %M' "$REPLAY" "$WORK/long.trace" "$D" 2>&1); rc=$?
rss=$(sed -n 's/^rss //p' <<<"$out")
case "$rc:$out" in "2:"*"long.trace:3: line longer than the limit"*) ok "a 10 MiB line: exit 2, line 3 named" ;; *) not_ok "10 MiB line: $rc $out" ;; esac
[ "${rss:-999999}" -lt 65536 ] && ok "a 10 MiB line in ${rss} KiB" || not_ok "a 10 MiB line took ${rss} KiB"
python3 - "$WORK/big.trace" <<'EOF'
import sys
hexline = "a5" * 65536
with open(sys.argv[1], "w") as f:
    f.write("# vfiofs-trace 1 edu 4e58:0001 vfio-user\n1 0 W bar0 0x20 4 0xdeadbeef\n2 0 MAP b 0x1000 65536\n")
    seq, size = 3, 0
    while size < (1 << 30):
        line = "%d 0 BUFW b 0x0 %s\n" % (seq, hexline)
        f.write(line)
        size += len(line)
        seq += 1
    f.write("%d 0 R bar0 0x20 4 0xdeadbeef TOO MANY\n" % seq)
    print(seq + 1, file=open(sys.argv[1] + ".line", "w"))
EOF
out=$(/usr/bin/time -f 'rss %M' "$REPLAY" "$WORK/big.trace" "$D" 2>&1); rc=$?
rss=$(sed -n 's/^rss //p' <<<"$out")
case "$rc:$out" in "2:"*"big.trace:$(cat "$WORK/big.trace.line"): R takes 3 to 5 fields, not 6"*) ok "a 1 GiB trace with a bad last line: exit 2, line $(cat "$WORK/big.trace.line") named" ;;
*) not_ok "1 GiB trace: $rc $out" ;; esac
[ "${rss:-999999}" -lt 65536 ] && ok "a 1 GiB trace in ${rss} KiB" || not_ok "a 1 GiB trace took ${rss} KiB"
rm -f "$WORK/big.trace"
expect_eq "no access reached the model" "$(counts)" "0x00000000 0x00000000 0x00000000 0x00000000"

# --diff offline; a trace through a pipe.
out=$("$REPLAY" --diff "$WORK/good.trace" "$WORK/changed.trace" 2>&1); rc=$?
expect_eq "--diff good changed: exit 1" "$rc" 1
expect_eq "--diff good good (one through a pipe): exit 0" \
    "$("$REPLAY" --diff "$WORK/good.trace" - <"$WORK/good.trace" >/dev/null 2>&1; echo $?)" 0
"$REPLAY" --diff "$WORK/good.trace" "$WORK/bad.trace" >/dev/null 2>&1
expect_eq "--diff with a bad trace: exit 2" "$?" 2
"$REPLAY" >/dev/null 2>&1
expect_eq "no arguments: exit 2" "$?" 2

# Perfetto: Chrome trace-event JSON, every event with ph, ts, pid, tid, name.
"$REPLAY" --perfetto "$WORK/good.trace" "$WORK/changed.trace" >"$WORK/out.json" 2>"$WORK/err"
expect_eq "--perfetto: exit 0 $(cat "$WORK/err")" "$?" 0
check "--perfetto JSON: the format's required fields, a track per trace, instants, a buffer span" \
    python3 - "$WORK/out.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
events = doc["traceEvents"]
for e in events:
    for field in ("ph", "ts", "pid", "tid", "name"):
        assert field in e, "%s lacks %s" % (e, field)
    assert isinstance(e["ts"], int) and isinstance(e["pid"], int) and isinstance(e["tid"], int)
    assert e["ph"] in ("M", "i", "b", "e"), e
    if e["ph"] in ("b", "e"):
        assert "id" in e and "cat" in e, e
tracks = {e["tid"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
assert tracks == {1, 2}, tracks
names = [e["name"] for e in events if e["tid"] == 1]
assert "R IDENT" in names and "W FACT" in names and "IRQ msi 0" in names, names
assert "R bar2 0x100" in names and "DMAR src" in names and "MARK factorial" in names, names
assert [e["ph"] for e in events if e["name"] == "buffer src" and e["tid"] == 1] == ["b", "e"]
assert sum(1 for e in events if e["tid"] == 1 and e["ph"] == "i") == 26, len(events)
EOF
"$REPLAY" --perfetto "$WORK/bad.trace" >"$WORK/bad.json" 2>/dev/null
expect_eq "--perfetto of a bad trace: exit 2" "$?" 2

summary
