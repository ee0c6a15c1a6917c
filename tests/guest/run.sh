#!/bin/bash
# Run a command as root inside a QEMU guest that has real VFIO, with test
# PCI devices bound to vfio-pci. See usage() and tests/guest/README.md.
set -euo pipefail

# The whole script is one { } block: bash reads all of it before running
# any of it, so editing this file while a run is going cannot derail that run.
{
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

usage() {
    cat <<'EOF'
usage: tests/guest/run.sh [OPTIONS] [--] COMMAND [ARG...]
       tests/guest/run.sh [OPTIONS] --shell [-- COMMAND [ARG...]]

Boots a QEMU guest (q35, TCG, emulated Intel IOMMU) whose root is this
host's root, shared read-only, and runs COMMAND there as root, in the
directory run.sh was started from. COMMAND's stdout and stderr come out on
run.sh's stdout; run.sh exits with COMMAND's status.

Options:
  --shell          interactive: COMMAND (default: bash -i) on this terminal
  --timeout SECS   kill the guest after SECS seconds, exit 124 (default 1800,
                   env VFIOFS_GUEST_TIMEOUT; 0 = never; --shell: never unless
                   given)
  --mem SIZE       guest memory (default 2G, env VFIOFS_GUEST_MEM)
  --env NAME=VAL   also set NAME=VAL for COMMAND (repeatable)
  --keep           keep the per-run work dir (console log, output log, ...)
  --refresh-kernel ask apt whether a newer guest kernel exists
  -v, --verbose    progress and timing on stderr
  -h, --help       this text

Exit status: COMMAND's, or 2 for a usage error, 124 on timeout, 125 when the
testbed itself failed (setup in the guest, kernel panic, QEMU error), 130 or
143 when interrupted by SIGINT or SIGTERM.

In the guest: /proc, /sys, /dev, /dev/pts, /dev/shm, /dev/hugepages are
mounted; /tmp /var/tmp /run /mnt /root /home are empty tmpfs; everything
else is the host's, read-only. COMMAND's environment:
  VFIOFS_IN_GUEST=1
  VFIOFS_EDU0=0000:00:03.0        edu with an expansion ROM, vfio-pci
  VFIOFS_EDU1=0000:00:04.0        edu, vfio-pci
  VFIOFS_EDU_UNBOUND=0000:00:05.0 edu, no driver
  VFIOFS_NVME=0000:00:06.0        nvme (no drive), vfio-pci
  VFIOFS_NVME_SERIAL=vfiofs-nvme0
  VFIOFS_IVSHMEM=0000:00:07.0     ivshmem-plain, 4 MiB BAR2, vfio-pci
  VFIOFS_IVSHMEM_FILE=PATH        host file behind BAR2, readable here
  VFIOFS_TESTDEV=0000:00:08.0     pci-testdev (MMIO BAR0, I/O-port BAR1), vfio-pci
  VFIOFS_TESTBED_WORK=PATH        per-run dir shared read-write with the host
Cache for the guest kernel: ${VFIOFS_TESTBED_CACHE:-/var/cache/vfiofs-testbed}.
EOF
}

say() { echo "run.sh: $*" >&2; }
die() { say "error: $*"; exit 125; }
usage_error() { say "error: $*"; exit 2; }

# -- options -------------------------------------------------------------------
timeout_s=${VFIOFS_GUEST_TIMEOUT:-}
mem=${VFIOFS_GUEST_MEM:-2G}
shell=0
keep=0
verbose=0
kernel_args=()
extra_env=()
while (($#)); do
    case $1 in
        --shell) shell=1 ;;
        --keep) keep=1 ;;
        --timeout)
            (($# >= 2)) || usage_error "--timeout needs a value"
            timeout_s=$2
            shift
            ;;
        --timeout=*) timeout_s=${1#*=} ;;
        --mem)
            (($# >= 2)) || usage_error "--mem needs a value"
            mem=$2
            shift
            ;;
        --mem=*) mem=${1#*=} ;;
        --env)
            (($# >= 2)) || usage_error "--env needs NAME=VALUE"
            extra_env+=("$2")
            shift
            ;;
        --env=*) extra_env+=("${1#*=}") ;;
        --refresh-kernel) kernel_args=(--refresh) ;;
        -v | --verbose) verbose=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        --)
            shift
            break
            ;;
        -*) usage_error "unknown option $1 (see --help)" ;;
        *) break ;;
    esac
    shift
done
command=("$@")

if ((shell)); then
    [[ -t 0 && -t 1 ]] || usage_error "--shell needs a terminal on stdin and stdout"
    ((${#command[@]})) || command=(/bin/bash -i)
    timeout_s=${timeout_s:-0}
else
    ((${#command[@]})) || { usage >&2; exit 2; }
    timeout_s=${timeout_s:-1800}
fi
[[ "$timeout_s" =~ ^[0-9]+$ ]] || usage_error "--timeout wants whole seconds, not '$timeout_s'"
for kv in "${extra_env[@]}"; do
    [[ "$kv" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || usage_error "--env wants NAME=VALUE, not '$kv'"
done

start_us=${EPOCHREALTIME/./}
note() {
    ((verbose)) || return 0
    local ms=$(((${EPOCHREALTIME/./} - start_us) / 1000))
    say "$(printf '%3d.%03ds' $((ms / 1000)) $((ms % 1000))) $*"
}

# -- host tools ----------------------------------------------------------------
need_deps=
for tool in qemu-system-x86_64 busybox cpio modprobe depmod python3 timeout flock; do
    command -v "$tool" >/dev/null || need_deps="$tool is missing"
done
# The initramfs has no libc: it needs busybox-static, not busybox.
if [[ -z "$need_deps" ]] && ldd "$(command -v busybox)" >/dev/null 2>&1; then
    need_deps="busybox is not the static build"
fi
if [[ -n "$need_deps" ]]; then
    say "$need_deps; installing the build and testbed dependencies"
    bash "$repo/scripts/deps.sh" >&2 || die "scripts/deps.sh failed"
fi

# -- the test devices (fixed addresses on the root bus) ------------------------
EDU0=0000:00:03.0
EDU1=0000:00:04.0
EDU_UNBOUND=0000:00:05.0
NVME=0000:00:06.0
NVME_SERIAL=vfiofs-nvme0
IVSHMEM=0000:00:07.0
TESTDEV=0000:00:08.0
BIND_DEVICES="$EDU0 $EDU1 $NVME $IVSHMEM $TESTDEV"
UNBOUND_DEVICES=$EDU_UNBOUND

# -- per-run work dir ----------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vfiofs-testbed.XXXXXX")
chmod 755 "$WORK"
qemu_pid=
tee_pid=
saved_tty=
outcome=fail # becomes "ok" once COMMAND has run and reported its status

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    local pid
    for pid in $qemu_pid $tee_pid; do
        kill "$pid" 2>/dev/null || true
    done
    if [[ -n "$saved_tty" ]]; then
        stty "$saved_tty" 2>/dev/null || true
    fi
    if ((keep)); then
        say "work dir kept: $WORK"
    elif [[ "$outcome" == ok ]]; then
        rm -rf "$WORK"
    else
        # Keep the logs for the post-mortem, drop the big files.
        rm -f "$WORK/initramfs.cpio" "$WORK/ivshmem.bin" "$WORK/output.fifo"
    fi
}
trap cleanup EXIT

# QEMU's option parser splits on commas; a comma in a value is written ",,".
qesc() { printf '%s' "${1//,/,,}"; }
# Quote for sh: 'text', with ' written as '\''.
shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# -- kernel, initramfs, ROM, ivshmem backing file -----------------------------
kdir=$("$here/kernel.sh" "${kernel_args[@]}") || die "cannot get a guest kernel"
kver=$(basename "$(echo "$kdir"/lib/modules/*)")
# The uncompressed kernel boots through PVH, twice as fast under TCG.
kernel=$kdir/boot/vmlinux-$kver
[[ -f "$kernel" ]] || kernel=$kdir/boot/vmlinuz-$kver
note "kernel $kernel"
"$here/initramfs.sh" "$kdir" "$WORK/initramfs.cpio" || die "cannot build the initramfs"
note "initramfs built"
python3 "$here/make-option-rom.py" "$WORK/edu0-rom.bin" || die "cannot make the option ROM"
IVSHMEM_FILE=$WORK/ivshmem.bin
truncate -s 4M "$IVSHMEM_FILE"

# -- what the guest runs -------------------------------------------------------
tty_rows=24 tty_cols=80
if ((shell)); then
    read -r tty_rows tty_cols < <(stty size) || true
fi
{
    echo "# read by guest-init.sh"
    echo "WORK=$(shq "$WORK")"
    echo "MODE=$( ((shell)) && echo shell || echo command)"
    echo "BIND_DEVICES=$(shq "$BIND_DEVICES")"
    echo "UNBOUND_DEVICES=$(shq "$UNBOUND_DEVICES")"
    # The repo, and the vfio-user test peers built outside it (tests/user/servers/build.sh).
    vfu_build=${VFU_BUILD:-/var/tmp/vfiofs-vfu}
    if [[ -d "$vfu_build" ]]; then
        echo "KEEP_VISIBLE=$(shq "$PWD"$'\n'"$vfu_build")"
    else
        echo "KEEP_VISIBLE=$(shq "$PWD")"
    fi
    echo "TTY_ROWS=$tty_rows TTY_COLS=$tty_cols"
    echo "ROOT_CACHE=${VFIOFS_GUEST_ROOT_CACHE:-loose}"
} >"$WORK/guest.conf"

guest_env=(
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    HOME=/root USER=root LOGNAME=root SHELL=/bin/bash LANG=C.UTF-8
    "TERM=$( ((shell)) && echo "${TERM:-vt100}" || echo dumb)"
    VFIOFS_IN_GUEST=1
    "VFIOFS_EDU0=$EDU0" "VFIOFS_EDU1=$EDU1" "VFIOFS_EDU_UNBOUND=$EDU_UNBOUND"
    "VFIOFS_NVME=$NVME" "VFIOFS_NVME_SERIAL=$NVME_SERIAL"
    "VFIOFS_IVSHMEM=$IVSHMEM" "VFIOFS_IVSHMEM_FILE=$IVSHMEM_FILE"
    "VFIOFS_TESTDEV=$TESTDEV"
    "VFIOFS_TESTBED_WORK=$WORK"
    "VFU_BUILD=${VFU_BUILD:-/var/tmp/vfiofs-vfu}"
)
((shell)) && guest_env+=(debian_chroot=vfiofs-guest) # shows in bash's prompt
guest_env+=("${extra_env[@]}")
{
    echo "# written by run.sh, run by guest-init.sh under chroot (env -i)"
    for kv in "${guest_env[@]}"; do
        echo "export ${kv%%=*}=$(shq "${kv#*=}")"
    done
    echo "cd $(shq "$PWD") || { echo 'run.sh: cannot cd to '$(shq "$PWD")' in the guest' >&2; exit 125; }"
    printf 'exec'
    for arg in "${command[@]}"; do printf ' %s' "$(shq "$arg")"; done
    echo
} >"$WORK/command.sh"

# -- QEMU ----------------------------------------------------------------------
append=(
    console=ttyS0 # kernel messages go to the console log, never to stdout
    intel_iommu=on
    # Under TCG on a loaded host the boot-time IO-APIC timer check can miss its
    # ticks and panic ("timer doesn't work through Interrupt-remapped IO-APIC").
    no_timer_check
    panic=-1 # reboot at once on panic; -no-reboot turns that into an exit
    printk.devkmsg=on # guest-init.sh logs through /dev/kmsg, unthrottled
    # The guest has nothing to protect and TCG is slow enough already.
    mitigations=off
)
# shellcheck disable=SC2054 # commas inside QEMU's option values
qemu=(
    qemu-system-x86_64
    -machine q35 -accel tcg -smp 2 -m "$mem"
    -nodefaults -no-user-config -display none -no-reboot
    -kernel "$kernel" -initrd "$WORK/initramfs.cpio"
    -append "${append[*]}"
    -device intel-iommu,intremap=on
    # ttyS0: kernel console -> console.log
    -chardev "file,id=console,path=$(qesc "$WORK/console.log")" -serial chardev:console
)
# ttyS1: COMMAND's stdio
# shellcheck disable=SC2054
if ((shell)); then
    qemu+=(-chardev stdio,id=cmdio,signal=off -serial chardev:cmdio)
else
    mkfifo "$WORK/output.fifo"
    qemu+=(-chardev "file,id=cmdio,path=$(qesc "$WORK/output.fifo")" -serial chardev:cmdio)
fi
# shellcheck disable=SC2054
qemu+=(
    # The host's root, read-only; multidevs=remap keeps inode numbers unique
    # across the host's several file systems.
    -fsdev local,id=fsroot,path=/,security_model=none,readonly=on,multidevs=remap
    -device virtio-9p-pci,fsdev=fsroot,mount_tag=vfiofs_root,addr=0x10
    -fsdev "local,id=fswork,path=$(qesc "$WORK"),security_model=none"
    -device virtio-9p-pci,fsdev=fswork,mount_tag=vfiofs_work,addr=0x11
    # The devices under test.
    -device "edu,addr=0x3,romfile=$(qesc "$WORK/edu0-rom.bin")"
    -device edu,addr=0x4
    -device edu,addr=0x5
    -device "nvme,serial=$NVME_SERIAL,addr=0x6"
    -object "memory-backend-file,id=ivshmem0,share=on,size=4M,mem-path=$(qesc "$IVSHMEM_FILE")"
    -device ivshmem-plain,memdev=ivshmem0,addr=0x7
    # pci-testdev: an I/O-port BAR (BAR1), which no one may mmap
    -device pci-testdev,addr=0x8
)

note "booting the guest"
interrupted=0
set +e
if ((shell)); then
    saved_tty=$(stty -g)
    # --foreground: QEMU stays in the terminal's foreground process group,
    # so it may read the terminal.
    timeout --foreground -k 10 "$timeout_s" "${qemu[@]}"
    qemu_rc=$?
else
    tee "$WORK/output.log" <"$WORK/output.fifo" &
    tee_pid=$!
    timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null &
    qemu_pid=$!
    trap 'interrupted=130; kill -TERM "$qemu_pid" 2>/dev/null' INT
    trap 'interrupted=143; kill -TERM "$qemu_pid" 2>/dev/null' TERM
    wait "$qemu_pid"
    qemu_rc=$?
    # A trap interrupts wait; wait again until QEMU is really gone.
    while ((qemu_rc > 128)) && kill -0 "$qemu_pid" 2>/dev/null; do
        wait "$qemu_pid"
        qemu_rc=$?
    done
    qemu_pid=
    # If QEMU never opened the FIFO, tee still waits in open(): opening it
    # read-write here lets that open finish, closing it gives tee its EOF.
    exec 3<>"$WORK/output.fifo"
    exec 3>&-
    wait "$tee_pid"
    tee_pid=
fi
set -e
note "guest gone (QEMU exit status $qemu_rc)"

console_tail() {
    if [[ ! -s "$WORK/console.log" ]]; then
        say "the guest kernel console log is empty: the guest never booted"
        return
    fi
    if grep -q 'Kernel panic' "$WORK/console.log"; then
        say "the guest kernel panicked: $(grep -m1 'Kernel panic' "$WORK/console.log")"
    fi
    say "last lines of the guest kernel console:"
    tail -n 60 "$WORK/console.log" | sed 's/^/  | /' >&2
    say "full console log: $WORK/console.log"
}

status=$(cat "$WORK/status" 2>/dev/null || true)
if ((interrupted)); then
    say "interrupted; logs in $WORK"
    exit "$interrupted"
fi
if [[ "$qemu_rc" == 124 || "$qemu_rc" == 137 ]] && [[ "$status" != exit* ]]; then
    say "timed out after $timeout_s s (guest state: ${status:-booting})"
    console_tail
    exit 124
fi
case $status in
    "exit "*) ;;
    setup-failed:*)
        say "testbed setup failed in the guest:${status#setup-failed:}"
        console_tail
        exit 125
        ;;
    running)
        say "the guest died while COMMAND was running (QEMU exit status $qemu_rc)"
        console_tail
        exit 125
        ;;
    *)
        # A setup failure before the work dir was mounted is only in the log.
        fatal=$(sed -n 's/.*vfiofs-testbed: FATAL: //p' "$WORK/console.log" 2>/dev/null | head -n 1)
        if [[ -n "$fatal" ]]; then
            say "testbed setup failed in the guest: $fatal"
        else
            say "the guest died before COMMAND started (QEMU exit status $qemu_rc)"
        fi
        console_tail
        exit 125
        ;;
esac
rc=${status#exit }
outcome=ok

# A test that upset the kernel should not pass unnoticed.
if grep -qE 'Kernel panic|BUG:|Oops|WARNING:|general protection fault|Call Trace:' "$WORK/console.log"; then
    say "warning: the guest kernel logged a BUG/Oops/WARNING:"
    grep -E -m 20 'Kernel panic|BUG:|Oops|WARNING:|general protection fault' "$WORK/console.log" |
        sed 's/^/  | /' >&2
    say "full console log: $WORK/console.log"
    outcome=kept
fi
note "COMMAND exited with status $rc"
exit "$rc"
}
