# The example drivers in examples/ work through a real mount: edu.sh (POSIX sh,
# under the system sh and under busybox sh), edu_named.sh (the same by register
# names), edu_dma (C, vfiofs as the broker
# only: mapped BAR and buffer, handed-out MSI) and nvme_identify.py.
. tests/kernel/common.sh

M=$WORK/m

# run_example NAME EXPECTED... -- COMMAND...: one example as one test; it must
# exit 0 and its output must contain every EXPECTED line fragment. On failure
# the test line carries the example's exit status and its whole output.
run_example() {
    t_begin "$1"
    shift
    _want=
    while [ "$1" != -- ]; do
        _want="$_want$1
"
        shift
    done
    shift
    _out=$(timeout 120 "$@" 2>&1)
    _rc=$?
    if [ "$_rc" != 0 ]; then
        t_fail "exited $_rc: $_out"
        return
    fi
    _missing=$(printf %s "$_want" | while IFS= read -r w; do
        [ -z "$w" ] || printf '%s\n' "$_out" | grep -qF -- "$w" || echo "$w"
    done)
    if [ -n "$_missing" ]; then
        t_fail "output lacks '$(echo "$_missing" | head -n 1)': $_out"
        return
    fi
    t_pass
    # The example's own account, as comments.
    printf '%s\n' "$_out" | sed 's/^/# /'
}

vfiofs_mount "$M" -o "device=$VFIOFS_EDU0,device=$VFIOFS_NVME,iova_max=0xfffffff" || { cat "$M.log"; exit 1; }

run_example edu-sh-example 'ident: 0x010000ed' '10! = 3628800' 'edu.sh: all steps passed' -- \
    sh examples/edu.sh "$M/$VFIOFS_EDU0"

# The same steps by register names (examples/regmaps/edu.xml, attached and
# detached by the script with setfattr), with the same results.
run_example edu-named-example 'ident: 0x010000ed' 'liveness: wrote 0x12345678' '10! = 3628800' \
    'factorial (interrupt): 7! = 5040' 'interrupt by hand: wrote 0x40' 'the bytes match' \
    'IDENT 0x0000 0x010000ed magic=0x00ed minor=0x00 major=0x01' 'edu_named.sh: all steps passed' -- \
    sh examples/edu_named.sh "$M/$VFIOFS_EDU0"

if command -v busybox >/dev/null; then
    run_example edu-sh-example-under-busybox-sh 'ident: 0x010000ed' '10! = 3628800' 'edu.sh: all steps passed' -- \
        busybox sh examples/edu.sh "$M/$VFIOFS_EDU0"
fi

# (edu finishes each DMA 100 ms after it starts: 20 round trips take 4 s)
run_example edu-dma-driver-example 'ident: 0x010000ed' '20 of 20 round trips' 'edu_dma: all round trips matched' -- \
    examples/edu_dma "$M/$VFIOFS_EDU0" 20

run_example nvme-identify-example "serial: $VFIOFS_NVME_SERIAL" 'model: ' 'firmware: ' 'vid: 0x' -- \
    python3 examples/nvme_identify.py "$M/$VFIOFS_NVME"

t_begin examples-leave-nothing-behind
expect_eq "$(ls "$M/dma")" "" "buffers left in dma/" &&
    expect_eq "$(grep -c '^mapping' "$M/container")" 0 "mappings left in container" &&
    expect_eq "$(info_value "$M/$VFIOFS_EDU0/info" irq.mode)" off "edu irq mode" &&
    expect_eq "$(ls "$M/$VFIOFS_EDU0" | grep -c '^regs$')" 0 "edu_named.sh's regs/ left" &&
    expect_eq "$(info_value "$M/$VFIOFS_NVME/info" irq.mode)" off "nvme irq mode" && t_pass

t_begin edu-sh-refuses-iovas-beyond-28-bits
# Without iova_max, and with the first 256 MiB of IOVA space taken, the
# script's buffers land beyond edu's 28-bit reach: it must stop before any
# DMA, non-zero, and say how to mount.
vfiofs_umount "$M" || echo "# umount: $(cat "$M.log")"
vfiofs_mount "$M" -o "device=$VFIOFS_EDU0" || { cat "$M.log"; exit 1; }
touch "$M/dma/low" && setfattr -n user.vfio.iova -v 4096 "$M/dma/low" && truncate -s 256M "$M/dma/low" ||
    t_fail "cannot take the low 256 MiB: $(grep mapping "$M/container")"
out=$(timeout 120 sh examples/edu.sh "$M/$VFIOFS_EDU0" 2>&1)
rc=$?
if [ "$rc" = 0 ]; then
    t_fail "edu.sh ran with buffers beyond 28 bits: $out"
elif echo "$out" | grep -q "mount with -o iova_max=0xfffffff"; then
    expect_eq "$(ls "$M/dma")" low "buffers left in dma/" && t_pass
    echo "$out" | tail -n 1 | sed 's/^/# /'
else
    t_fail "exited $rc without naming iova_max: $out"
fi
rm -f "$M/dma/low"
vfiofs_umount "$M" || echo "# umount: $(cat "$M.log")"
t_summary
