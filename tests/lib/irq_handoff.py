"""Interrupt vectors handed out by the hand-off socket, one check per call,
for both tiers (tests/kernel/t_irq_handoff.sh, tests/user/t_vfu_irq_handoff.sh):
    python3 tests/lib/irq_handoff.py CASE DEVICE_DIR [ARG...]
Exits 0 when the check holds; otherwise prints why and exits 1. Every wait
is bounded (select with a timeout).
"""
import os
import select
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mountlib import Fail, check, info, irq_cmd, write32, WAIT  # noqa: E402


def sock_of(dev):
    return os.getxattr(os.path.dirname(dev), "user.vfio.socket").decode()


def ask(dev, request, keep=False):
    """Sends one raw request line; (answer words, descriptors, connection or None)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(WAIT)
    s.connect(sock_of(dev))
    s.sendall(request if isinstance(request, bytes) else request.encode())
    line, fds, _, _ = socket.recv_fds(s, 4096, 4)
    words = line.decode().split("\n")[0].split(" ")
    if not keep:
        s.close()
        for fd in fds:
            os.close(fd)
        return words, [], None
    return words, fds, s


def take(dev, vector):
    """(connection, [eventfds]) for vector of dev's irq; fails the check on an error answer."""
    words, fds, s = ask(dev, "irq %s/irq %d\n" % (dev, vector), keep=True)
    check(words[0] == "ok" and int(words[1]) == len(fds), "answer %r with %d descriptor(s)" % (words, len(fds)))
    return s, fds


def readable(fd, timeout):
    return bool(select.select([fd], [], [], timeout)[0])


def wait_count(efd, timeout=WAIT):
    """What one read of the eventfd gives, once it is signalled."""
    check(readable(efd, timeout), "the handed-out eventfd was not signalled within %d s" % timeout)
    return struct.unpack("<Q", os.read(efd, 8))[0]


def ended(s, timeout=WAIT):
    """Whether the daemon closed our hold: readable, and end of file."""
    return readable(s, timeout) and s.recv(16) == b""


def handed_out(dev):
    return {k: v for k, v in info(dev).items() if k.endswith(".handed_out")}


def release(s, fds):
    for fd in fds:
        os.close(fd)
    s.close()


def wait_given_back(dev, v):
    end = time.time() + WAIT
    while "irq.vector.%d.handed_out" % v in handed_out(dev):
        check(time.time() < end, "the vector was not taken back after the connection closed")
        time.sleep(0.05)


def edu_msi(dev, raise_reg=0x60, ack_reg=0x64):
    """MSI raised by the device reaches the program's eventfd; irq readers and info see it handed out.
    raise_reg, ack_reg: the device's raise and acknowledge registers (edu's; vfu_edu has 0x44, 0x48)."""
    irq_cmd(dev, "msi 1")
    reader = os.open(dev + "/irq", os.O_RDONLY | os.O_NONBLOCK)
    s, fds = take(dev, 0)
    check(len(fds) == 1, "MSI gave %d descriptors" % len(fds))
    check(handed_out(dev) == {"irq.vector.0.handed_out": str(os.getpid())}, "info: %r" % handed_out(dev))
    for i in range(3):
        write32(dev, raise_reg, 0x1)
        check(wait_count(fds[0]) == 1, "round %d: count" % i)
        write32(dev, ack_reg, 0x1)
    check(not readable(reader, 1), "an irq reader saw a handed-out vector")
    release(s, fds)
    wait_given_back(dev, 0)
    write32(dev, raise_reg, 0x1)
    check(readable(reader, WAIT) and os.read(reader, 100) == b"msi 0 1\n", "the reader did not see the vector back")
    write32(dev, ack_reg, 0x1)
    irq_cmd(dev, "off")


def msix_trigger(dev):
    """trigger V reaches the program holding V; other vectors still reach irq readers."""
    irq_cmd(dev, "msix 4")
    reader = os.open(dev + "/irq", os.O_RDONLY | os.O_NONBLOCK)
    s, fds = take(dev, 2)
    irq_cmd(dev, "trigger 2")
    check(wait_count(fds[0]) == 1, "trigger 2: count")
    for _ in range(5):
        irq_cmd(dev, "trigger 2")
    check(wait_count(fds[0]) == 5, "five triggers of 2 not counted as 5")
    irq_cmd(dev, "trigger 0")
    check(readable(reader, WAIT) and os.read(reader, 100) == b"msix 0 1\n", "vector 0 did not reach the reader")
    check(not readable(fds[0], 0.5), "vector 0 reached the program holding 2")
    check(info(dev)["irq.vector.2.handed_out"] == str(os.getpid()), "info lacks vector 2")
    release(s, fds)
    wait_given_back(dev, 2)
    irq_cmd(dev, "trigger 2")
    check(readable(reader, WAIT) and os.read(reader, 100) == b"msix 2 1\n", "vector 2 not back at the reader")
    os.close(reader)
    irq_cmd(dev, "off")


def edu_intx(dev):
    """INTx twice in a row, ended through the handed unmask eventfd (a BAR access does not end it)."""
    irq_cmd(dev, "intx")
    s, fds = take(dev, 0)
    check(len(fds) == 2, "INTx gave %d descriptors" % len(fds))
    trigger, unmask = fds
    write32(dev, 0x60, 0x1)
    check(wait_count(trigger) == 1, "first INTx")
    write32(dev, 0x64, 0x1)           # acknowledge at the device: through the mount, a BAR access...
    write32(dev, 0x60, 0x2)           # ...that must not unmask: the program ends its INTx itself
    check(not readable(trigger, 2), "INTx came again before the program unmasked it")
    os.write(unmask, struct.pack("<Q", 1))
    check(wait_count(trigger) == 1, "second INTx after the unmask eventfd")
    write32(dev, 0x64, 0x2)
    os.write(unmask, struct.pack("<Q", 1))
    release(s, fds)
    wait_given_back(dev, 0)
    # Back with the daemon: the irq file sees INTx again (and ends it on BAR access).
    reader = os.open(dev + "/irq", os.O_RDONLY | os.O_NONBLOCK)
    write32(dev, 0x60, 0x1)
    check(readable(reader, WAIT) and os.read(reader, 100) == b"intx 0 1\n", "INTx not back at the reader")
    write32(dev, 0x64, 0x1)
    irq_cmd(dev, "off")


def intx_not_masked(dev, raise_reg, ack_reg):
    """An INTx the device does not mask (vfio-user's) comes with no unmask eventfd, twice in a row."""
    irq_cmd(dev, "intx")
    s, fds = take(dev, 0)
    check(len(fds) == 1, "INTx without automask gave %d descriptors" % len(fds))
    for i in range(2):
        write32(dev, raise_reg, 0x1)
        check(wait_count(fds[0]) == 1, "INTx %d" % i)
        write32(dev, ack_reg, 0x1)
    release(s, fds)
    wait_given_back(dev, 0)
    reader = os.open(dev + "/irq", os.O_RDONLY | os.O_NONBLOCK)
    irq_cmd(dev, "trigger 0")
    check(readable(reader, WAIT) and os.read(reader, 100) == b"intx 0 1\n", "INTx not back at the reader")
    irq_cmd(dev, "off")


def second_request(dev):
    """A second request for a vector held gets EBUSY and changes nothing; another vector is free."""
    irq_cmd(dev, "msix 2")
    s, fds = take(dev, 0)
    words, _, _ = ask(dev, "irq %s/irq 0\n" % dev)
    check(words[:2] == ["error", "EBUSY"], "second request: %r" % words)
    s1, fds1 = take(dev, 1)
    irq_cmd(dev, "trigger 0")
    check(wait_count(fds[0]) == 1, "the first holder lost vector 0")
    release(s1, fds1)
    release(s, fds)
    irq_cmd(dev, "off")


def ends(dev, how):
    """off, a mode change or reset ends a handed-out delivery: the program reads end of file."""
    irq_cmd(dev, "msix 2")
    s, fds = take(dev, 1)
    if how == "reset":
        with open(dev + "/reset", "w") as f:
            f.write("1")
    else:
        irq_cmd(dev, how)
    check(ended(s), "no end of file on the hold after %s" % how)
    check(handed_out(dev) == {}, "info after %s: %r" % (how, handed_out(dev)))
    release(s, fds)
    irq_cmd(dev, "off")


def ends_by_detach(dev, how):
    """rmdir or unmount (how: the shell command) ends delivery: end of file."""
    irq_cmd(dev, "msi 1" if int(info(dev).get("irq.msi.count", "0")) else "msix 1")
    s, fds = take(dev, 0)
    subprocess.run(how, shell=True, check=True, timeout=WAIT * 3)
    check(ended(s), "no end of file on the hold after %s" % how)
    release(s, fds)


def bad_requests(dev, other):
    """Every bad request: its error line, nothing handed out, and the next client served."""
    mnt = os.path.dirname(dev)
    irq_cmd(dev, "msix 2")
    mode_before = info(dev)["irq.mode"]
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.connect(sock_of(dev))       # says nothing: blocks nobody
    cases = [
        ("irq %s/nothing/irq 0\n" % mnt, "ENOENT"),
        ("irq %s/irq 2\n" % dev, "EINVAL"),          # outside the mode's 2 vectors
        ("irq %s/irq 0\n" % other, "EINVAL"),        # interrupts off there
        ("irq %s/bar0 0\n" % dev, "ENODEV"),         # not an irq file
        ("irq %s/container 0\n" % mnt, "ENODEV"),
        ("irq %s 0\n" % dev, "EISDIR"),
        ("irq %s/irq\n" % dev, "EINVAL"),
        ("irq %s/irq x\n" % dev, "EINVAL"),
        ("irq %s/irq -1\n" % dev, "EINVAL"),
        ("irq %s/irq 0 0\n" % dev, "EINVAL"),
        ("irq %s/irq 0x1\n" % dev, "EINVAL"),
        ("IRQ %s/irq 0\n" % dev, "EINVAL"),
        ("irq " + "a" * 5000 + " 0\n", "EINVAL"),  # longer than 4096 bytes
    ]
    for request, want in cases:
        words, _, _ = ask(dev, request)
        check(words[:2] == ["error", want], "%r: %r, want %s" % (request[:60], words, want))
        check(handed_out(dev) == {} and info(dev)["irq.mode"] == mode_before,
              "%r changed the state: %r" % (request[:60], info(dev)))
    s, fds = take(dev, 1)              # still served, with the silent client connected
    release(s, fds)
    silent.close()
    irq_cmd(dev, "off")
    words, _, _ = ask(dev, "irq %s/irq 0\n" % dev)
    check(words[:2] == ["error", "EINVAL"], "interrupts off: %r" % words)


def not_permitted(dev, uid):
    """A user who may not write irq (allow_other, mode 0600 for root) gets EACCES."""
    irq_cmd(dev, "msi 1")
    out = subprocess.run([sys.executable, "-c", """
import os, socket, sys
os.setgid(%d); os.setgroups([]); os.setuid(%d)
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(("irq %%s/irq 0\\n" %% sys.argv[2]).encode())
line, fds, _, _ = socket.recv_fds(s, 4096, 2)
print(" ".join(line.decode().split()[:2]), len(fds))
""" % (uid, uid), sock_of(dev), dev], capture_output=True, text=True, timeout=WAIT)
    sock = sock_of(dev)
    modes = " ".join("%s %o" % (p, os.stat(p).st_mode & 0o7777) for p in (sock, os.path.dirname(sock)))
    check(out.stdout.strip() == "error EACCES 0", "as uid %d: %r %r (%s)" % (uid, out.stdout, out.stderr, modes))
    check(handed_out(dev) == {}, "info: %r" % handed_out(dev))
    irq_cmd(dev, "off")


def arg(a):
    try:
        return int(a, 0)
    except ValueError:
        return a


CASES = {f.__name__: f for f in (edu_msi, msix_trigger, edu_intx, intx_not_masked, second_request, ends,
                                 ends_by_detach, bad_requests, not_permitted)}

if __name__ == "__main__":
    try:
        args = sys.argv[3:]
        CASES[sys.argv[1]](sys.argv[2], *[arg(a) for a in args])
    except (Fail, OSError) as e:
        print(e)
        sys.exit(1)
