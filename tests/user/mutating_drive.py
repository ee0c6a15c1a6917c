#!/usr/bin/env python3
"""The workload of t_vfu_mutating.sh: a device behind mutating_proxy.py and
a healthy bystander in one mount, for a bounded time.

    mutating_drive.py MNT MUTATED SOCKET BYSTANDER SECONDS SEED OP_BOUND BYSTANDER_BOUND SPARE

One thread drives MNT/MUTATED (registers, config, BAR2, factorial, the DMA
engine, irq modes, reset, buffers made and removed, detach and re-attach
through SOCKET when the device is lost); another drives MNT/BYSTANDER
(its ident register every 50 ms, and about once a second a new buffer
mapped, filled, copied by its DMA engine into BAR2 and compared, then
removed) and checks that a buffer made at the start keeps its bytes (its
IOVA goes to the file SPARE first, which the proxy's made-up DMA writes
spare: a device may write any buffer).  A
watchdog fails the run when an operation of the mutated device takes longer
than OP_BOUND seconds or one of the bystander's longer than BYSTANDER_BOUND
(a bystander buffer waits for the container, which a DMA_MAP to the mutated
device may hold for its timeout: OP_BOUND for those).

Prints one line per finding ("FAIL ..."), a summary ("ops N errors {...}")
and last "END 0" when nothing failed, "END 1" otherwise (a caller hung in
the kernel may keep the process from exiting: read the line, not the
status).  The choices of the workload follow SEED.
"""
import errno
import os
import random
import struct
import sys
import threading
import time

mnt, mutated, sock, bystander = sys.argv[1:5]
seconds, seed = float(sys.argv[5]), int(sys.argv[6])
op_bound, by_bound = float(sys.argv[7]), float(sys.argv[8])
spare = sys.argv[9]
deadline = time.monotonic() + seconds
failures = []
lock = threading.Lock()
inflight = {}          # thread name -> (what, started, bound)
stats = {"ops": 0, "errors": {}, "attaches": 0, "by_buffers": 0, "by_reads": 0}


def fail(text):
    with lock:
        failures.append(text)
    print("FAIL", text, flush=True)


def timed(who, what, bound, fn, *args):
    """Runs fn(*args) watched by the watchdog: (result, None) or (None, errno name)."""
    inflight[who] = (what, time.monotonic(), bound)
    try:
        return fn(*args), None
    except OSError as e:
        name = errno.errorcode.get(e.errno, str(e.errno))
        if who == "mutated":
            with lock:
                stats["errors"][name] = stats["errors"].get(name, 0) + 1
        return None, name
    finally:
        inflight.pop(who, None)
        if who == "mutated":
            stats["ops"] += 1


def pread(path, off, n):
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.pread(fd, n, off)
    finally:
        os.close(fd)


def pwrite(path, off, data):
    fd = os.open(path, os.O_WRONLY)
    try:
        return os.pwrite(fd, data, off)
    finally:
        os.close(fd)


def read_text(path):
    with open(path, "rb") as f:
        return f.read()


def write_text(path, text):
    fd = os.open(path, os.O_WRONLY)
    try:
        return os.write(fd, text.encode())
    finally:
        os.close(fd)


def make_buffer(path, data):
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.ftruncate(fd, len(data))
        os.pwrite(fd, data, 0)
    finally:
        os.close(fd)


def edu_dma(dev, src, dst, count, cmd):
    """vfu_edu's DMA engine: 0x80 src, 0x88 dst, 0x90 count, 0x98 cmd; result 0xa0."""
    bar0 = os.path.join(dev, "bar0")
    for off, v in ((0x80, src), (0x88, dst), (0x90, count), (0x98, cmd)):
        pwrite(bar0, off, struct.pack("<Q", v))
    end = time.monotonic() + 5
    while struct.unpack("<Q", pread(bar0, 0x98, 8))[0] & 1:
        if time.monotonic() > end:
            raise OSError(errno.ETIMEDOUT, "DMA engine busy")
        time.sleep(0.01)
    return struct.unpack("<I", pread(bar0, 0xA0, 4))[0]


def iova_of(path):
    return int(os.getxattr(path, "user.vfio.iova").decode().strip("\0"), 0)


def mutated_loop():
    rng = random.Random(seed)
    dev = os.path.join(mnt, mutated)
    n = 0
    while time.monotonic() < deadline:
        if not os.path.isdir(dev):
            timed("mutated", "attach", op_bound, os.setxattr, mnt, "user.vfio.attach", sock.encode())
            stats["attaches"] += 1
            if not os.path.isdir(dev):
                time.sleep(0.05)
            continue
        n += 1
        op = rng.choice(("ident", "config", "liveness", "fact", "bar2", "irq", "reset", "buffer",
                         "dma", "info", "detach"))
        if op == "ident":
            _, e = timed("mutated", op, op_bound, pread, os.path.join(dev, "bar0"), 0, 4)
        elif op == "config":
            _, e = timed("mutated", op, op_bound, pread, os.path.join(dev, "config"), rng.randrange(0, 64, 4), 4)
        elif op == "liveness":
            _, e = timed("mutated", op, op_bound, pwrite, os.path.join(dev, "bar0"), 4,
                         struct.pack("<I", rng.getrandbits(32)))
        elif op == "fact":
            _, e = timed("mutated", op, op_bound, pwrite, os.path.join(dev, "bar0"), 8,
                         struct.pack("<I", rng.randrange(1, 12)))
        elif op == "bar2":
            off = rng.randrange(0, 0x10000 - 64, 4)
            if rng.random() < 0.5:
                _, e = timed("mutated", op, op_bound, pread, os.path.join(dev, "bar2"), off, 64)
            else:
                _, e = timed("mutated", op, op_bound, pwrite, os.path.join(dev, "bar2"), off, os.urandom(64))
        elif op == "irq":
            _, e = timed("mutated", op, op_bound, write_text, os.path.join(dev, "irq"),
                         rng.choice(("intx", "msi 1", "msix 2", "off")))
        elif op == "reset":
            _, e = timed("mutated", op, op_bound, write_text, os.path.join(dev, "reset"), "1")
        elif op == "buffer":
            path = os.path.join(mnt, "dma", "m%d" % n)
            _, e = timed("mutated", "buffer create", op_bound, make_buffer, path, os.urandom(4096))
            timed("mutated", "buffer remove", op_bound, os.unlink, path)
        elif op == "dma":
            try:
                keep = iova_of(os.path.join(mnt, "dma", "keep"))
            except OSError:
                keep = 0
            _, e = timed("mutated", op, op_bound, edu_dma, dev, keep, 0x1000, 4096,
                         rng.choice((1, 1 | 8)))
        elif op == "info":
            _, e = timed("mutated", op, op_bound, read_text, os.path.join(dev, "info"))
        else:
            e = "ENODEV"
        if e in ("ENODEV", "ENOENT") or (op == "detach" and rng.random() < 0.3):
            timed("mutated", "detach", op_bound, os.rmdir, dev)


def bystander_loop(keep_data):
    dev = os.path.join(mnt, bystander)
    last_buffer = 0.0
    n = 0
    while time.monotonic() < deadline:
        v, e = timed("bystander", "ident", by_bound, pread, os.path.join(dev, "bar0"), 0, 4)
        stats["by_reads"] += 1
        if e or v != struct.pack("<I", 0x56465531):
            fail("the bystander's ident read gave %s" % (e or v.hex()))
        if time.monotonic() - last_buffer >= 1.0:
            last_buffer = time.monotonic()
            n += 1
            data = os.urandom(4096)
            path = os.path.join(mnt, "dma", "b%d" % n)
            _, e = timed("bystander", "buffer create", op_bound, make_buffer, path, data)
            if e:
                fail("the bystander could not map a new buffer: %s" % e)
            else:
                stats["by_buffers"] += 1
                r, e = timed("bystander", "DMA engine", op_bound, edu_dma, dev, iova_of(path), 0, 4096, 1)
                got, e2 = timed("bystander", "BAR2 read", by_bound, pread, os.path.join(dev, "bar2"), 0, 4096)
                if e or e2 or r != 0 or got != data:
                    fail("the bystander's DMA from a new buffer: %s" % (e or e2 or "result %s, bytes %s" %
                                                                          (r, "equal" if got == data else "differ")))
                _, e = timed("bystander", "buffer remove", op_bound, os.unlink, path)
                if e:
                    fail("removing the bystander's buffer: %s" % e)
            got, e = timed("bystander", "keep read", by_bound, pread, os.path.join(mnt, "dma", "keep"), 0, 4096)
            if e or got != keep_data:
                fail("the buffer made at the start lost its bytes (%s)" % (e or "differ"))
        time.sleep(0.05)


def watchdog(threads):
    while any(t.is_alive() for t in threads):
        now = time.monotonic()
        for who, (what, started, bound) in list(inflight.items()):
            if now - started > bound:
                fail("%s: %s took more than %.1f s (hung)" % (who, what, bound))
                print("ops %d errors %s" % (stats["ops"], stats["errors"]), flush=True)
                # The hung thread may never return (the kernel waits for the daemon's answer).
                print("END 1", flush=True)
                os._exit(1)
        time.sleep(0.1)


def main():
    keep_data = os.urandom(4096)
    keep = os.path.join(mnt, "dma", "keep")
    make_buffer(keep, bytes(4096))
    with open(spare + ".tmp", "w") as f:
        f.write("%#x 4096\n" % iova_of(keep))
    os.rename(spare + ".tmp", spare)
    make_buffer(keep, keep_data)     # after the proxy knows to spare it
    threads = [threading.Thread(target=mutated_loop, daemon=True),
               threading.Thread(target=bystander_loop, args=(keep_data,), daemon=True)]
    for t in threads:
        t.start()
    watchdog(threads)
    print("ops %d attaches %d errors %s; bystander reads %d buffers %d" %
          (stats["ops"], stats["attaches"], stats["errors"], stats["by_reads"], stats["by_buffers"]),
          flush=True)
    print("END %d" % (1 if failures else 0), flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
