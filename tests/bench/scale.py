#!/usr/bin/env python3
"""Scale figures of one vfiofs mount: devices x buffers (tests/bench/scale.sh runs it).

    scale.py VFIOFS WORKDIR SOCKET... --devices 1,16,64 --buffers 4096

For each device count N (the first N sockets, vfio-user servers already
listening), one mount over N devices, then:
  mount       from starting the daemon until the mount shows in /proc/mounts
  read        a 4-byte pread of the first device's bar0 at 0x04 (median of READS)
  create      open(O_CREAT) + ftruncate(4096) of one buffer (median over BUFFERS)
  ls dma/     listing dma/ with BUFFERS buffers (median of 5)
  container   reading the container file with BUFFERS buffers (median of 5)
  rss, fds    the daemon's VmRSS and open descriptors with BUFFERS buffers
  attach      one more device attached late (user.vfio.attach): it receives
              every existing buffer before it shows (the last socket given,
              unused by the mounts); detached again (rmdir) before free
  free        unlink of one buffer (median over BUFFERS)
  cpu         CPU time (user + system) per buffer created, of the daemon and
              of all the mount's servers together: on a machine with fewer
              cores than servers their sum, not one round trip, is the floor
  bare        the same servers driven by a bare client (vfu_fanout, no FUSE,
              no vfiofs code: memfd, DMA_MAP to all, then every reply; the
              same for DMA_UNMAP), median per buffer: the floor any client
              pays on this machine; create - bare map and free - bare unmap
              are what vfiofs adds to it
Each figure is printed with its ratio to the one-device figure of this run.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time


def mounted(mnt):
    with open("/proc/mounts") as f:
        return any(line.split()[1] == mnt for line in f)


def wait(cond, seconds, what):
    end = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > end:
            sys.exit("scale.py: timed out: " + what)
        time.sleep(0.001)


def median_us(samples):
    return statistics.median(samples) * 1e6


def daemon_usage(pid):
    rss = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return rss, len(os.listdir("/proc/%d/fd" % pid))


def cpu_s(pid):
    """User + system CPU seconds of a process so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn, n):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def one_mount(args, work, sockets, late, servers):
    mnt = os.path.join(work, "mnt%d" % len(sockets))
    os.makedirs(mnt, exist_ok=True)
    opts = ",".join("vfio_user=" + s for s in sockets)
    log = open(mnt + ".log", "w")
    t0 = time.perf_counter()
    daemon = subprocess.Popen([args.vfiofs, mnt, "-f", "-o", opts], stderr=log)
    wait(lambda: mounted(mnt) or daemon.poll() is not None, 60, "mount")
    fig = {"mount": (time.perf_counter() - t0) * 1e3}
    if daemon.poll() is not None:
        sys.exit("scale.py: the daemon exited; see " + mnt + ".log")
    try:
        dev = sorted(d for d in os.listdir(mnt) if os.path.exists(os.path.join(mnt, d, "bar0")))[0]
        bar0 = os.open(os.path.join(mnt, dev, "bar0"), os.O_RDONLY)
        fig["read"] = median_us(timed(lambda: os.pread(bar0, 4, 4), args.reads))
        os.close(bar0)

        dma = os.path.join(mnt, "dma")
        names = [os.path.join(dma, "b%05d" % i) for i in range(args.buffers)]
        create = []
        cpu0 = cpu_s(daemon.pid), sum(cpu_s(p) for p in servers)
        for p in names:
            t = time.perf_counter()
            fd = os.open(p, os.O_CREAT | os.O_RDWR, 0o600)
            os.ftruncate(fd, 4096)
            os.close(fd)
            create.append(time.perf_counter() - t)
        fig["create"] = median_us(create)
        fig["cpu_daemon"] = (cpu_s(daemon.pid) - cpu0[0]) / len(names) * 1e6
        fig["cpu_servers"] = (sum(cpu_s(p) for p in servers) - cpu0[1]) / len(names) * 1e6
        fig["ls"] = median_us(timed(lambda: os.listdir(dma), 5)) / 1e3

        def read_container():
            with open(os.path.join(mnt, "container"), "rb") as f:
                while f.read(1 << 16):
                    pass
        fig["container"] = median_us(timed(read_container, 5)) / 1e3
        fig["rss"], fig["fds"] = daemon_usage(daemon.pid)
        if late:
            t = time.perf_counter()
            os.setxattr(mnt, "user.vfio.attach", late.encode())
            fig["attach"] = (time.perf_counter() - t) * 1e3
            # Gone again, so that unlink is measured over the mount's own devices.
            os.rmdir(os.path.join(mnt, os.path.basename(late)[:-len(".sock")]))
        free = []
        for p in names:
            t = time.perf_counter()
            os.unlink(p)
            free.append(time.perf_counter() - t)
        fig["free"] = median_us(free)
    finally:
        subprocess.run(["fusermount3", "-u", mnt])
        try:
            daemon.wait(60)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
    if args.fanout:
        out = subprocess.run([args.fanout, str(min(args.buffers, 1024))] + sockets,
                             capture_output=True, text=True, check=True).stdout.split()
        fig["bare_map"], fig["bare_unmap"] = float(out[2]), float(out[6])
        fig["own_create"] = fig["create"] - fig["bare_map"]
        fig["own_free"] = fig["free"] - fig["bare_unmap"]
    return fig


ROWS = [
    ("mount", "mount (ms)", "%.1f"),
    ("read", "4-byte register read, median (us)", "%.1f"),
    ("create", "create + size one 4 KiB buffer, median (us)", "%.0f"),
    ("free", "unlink one buffer, median (us)", "%.0f"),
    ("bare_map", "bare client: 4 KiB memfd + DMA_MAP to every server, median (us)", "%.0f"),
    ("bare_unmap", "bare client: DMA_UNMAP from every server, median (us)", "%.0f"),
    ("own_create", "vfiofs's own share of a create (create - bare map, us)", "%.0f"),
    ("own_free", "vfiofs's own share of an unlink (unlink - bare unmap, us)", "%.0f"),
    ("cpu_daemon", "daemon CPU per buffer created (us)", "%.0f"),
    ("cpu_servers", "servers' CPU per buffer created, all servers (us)", "%.0f"),
    ("attach", "late attach of one more device, all buffers (ms)", "%.1f"),
    ("ls", "ls dma/ (ms)", "%.2f"),
    ("container", "read container (ms)", "%.2f"),
    ("rss", "daemon RSS (KiB)", "%d"),
    ("fds", "daemon descriptors", "%d"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vfiofs")
    ap.add_argument("work")
    ap.add_argument("sockets", nargs="+")
    ap.add_argument("--devices", default="1,16,64")
    ap.add_argument("--buffers", type=int, default=4096)
    ap.add_argument("--reads", type=int, default=2000)
    ap.add_argument("--fanout", help="the bare client (tests/bench/vfu_fanout) to measure the floor with")
    args = ap.parse_args()
    counts = [int(n) for n in args.devices.split(",")]
    if max(counts) + 1 > len(args.sockets):
        sys.exit("scale.py: %d sockets for up to %d devices and one late attach"
                 % (len(args.sockets), max(counts)))
    late = args.sockets[-1]
    # The servers' process ids, in the order of the sockets (for their CPU time).
    with open(os.path.join(args.work, "pids")) as f:
        pids = [int(line) for line in f]
    figs = {}
    for n in counts:
        figs[n] = one_mount(args, args.work, args.sockets[:n], late, pids[:n])
        print("# %d devices: %s" % (n, " ".join("%s=%.4g" % kv for kv in sorted(figs[n].items()))),
              flush=True)
    base = figs[counts[0]]
    print("| %d buffers | %s |" % (args.buffers, " | ".join("%d device%s" % (n, "" if n == 1 else "s")
                                                        for n in counts)))
    print("|---|%s" % ("---|" * len(counts)))
    for key, text, fmt in ROWS:
        cells = []
        if key not in base:
            continue
        for n in counts:
            v = figs[n][key]
            cell = fmt % v
            if n != counts[0]:
                cell += " (%.2fx)" % (v / base[key] if base[key] else float("nan"))
            cells.append(cell)
        print("| %s | %s |" % (text, " | ".join(cells)))


if __name__ == "__main__":
    main()
