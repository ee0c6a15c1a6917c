"""Load checks through a vfiofs mount, one per command-line call, each
bounded to a few seconds (issue 10's audit, kept as tests):
    python3 load.py CASE ARG...
Prints one summary line; exits 0 when the check holds, else prints why and
exits 1. Threads, not processes: the reads and writes release the GIL, so
the daemon sees them concurrently.
"""
import errno
import os
import random
import select
import struct
import sys
import threading
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from mountlib import (Fail, check, on_alarm, irq_cmd, irq_errno, write32, write64,  # noqa: E402
                      read32, info)

SECONDS = float(os.environ.get("LOAD_SECONDS", "3"))


def run_threads(targets):
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(SECONDS + 60)
        check(not t.is_alive(), "a client thread did not finish")


def bar_clients(bar2, host_file, nclients="8"):
    """N clients on disjoint slices of ivshmem's BAR2 for SECONDS: each writes
    random chunks and reads them back; then every slice is compared with the
    host file behind the BAR."""
    n = int(nclients)
    size = os.stat(bar2).st_size
    slice_len = size // n
    shadow = [bytearray(os.urandom(slice_len)) for _ in range(n)]
    stats = {"bytes": 0, "corrupt": 0, "errors": []}
    lock = threading.Lock()
    end = time.monotonic() + SECONDS

    def client(i):
        base = i * slice_len
        fd = os.open(bar2, os.O_RDWR)
        moved = bad = 0
        try:
            os.pwrite(fd, bytes(shadow[i]), base)
            while time.monotonic() < end:
                off = random.randrange(0, slice_len, 4)
                length = min(random.choice((4, 64, 4096, 65536)), slice_len - off)
                data = os.urandom(length)
                check(os.pwrite(fd, data, base + off) == length, "short write")
                shadow[i][off:off + length] = data
                got = os.pread(fd, length, base + off)
                bad += sum(1 for a, b in zip(got, data) if a != b) if got != data else 0
                moved += 2 * length
        except (OSError, Fail) as e:
            with lock:
                stats["errors"].append("client %d: %s" % (i, e))
        finally:
            os.close(fd)
        with lock:
            stats["bytes"] += moved
            stats["corrupt"] += bad

    run_threads([lambda i=i: client(i) for i in range(n)])
    check(not stats["errors"], "; ".join(stats["errors"]))
    with open(host_file, "rb") as f:
        host = f.read(size)
    for i in range(n):
        got = host[i * slice_len:(i + 1) * slice_len]
        stats["corrupt"] += sum(1 for a, b in zip(got, shadow[i]) if a != b)
    check(stats["corrupt"] == 0, "%d corrupted bytes" % stats["corrupt"])
    print("%d clients, %.1f MiB moved in %.0f s, 0 corrupted bytes"
          % (n, stats["bytes"] / 2**20, SECONDS))


def mappings(mount):
    out = []
    for line in open(mount + "/container"):
        w = line.split()
        if w and w[0] == "mapping":
            out.append((int(w[1], 16), int(w[2], 16), w[5] if len(w) > 5 else ""))
    return out


def overlaps(spans):
    spans = sorted(spans)
    return [(a, b) for a, b in zip(spans, spans[1:]) if b[0] <= a[1]]


def buffer_churn(mount, nthreads="4"):
    """Threads create, size, write, read back and unlink dma/ buffers for
    SECONDS; the container's mappings never overlap; none is left over."""
    n = int(nthreads)
    before = [m for m in mappings(mount) if m[2].startswith("churn")]
    check(not before, "churn buffers before the start: %r" % before)
    stats = {"buffers": 0, "corrupt": 0, "errors": [], "overlaps": []}
    lock = threading.Lock()
    end = time.monotonic() + SECONDS

    def churner(i):
        k = 0
        try:
            while time.monotonic() < end:
                path = "%s/dma/churn%d_%d" % (mount, i, k)
                k += 1
                size = random.randrange(1, 65) * 4096
                fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
                try:
                    os.ftruncate(fd, size)
                    data = os.urandom(size)
                    check(os.pwrite(fd, data, 0) == size, "short write")
                    got = os.pread(fd, size, 0)
                finally:
                    os.close(fd)
                os.unlink(path)
                with lock:
                    stats["buffers"] += 1
                    if got != data:
                        stats["corrupt"] += sum(1 for a, b in zip(got, data) if a != b) or 1
        except (OSError, Fail) as e:
            with lock:
                stats["errors"].append("thread %d: %s" % (i, e))

    def watcher():
        while time.monotonic() < end:
            bad = overlaps([(a, b) for a, b, _ in mappings(mount)])
            if bad:
                with lock:
                    stats["overlaps"].append(bad)
            time.sleep(0.05)

    run_threads([lambda i=i: churner(i) for i in range(n)] + [watcher])
    check(not stats["errors"], "; ".join(stats["errors"]))
    check(stats["corrupt"] == 0, "%d corrupted bytes" % stats["corrupt"])
    check(not stats["overlaps"], "overlapping IOVAs: %r" % stats["overlaps"][:3])
    left = [m for m in mappings(mount) if m[2].startswith("churn")]
    check(not left, "left over in container: %r" % left[:3])
    left = [f for f in os.listdir(mount + "/dma") if f.startswith("churn")]
    check(not left, "left over in dma/: %r" % left[:3])
    print("%d threads, %d buffers, 0 corrupted bytes, 0 overlapping IOVAs, no leftovers"
          % (n, stats["buffers"]))


def irq_storm(dev, nreaders="4", vectors="2"):
    """Several readers of an interrupt storm (software triggers of MSI-X
    vectors, as fast as they go for SECONDS): every reader counts exactly
    what the kernel delivered, as info's irq.vector.N.count says."""
    nr, nv = int(nreaders), int(vectors)
    irq_cmd(dev, "msix %d" % nv)
    fds = [os.open(dev + "/irq", os.O_RDONLY) for _ in range(nr)]
    counts = [dict() for _ in range(nr)]
    done = threading.Event()
    sent = [0] * nv

    def reader(i):
        while True:
            ready = select.select([fds[i]], [], [], 0.5)[0]
            if not ready:
                if done.is_set():
                    return
                continue
            for line in os.read(fds[i], 4096).decode().splitlines():
                mode, vec, count = line.split()
                counts[i][int(vec)] = counts[i].get(int(vec), 0) + int(count)

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(nr)]
    for t in threads:
        t.start()
    end = time.monotonic() + SECONDS
    while time.monotonic() < end:
        v = random.randrange(nv)
        irq_cmd(dev, "trigger %d" % v)
        sent[v] += 1
    # The daemon counts what the kernel signalled as it reads it: wait (bounded)
    # until it has counted every trigger and each reader has read it all.
    deadline = time.monotonic() + 10
    while True:
        delivered = {v: int(info(dev).get("irq.vector.%d.count" % v, "0")) for v in range(nv)}
        settled = delivered == {v: sent[v] for v in range(nv)} and all(
            counts[i].get(v, 0) == delivered[v] for i in range(nr) for v in range(nv))
        if settled or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    done.set()
    for t in threads:
        t.join(5)
    for fd in fds:
        os.close(fd)
    irq_cmd(dev, "off")
    check(delivered == {v: sent[v] for v in range(nv)},
          "the kernel delivered %r, %r triggered" % (delivered, sent))
    for i in range(nr):
        check(counts[i] == {v: sent[v] for v in range(nv) if sent[v]},
              "reader %d counted %r, delivered %r" % (i, counts[i], delivered))
    print("%d readers each counted all %d interrupts on %d vectors" % (nr, sum(sent), nv))


def rmdir_under_load(mount, victim, other, nclients="4"):
    """Clients hammer the victim's bar0 (and one the other device's) through
    descriptors opened before; rmdir of the victim mid-way: its clients get
    only ENODEV after it, the other device's client no error at all, and
    mkdir brings the victim back."""
    n = int(nclients)
    vdir, odir = mount + "/" + victim, mount + "/" + other
    stop = threading.Event()
    errs = {"victim": {}, "other": {}, "bad": []}
    lock = threading.Lock()

    def hammer(dev, key):
        fd = os.open(dev + "/bar0", os.O_RDONLY)
        try:
            while not stop.is_set():
                try:
                    v = struct.unpack("<I", os.pread(fd, 4, 0))[0]
                    if v != 0x010000ed:
                        with lock:
                            errs["bad"].append("%s read %#x" % (key, v))
                except OSError as e:
                    name = errno.errorcode.get(e.errno, str(e.errno))
                    with lock:
                        errs[key][name] = errs[key].get(name, 0) + 1
        finally:
            os.close(fd)

    threads = [threading.Thread(target=hammer, args=(vdir, "victim"), daemon=True) for _ in range(n)]
    threads.append(threading.Thread(target=hammer, args=(odir, "other"), daemon=True))
    for t in threads:
        t.start()
    time.sleep(SECONDS / 3)
    t0 = time.monotonic()
    os.rmdir(vdir)
    took = time.monotonic() - t0
    time.sleep(SECONDS / 3)
    stop.set()
    for t in threads:
        t.join(10)
        check(not t.is_alive(), "a client hangs after rmdir")
    check(not errs["bad"], "; ".join(errs["bad"][:3]))
    check(set(errs["victim"]) <= {"ENODEV"}, "the victim's clients got %r" % errs["victim"])
    check(errs["victim"].get("ENODEV", 0) >= n, "not every victim client saw ENODEV: %r" % errs["victim"])
    check(not errs["other"], "the other device's client got %r" % errs["other"])
    os.mkdir(vdir)
    fd = os.open(vdir + "/bar0", os.O_RDONLY)
    v = struct.unpack("<I", os.pread(fd, 4, 0))[0]
    os.close(fd)
    check(v == 0x010000ed, "after mkdir, ident %#x" % v)
    print("rmdir under load of %d clients in %.2f s, only ENODEV for them, the other device "
          "untouched, mkdir brought it back" % (n, took))


def main():
    try:
        globals()[sys.argv[1]](*sys.argv[2:])
    except Fail as e:
        print(e)
        sys.exit(1)


if __name__ == "__main__":
    main()
