# Named registers (regs/, registers, user.vfio.regmap, -o regmap=) on the
# vfio-user model with its description examples/regmaps/vfu_edu.svd. The
# model's access log (--access-log) records every BAR0 access it served, so
# each check says exactly what a file operation did to the device: listing,
# stat and open nothing; a read one access of the register's width; a field
# write one read and one write with the right bits; cat regs/* and the dump
# never the FIFO (whose read pops); a refused value or description nothing.
. tests/user/common.sh

M=$WORK/m
D=$M/edu
R=$D/regs
LOG=$WORK/access.log
SVD=$PWD/examples/regmaps/vfu_edu.svd
model_start edu --access-log "$LOG" || { not_ok "vfu_edu starts: $(cat "$WORK/edu.log")"; exit 1; }
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock,regmap=edu=$SVD" || { not_ok "mount: $(cat "$M.log")"; exit 1; }
ok "mounted with -o regmap=edu=$SVD"

# The model appends (O_APPEND): emptying the log starts a new record.
mark() { : >"$LOG"; }
accesses() { cat "$LOG"; }
# errno_of CMD...: the errno name a command's failure reports (python: exact errno).
py_err() {
    python3 -c "
import errno, os, sys
op, path = sys.argv[1], sys.argv[2]
try:
    if op == 'read':
        fd = os.open(path, os.O_RDONLY); os.read(fd, 64); os.close(fd)
    elif op == 'open-read':
        os.close(os.open(path, os.O_RDONLY))
    else:
        fd = os.open(path, os.O_WRONLY)
        try:
            if op == 'write-at-1':
                os.pwrite(fd, sys.argv[3].encode(), 1)
            else:
                os.write(fd, sys.argv[3].encode())
        finally:
            os.close(fd)
    print('ok')
except OSError as e:
    print(errno.errorcode[e.errno])
" "$@"
}

# ---- the tree -------------------------------------------------------------
expect_eq "regs/ has a subdirectory per peripheral" "$(ls "$R" | tr '\n' ' ')" "core dma "
expect_eq "info names the description" "$(awk '$1 == "regmap" { print $2 }' "$D/info")" "$SVD"
expect_eq "getfattr shows the description" "$(getfattr --absolute-names -n user.vfio.regmap --only-values "$D")" "$SVD"
mark
ls -l "$R" "$R/core" "$R/dma" >/dev/null
stat "$R"/core/* "$R"/dma/* "$D/registers" >/dev/null
find "$R" >/dev/null
ls -la "$R/.consume" "$R/.consume/core" >/dev/null
py_err open-read "$R/core/IDENT" >/dev/null
expect_eq "ls -l, stat, find and open touch nothing" "$(accesses)" ""
expect_eq ".consume/ lists nothing" "$(ls -A "$R/.consume" "$R/.consume/core" | tr -d '\n')" "$R/.consume:$R/.consume/core:"
expect_eq "st_size is the length of a read (4-byte register)" "$(stat -c %s "$R/core/IDENT")" 11
expect_eq "st_size of an 8-byte register" "$(stat -c %s "$R/core/SCRATCH")" 19
expect_eq "st_size of a one-bit field" "$(stat -c %s "$R/core/STATUS.busy")" 2
expect_eq "modes: read-only, write-only, read-write, side effect (no read bit in regs/)" \
    "$(stat -c %A "$R/core/IDENT" "$R/core/IRQ_RAISE" "$R/core/LIVENESS" "$R/core/FIFO" "$R/.consume/core/FIFO" | tr '\n' ' ')" \
    "-r-------- --w------- -rw------- ---------- -r-------- "

# ---- reads ----------------------------------------------------------------
mark
expect_eq "cat regs/core/IDENT" "$(cat "$R/core/IDENT")" 0x56465531
expect_eq "... is exactly one 4-byte read at 0x0" "$(accesses)" "read 4 0x0 0x56465531"
echo 0x0123456789abcdef >"$R/core/REG64"
mark
expect_eq "cat of a 64-bit register" "$(cat "$R/core/REG64")" 0x0123456789abcdef
expect_eq "... is one 8-byte read" "$(accesses)" "read 8 0x28 0x123456789abcdef"
mark
got=$(python3 -c "
import os
fd = os.open('$R/core/REG64', os.O_RDONLY)
parts = [os.read(fd, 5), os.read(fd, 5), os.read(fd, 100), os.read(fd, 100)]
print(b'|'.join(parts).decode().replace(chr(10), 'NL'))")
expect_eq "reads after the first return the rest of the text, then EOF" "$got" "0x012|34567|89abcdefNL|"
expect_eq "... with one access" "$(accesses | wc -l)" 1

# ---- writes ---------------------------------------------------------------
mark
echo 0x12345678 >"$R/core/LIVENESS"
expect_eq "a register write is one write, no read before it" "$(accesses)" "write 4 0x4 0x12345678"
expect_eq "liveness reads back the inverse" "$(cat "$R/core/LIVENESS")" 0xedcba987
echo 0xabcd0000 >"$R/core/CONTROL"
echo 0x300 >"$R/core/EVENT_SET"
expect_eq "CONTROL after a register write and EVENT_SET" "$(cat "$R/core/CONTROL")" 0xabcd0300
mark
echo RUN >"$R/core/CONTROL.mode"
expect_eq "a field write is one read and one write: W1C siblings written 0, the rest kept" \
    "$(accesses | tr '\n' ';')" "read 4 0x50 0xabcd0300;write 4 0x50 0xabcd0001;"
expect_eq "... so done and error are still set, mode is RUN" "$(cat "$R/core/CONTROL")" 0xabcd0301
mark
echo 1 >"$R/core/CONTROL.done"
expect_eq "writing 1 to a W1C field clears it alone" "$(accesses | tr '\n' ';')" \
    "read 4 0x50 0xabcd0301;write 4 0x50 0xabcd0101;"
expect_eq "... done 0, error 1" "$(cat "$R/core/CONTROL.done") $(cat "$R/core/CONTROL.error")" "0 1"
expect_eq "a 4-bit field reads as 0x and one digit" "$(cat "$R/core/CONTROL.mode")" 0x1
echo 0x2 >"$R/core/CONTROL.mode"
expect_eq "fields take numbers too" "$(cat "$R/core/CONTROL.mode")" 0x2
echo DEVICE_TO_RAM >"$R/dma/CMD.dir"
expect_eq "an enumerated name on a 64-bit register's field" "$(cat "$R/dma/CMD")" 0x0000000000000002

# Two writers of sibling fields of one register, side by side: each read-
# modify-write is atomic against the other (the device's access lock), so
# neither ever loses what it wrote.
lost=$(python3 - "$R/core/CONTROL.mode" "$R/core/CONTROL.store" <<'PY'
import os, sys, threading
lost = []
def writer(path, values, n):
    for i in range(n):
        v = values[i % 2]
        fd = os.open(path, os.O_WRONLY)
        os.write(fd, b"%d\n" % v)
        os.close(fd)
        fd = os.open(path, os.O_RDONLY)
        got = int(os.read(fd, 64).decode(), 0)
        os.close(fd)
        if got != v:
            lost.append((path, v, got))
t = [threading.Thread(target=writer, args=(sys.argv[1], (1, 2), 300)),
     threading.Thread(target=writer, args=(sys.argv[2], (0x1111, 0x2222), 300))]
for x in t: x.start()
for x in t: x.join()
print(len(lost))
PY
)
expect_eq "600 concurrent field writes to one register: none lost" "$lost" 0
echo 0xabcd >"$R/core/CONTROL.store"

# ---- side effects ---------------------------------------------------------
mark
cat "$R"/core/* >/dev/null 2>&1
grep -r . "$R" >/dev/null 2>&1
tar -cf /dev/null "$R" 2>/dev/null
expect_eq "cat regs/core/*, grep -r and tar never read the FIFO" "$(accesses | grep -c ' 0x58 ')" 0
expect_eq "... nor write anything" "$(accesses | grep -c '^write')" 0
mark
dump=$(cat "$D/registers")
expect_eq "the dump never reads the FIFO or writes" "$(accesses | grep -c ' 0x58 \|^write')" 0
expect_eq "the dump reads each readable register once" "$(accesses | wc -l)" \
    "$(grep -vc ' -' <<<"$dump")"
expect_eq "dump: the FIFO line" "$(grep '^core/FIFO ' <<<"$dump")" "core/FIFO 0x0058 -"
expect_eq "dump: a write-only register" "$(grep '^core/EVENT_SET ' <<<"$dump")" "core/EVENT_SET 0x0054 -"
expect_eq "dump: fields" "$(grep '^core/CONTROL ' <<<"$dump")" \
    "core/CONTROL 0x0050 0xabcd0202 mode=0x2 done=0 error=1 store=0xabcd"
expect_eq "reading regs/core/FIFO is refused" "$(py_err read "$R/core/FIFO")" EACCES
expect_eq ".consume/core/FIFO pops the first entry: no one popped before" "$(cat "$R/.consume/core/FIFO")" 0x00000000
expect_eq "... and the next" "$(cat "$R/.consume/core/FIFO")" 0x00000001
grep -q "read it once with regs/.consume/" "$M.log" && ok "the log names the way to read the FIFO" ||
    not_ok "no log line for the refused FIFO read"

# ---- refusals: each with no access ----------------------------------------
mark
expect_eq "not a number" "$(py_err write "$R/core/LIVENESS" 'twelve')" EINVAL
expect_eq "negative" "$(py_err write "$R/core/LIVENESS" '-1')" EINVAL
expect_eq "trailing garbage" "$(py_err write "$R/core/LIVENESS" '12abc')" EINVAL
expect_eq "too wide for the register" "$(py_err write "$R/core/LIVENESS" '0x100000000')" ERANGE
expect_eq "too wide for the field" "$(py_err write "$R/core/CONTROL.mode" '16')" ERANGE
expect_eq "a name the field does not have" "$(py_err write "$R/core/CONTROL.mode" 'FAST')" EINVAL
expect_eq "a write at a non-zero offset" "$(py_err write-at-1 "$R/core/LIVENESS" '5')" EINVAL
expect_eq "writing a read-only register" "$(py_err write "$R/core/IDENT" '1')" EACCES
expect_eq "writing a read-only field" "$(py_err write "$R/core/STATUS.busy" '1')" EACCES
expect_eq "reading a write-only register" "$(py_err read "$R/core/IRQ_RAISE")" EACCES
expect_eq "writing under .consume/" "$(py_err write "$R/.consume/core/FIFO" '1')" EACCES
expect_eq "none of them touched the device" "$(accesses)" ""

# ---- run-time attach and detach -------------------------------------------
setfattr -x user.vfio.regmap "$D" && ok "setfattr -x detaches" || not_ok "setfattr -x"
expect_eq "regs/ and registers are gone" "$(ls "$D" | grep -c '^regs$\|^registers$')" 0
expect_eq "info has no regmap line" "$(grep -c '^regmap ' "$D/info")" 0
expect_eq "getfattr: no attribute" "$(getfattr --absolute-names -n user.vfio.regmap "$D" 2>&1 | grep -c 'No such attribute')" 1
SMALL=$WORK/small.xml
cat >"$SMALL" <<'XML'
<?xml version="1.0"?>
<ipxact:component xmlns:ipxact="http://www.accellera.org/XMLSchema/IPXACT/1685-2014">
<ipxact:name>s</ipxact:name><ipxact:memoryMaps><ipxact:memoryMap><ipxact:name>m</ipxact:name>
<ipxact:addressBlock><ipxact:name>b</ipxact:name><ipxact:baseAddress>0x8000</ipxact:baseAddress>
<ipxact:register><ipxact:name>WORD</ipxact:name><ipxact:addressOffset>0x10</ipxact:addressOffset><ipxact:size>32</ipxact:size>
<ipxact:field><ipxact:name>lo</ipxact:name><ipxact:bitOffset>0</ipxact:bitOffset><ipxact:bitWidth>8</ipxact:bitWidth></ipxact:field>
<ipxact:field><ipxact:name>hi</ipxact:name><ipxact:bitOffset>8</ipxact:bitOffset><ipxact:bitWidth>8</ipxact:bitWidth>
<ipxact:modifiedWriteValue>clear</ipxact:modifiedWriteValue></ipxact:field>
</ipxact:register>
</ipxact:addressBlock></ipxact:memoryMap></ipxact:memoryMaps></ipxact:component>
XML
setfattr -n user.vfio.regmap -v "$SMALL@bar2+0x1000" "$D" && ok "setfattr attaches at bar2+0x1000" ||
    not_ok "setfattr -n user.vfio.regmap: $(tail -1 "$M.log")"
wr "$D/bar2" 0x1010 4 0xcafe1234
expect_eq "WORD is bar2's 4 bytes at 0x1010" "$(cat "$R/WORD")" 0xcafe1234
expect_eq "one block: no subdirectory" "$(ls "$R" | tr '\n' ' ')" "WORD WORD.hi WORD.lo "
expect_eq "a field with no no-op sibling cannot be written alone" "$(py_err write "$R/WORD.lo" '1')" ENOTSUP  # EOPNOTSUPP: the same number on Linux
grep -q "every write changes WORD.hi" "$M.log" && ok "... and the log says why" || not_ok "no log line for EOPNOTSUPP"
echo 0x55 >"$R/WORD.hi" && expect_eq "the clear-on-write field itself can be written" "$(r32 "$D/bar2" 0x1010)" 0xcafe5534

# ---- bad descriptions: EINVAL (EFBIG), the device and the old names untouched ----
bad() {
    local what=$1 file=$WORK/bad-$2 want=${3:-EINVAL}
    cat >"$file"
    mark
    local got
    got=$(python3 -c "
import errno, os, sys
try:
    os.setxattr(sys.argv[1], 'user.vfio.regmap', sys.argv[2].encode()); print('ok')
except OSError as e:
    print(errno.errorcode[e.errno])" "$D" "$file")
    expect_eq "refused ($want): $what" "$got" "$want"
    expect_eq "... and the device untouched, the names kept" "$(accesses)|$(getfattr --absolute-names -n user.vfio.regmap --only-values "$D")" \
        "|$SMALL@bar2+0x1000"
}
IPX='<?xml version="1.0"?>
<ipxact:component xmlns:ipxact="http://www.accellera.org/XMLSchema/IPXACT/1685-2014">
<ipxact:name>s</ipxact:name><ipxact:memoryMaps><ipxact:memoryMap><ipxact:name>m</ipxact:name>
<ipxact:addressBlock><ipxact:name>b</ipxact:name><ipxact:baseAddress>0</ipxact:baseAddress>'
END='</ipxact:addressBlock></ipxact:memoryMap></ipxact:memoryMaps></ipxact:component>'
reg() { echo "<ipxact:register><ipxact:name>$1</ipxact:name><ipxact:addressOffset>$2</ipxact:addressOffset><ipxact:size>$3</ipxact:size>$4</ipxact:register>"; }
printf '%s\n%s\n' "$IPX" "<ipxact:register><ipxact:name>A</ipxact:name>" | bad "malformed XML" malformed.xml
printf '<?xml version="1.0"?>\n<x:component xmlns:x="http://example.com/other"/>\n' | bad "unknown namespace" ns.xml
printf '%s\n%s\n%s\n' "$IPX" "$(reg A 'BASE+4' 32)" "$END" | bad "an expression where a number belongs" expr.xml
printf '%s\n%s\n%s\n' "$IPX" "$(reg A 0x1000 32)" "$END" | bad "a register past the end of bar0" past.xml
printf '%s\n%s\n%s\n%s\n' "$IPX" "$(reg A 0 32)" "$(reg B 2 16)" "$END" | bad "overlapping registers" overlap.xml
printf '%s\n%s\n%s\n' "$IPX" "$(reg A 0 24)" "$END" | bad "a 24-bit register" width.xml
printf '%s\n%s\n%s\n' "$IPX" "$(reg A 0 32 '<ipxact:field><ipxact:name>f</ipxact:name><ipxact:bitOffset>30</ipxact:bitOffset><ipxact:bitWidth>4</ipxact:bitWidth></ipxact:field>')" "$END" |
    bad "a field outside its register" field.xml
printf '%s\n%s\n%s\n%s\n' "$IPX" "$(reg A 0 32)" "$(reg A 4 32)" "$END" | bad "a duplicate name" dup.xml
printf '%s\n%s\n%s\n' "$IPX" "$(reg .. 0 32)" "$END" | bad "the name .." dotdot.xml
printf '%s\n%s\n%s\n' "$IPX" "$(reg a/b 0 32)" "$END" | bad "a name with /" slash.xml
printf '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<device>&x;</device>\n' |
    bad "an entity pointing at a file" entity.xml
printf '<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<device>&b;</device>\n' |
    bad "an entity bomb" bomb.xml
: | bad "an empty file" empty.xml
truncate -s 300M "$WORK/bad-huge.xml"
: | true
mark
got=$(python3 -c "
import errno, os, sys
try:
    os.setxattr(sys.argv[1], 'user.vfio.regmap', sys.argv[2].encode()); print('ok')
except OSError as e:
    print(errno.errorcode[e.errno])" "$D" "$WORK/bad-huge.xml")
expect_eq "a 300 MiB description: EFBIG" "$got" EFBIG
rm -f "$WORK/bad-huge.xml"
expect_eq "relative paths are refused" "$(python3 -c "
import errno, os
try:
    os.setxattr('$D', 'user.vfio.regmap', b'small.xml'); print('ok')
except OSError as e:
    print(errno.errorcode[e.errno])")" EINVAL
grep -q "bad-overlap.xml:6: registers A and B overlap" "$M.log" && ok "the log names the file, the line and the problem" ||
    not_ok "no log line naming bad-overlap.xml:6: $(grep overlap "$M.log")"
expect_eq "the device answers as before" "$(cat "$R/WORD")" 0xcafe5534

# ---- a refused description at mount: the device attached without names ----
vfiofs_umount "$M" || not_ok "umount"
vfiofs_mount "$M" -o "vfio_user=$WORK/edu.sock,regmap=edu=$WORK/bad-overlap.xml" || { not_ok "mount: $(cat "$M.log")"; exit 1; }
expect_eq "mounted: the device is there, without regs/" "$(ls "$D" | grep -c '^regs$'):$(r32 "$D/bar0" 0)" "0:0x56465531"
grep -q "bad-overlap.xml:6:" "$M.log" && ok "... and the log says why" || not_ok "no log line at mount"
vfiofs_umount "$M" && ok "unmount" || not_ok "unmount"
summary
