#!/usr/bin/env python3
"""Raw clients of vfiofs's hand-off socket, for tests/user/t_vfu_handoff.sh.

    ask SOCK REQUEST             one request (sent as given, plus a newline);
                                 prints the answer line and "fds=N"
    slow SOCK N SECONDS          N clients that send one byte a second for
                                 SECONDS (never a newline); prints how many
                                 the daemon cut off before the end
    idle SOCK N SECONDS          opens up to N connections that send nothing,
                                 holds them SECONDS; prints "opened N refused N"
"""
import os
import resource
import socket
import sys
import time


def ask(sock, request):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(sock)
        s.sendall(request.encode("latin-1") + b"\n")
        line, fds, _, _ = socket.recv_fds(s, 1024, 2)
    for fd in fds:
        os.close(fd)
    print(line.decode("latin-1").strip(), "fds=%d" % len(fds))


def slow(sock, n, seconds):
    conns = []
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock)
        conns.append(s)
    cut = set()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for i, s in enumerate(conns):
            try:
                s.send(b"m", socket.MSG_NOSIGNAL)
            except OSError:
                cut.add(i)
        time.sleep(1)
    print(len(cut))


def idle(sock, n, seconds):
    resource.setrlimit(resource.RLIMIT_NOFILE, (n + 64, n + 64))
    conns, refused = [], 0
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect(sock)
            conns.append(s)
        except OSError:
            refused += 1
            s.close()
    print("opened %d refused %d" % (len(conns), refused), flush=True)
    time.sleep(seconds)


if __name__ == "__main__":
    verb, sock = sys.argv[1], sys.argv[2]
    if verb == "ask":
        ask(sock, sys.argv[3])
    elif verb == "slow":
        slow(sock, int(sys.argv[3]), float(sys.argv[4]))
    else:
        idle(sock, int(sys.argv[3]), float(sys.argv[4]))
