"""Interrupt checks through a vfiofs mount, one per command-line call:
    python3 irqtest.py CASE DEVICE_DIR [ARG...]
Exits 0 when the check holds; otherwise prints why and exits 1. Every wait is
bounded: a blocking read is guarded by an alarm, absence is checked with poll
and a timeout.
"""
import os
import select
import signal
import subprocess
import sys
import threading
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from mountlib import (Fail, WAIT, check, check_nothing_pending, on_alarm, irq_cmd,  # noqa: E402
                      irq_errno, irq_open, write32, read32, info, read_events, readable, read_across,
                      readers_see_each_interrupt, reset_ends_read, rmdir_ends_read)


def collect(fd, want, timeout=WAIT):
    """Sums counts per (mode, vector) over reads until they reach want (a dict)."""
    got = {}
    end = time.monotonic() + timeout
    while got != want:
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise Fail("events %r, expected %r" % (got, want))
        for line in os.read(fd, 4096).decode().splitlines():
            mode, vec, count = line.split()
            key = "%s %s" % (mode, vec)
            got[key] = got.get(key, 0) + int(count)
    return got


# ---- cases ----

def edu_msi(dev):
    fd = irq_open(dev, "msi 1\n")
    write32(dev, 0x60, 0x5)
    check(read_events(fd) == ["msi 0 1"], "expected one msi event")
    check(read32(dev, 0x24) == 0x5, "interrupt status 0x24 is %#x" % read32(dev, 0x24))
    write32(dev, 0x64, 0x5)
    check(read32(dev, 0x24) == 0, "status not acknowledged")
    i = info(dev)
    check(i["irq.mode"] == "msi" and i["irq.vectors"] == "1" and i["irq.vector.0.count"] == "1",
          "info: %r" % {k: v for k, v in i.items() if k.startswith("irq.")})
    irq_cmd(dev, "off")


def edu_factorial_irq(dev):
    fd = irq_open(dev, "msi 1")
    write32(dev, 0x20, 0x80)  # raise an interrupt when the computation is done
    write32(dev, 0x08, 6)
    check(read_events(fd) == ["msi 0 1"], "no completion interrupt")
    check(read32(dev, 0x08) == 720, "6! read as %d when the interrupt came" % read32(dev, 0x08))
    check(read32(dev, 0x24) & 1, "status 0x24 lacks the factorial bit")
    write32(dev, 0x64, 1)
    write32(dev, 0x20, 0)
    irq_cmd(dev, "off")


def intx_raised_again(dev):
    """INTx on, one interrupt read and acknowledged, the line asserted again: the irq file."""
    fd = irq_open(dev, "intx")
    write32(dev, 0x60, 0x1)
    check(read_events(fd) == ["intx 0 1"], "no INTx event")
    write32(dev, 0x64, 0x1)   # acknowledge: with intx_eoi=bar this BAR write also unmasks INTx
    write32(dev, 0x60, 0x2)
    return fd


def edu_intx_bar_eoi(dev):
    fd = intx_raised_again(dev)
    check(read_events(fd) == ["intx 0 1"], "no second INTx event after the acknowledge")
    write32(dev, 0x64, 0x2)
    irq_cmd(dev, "off")


def edu_intx_manual_eoi(dev):
    fd = intx_raised_again(dev)  # with intx_eoi=manual INTx stays masked after the acknowledge
    check(not readable(fd, 2), "an event arrived while INTx was masked")
    irq_cmd(dev, "unmask")      # ...and the unmask lets it through
    check(read_events(fd) == ["intx 0 1"], "no event after unmask")
    write32(dev, 0x64, 0x2)
    irq_cmd(dev, "unmask")
    irq_cmd(dev, "off")


def msix_trigger(dev):
    fd = irq_open(dev, "msix 4")
    irq_cmd(dev, "trigger 2")
    check(read_events(fd) == ["msix 2 1"], "trigger 2 did not give exactly 'msix 2 1'")
    for _ in range(25):
        irq_cmd(dev, "trigger 2")
    for _ in range(7):
        irq_cmd(dev, "trigger 0")
    collect(fd, {"msix 0": 7, "msix 2": 25})
    i = info(dev)
    check(i["irq.vector.2.count"] == "26" and i["irq.vector.0.count"] == "7"
          and i["irq.vector.1.count"] == "0", "info counts: %r" % i)
    irq_cmd(dev, "off")


def one_line_per_vector(dev):
    """A read reports each vector once, with everything it counted since the last read."""
    fd = irq_open(dev, "msix 4")
    for _ in range(50):
        irq_cmd(dev, "trigger 2")
    irq_cmd(dev, "trigger 1")
    end = time.monotonic() + WAIT
    while time.monotonic() < end and info(dev)["irq.vector.2.count"] != "50":
        time.sleep(0.05)
    check(info(dev)["irq.vector.2.count"] == "50", "the daemon did not count 50 interrupts")
    got = os.read(fd, 4096).decode().splitlines()
    check(got == ["msix 1 1", "msix 2 50"], "one read gave %r" % got)
    irq_cmd(dev, "off")


def broadcast(dev):
    readers_see_each_interrupt(dev, "msix 2", lambda v: irq_cmd(dev, "trigger %d" % v))
    irq_cmd(dev, "off")


def nonblock_and_poll(dev):
    fd = irq_open(dev, "msix 1", os.O_RDONLY | os.O_NONBLOCK)
    check_nothing_pending(fd, "a non-blocking read with nothing pending did not fail")
    p = select.poll()
    p.register(fd, select.POLLIN)
    check(p.poll(500) == [], "poll reported an event when nothing fired")
    ep = select.epoll()
    ep.register(fd, select.EPOLLIN)
    check(ep.poll(0.5) == [], "epoll reported an event when nothing fired")
    threading.Timer(0.3, irq_cmd, (dev, "trigger 0")).start()
    r = p.poll(WAIT * 1000)
    check(r and r[0][1] & select.POLLIN, "poll did not report the interrupt")
    check(ep.poll(WAIT), "epoll did not report the interrupt")
    check(os.read(fd, 4096) == b"msix 0 1\n", "wrong event text")
    check(p.poll(300) == [], "still readable after reading the event")
    irq_cmd(dev, "off")


def many_readers(dev, pid):
    n = 100
    irq_cmd(dev, "msix 1")
    fds = [os.open(dev + "/irq", os.O_RDONLY) for _ in range(n)]
    results = [None] * n

    def wait(i):
        results[i] = os.read(fds[i], 4096)

    threads = [threading.Thread(target=wait, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    time.sleep(0)
    # Wait (bounded) until the daemon holds all 100 reads: its thread count must stay small.
    end = time.monotonic() + WAIT
    while time.monotonic() < end and sum(1 for t in threads if t.is_alive()) < n:
        time.sleep(0.05)
    time.sleep(1)  # the last reads reach the daemon
    tasks = len(os.listdir("/proc/%s/task" % pid))
    check(all(r is None for r in results), "a read returned before any interrupt")
    irq_cmd(dev, "trigger 0")
    for t in threads:
        t.join(WAIT)
    woke = sum(1 for r in results if r == b"msix 0 1\n")
    check(woke == n, "%d of %d readers woke with the event" % (woke, n))
    check(tasks <= 16, "the daemon had %d threads with %d readers waiting" % (tasks, n))
    print("daemon threads with %d readers waiting: %d" % (n, tasks))
    irq_cmd(dev, "off")


def sigint_cat(dev):
    irq_cmd(dev, "msix 1")
    cat = subprocess.Popen(["cat", dev + "/irq"], stdout=subprocess.DEVNULL,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(1)
    check(cat.poll() is None, "cat ended before any interrupt")
    t0 = time.monotonic()
    cat.send_signal(signal.SIGINT)
    try:
        rc = cat.wait(WAIT)
    except subprocess.TimeoutExpired:
        cat.kill()
        raise Fail("cat did not end after SIGINT")
    check(rc == -signal.SIGINT, "cat ended with %r" % rc)
    print("cat ended %.2f s after SIGINT" % (time.monotonic() - t0))
    check(read32(dev, 0x0) != 0xffffffff or True, "")
    irq_cmd(dev, "trigger 0")  # the daemon still serves
    irq_cmd(dev, "off")


class Usr1(Exception):
    pass


def raise_usr1(signum, frame):
    raise Usr1()


def eintr_on_handled_signal(dev):
    # A handler that raises makes Python give up the read once the kernel
    # returns EINTR; if vfiofs ignored the interrupt, the alarm would fire instead.
    fd = irq_open(dev, "msix 1")
    signal.signal(signal.SIGUSR1, raise_usr1)
    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGUSR1)).start()
    signal.alarm(WAIT)
    try:
        os.read(fd, 4096)
        raise Fail("read returned without an interrupt")
    except Usr1:
        pass
    finally:
        signal.alarm(0)
    irq_cmd(dev, "trigger 0")
    check(read_events(fd) == ["msix 0 1"], "the file no longer reads events after EINTR")
    irq_cmd(dev, "off")


def off_wakes_readers(dev):
    fd = irq_open(dev, "msix 1")
    data = read_across(fd, 0.5, irq_cmd, dev, "off")
    check(data == b"", "a waiting read got %r on 'off', expected end of file" % data)


def bad_commands(dev, msix_count):
    irq_cmd(dev, "msi 1")
    for cmd in ["msi 0", "msi 999", "msix 1" if msix_count == "0" else "msix 99999",
                "garbage", "x" * 200, "msi", "unmask", "trigger 1", "msi 1 1", "\n"]:
        e = irq_errno(dev, cmd)
        check(e == "EINVAL", "%r gave %s, expected EINVAL" % (cmd[:20], e))
    i = info(dev)
    check(i["irq.mode"] == "msi" and i["irq.vectors"] == "1", "state changed: %r" % i["irq.mode"])
    fd = os.open(dev + "/irq", os.O_RDONLY)
    irq_cmd(dev, "trigger 0")
    check(read_events(fd) == ["msi 0 1"], "interrupts no longer work after bad commands")
    irq_cmd(dev, "off")
    check(irq_errno(dev, "trigger 0") == "EINVAL", "trigger with interrupts off")
    check(irq_errno(dev, "unmask") == "EINVAL", "unmask with interrupts off")


def reset_turns_off(dev):
    fd = reset_ends_read(dev, "msix 2", 0.5)
    irq_cmd(dev, "msix 2")  # and they can be set up again
    irq_cmd(dev, "trigger 1")
    check(read_events(fd) == ["msix 1 1"], "no event after re-enabling")
    irq_cmd(dev, "off")


def rmdir_wakes_readers(dev):
    rmdir_ends_read(dev, "msi 1", 0.5)


CASES = {f.__name__: f for f in [edu_msi, edu_factorial_irq, edu_intx_bar_eoi, edu_intx_manual_eoi,
                                 msix_trigger, one_line_per_vector, broadcast, nonblock_and_poll, many_readers, sigint_cat,
                                 eintr_on_handled_signal, off_wakes_readers, bad_commands,
                                 reset_turns_off, rmdir_wakes_readers]}

if __name__ == "__main__":
    signal.signal(signal.SIGALRM, on_alarm)
    try:
        CASES[sys.argv[1]](*sys.argv[2:])
    except (Fail, OSError) as e:
        print(e)
        sys.exit(1)
