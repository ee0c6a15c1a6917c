#!/usr/bin/env python3
"""A seeded mutating proxy between vfiofs and a real vfio-user server.

    mutating_proxy.py [-v] --seed N [--rate P] [--max-delay S] [--spare FILE] LISTEN UPSTREAM

Listens on the UNIX socket LISTEN; for each client (vfiofs) it connects to
UPSTREAM (vfu_edu) and relays both ways, descriptors included.  What the
client sends reaches the server unchanged.  What the server sends passes
unchanged until the VERSION reply; after it, each message is mutated with
probability P (default 0.04), in one of these ways:

  header-bit   one bit of the 16-byte header flipped
  payload-bit  one to four bits of the payload flipped
  truncate     only a prefix of the message, then both connections close
  duplicate    the message twice
  drop         the message never sent
  delay        the message (and what follows) held up to --max-delay s
  inject-reply a reply to no request (random id and command) first
  inject-dma   a DMA_READ or DMA_WRITE request of the server's first, at an
               IOVA the client mapped (or a random one); the client's answer
               is not passed to the server.  A DMA_WRITE spares the ranges
               listed in FILE ("IOVA SIZE" lines, read each time): a device
               may write any buffer, but the test keeps one to check
  close        both connections closed between messages

The mutations of client number K (0, 1, ...) follow random.Random of
"SEED:K" alone: the same seed gives the same schedule, message by message.
Prints "ready" once listening, and one line per mutation on stderr with -v.
Serves clients one after another for as long as it runs.  Standard library
only.
"""
import argparse
import array
import os
import random
import socket
import struct
import sys
import threading
import time

from vfu_wire import HDR, recv_exact
VERSION, DMA_MAP, DMA_UNMAP, DMA_READ, DMA_WRITE = 1, 2, 3, 11, 12
REPLY, ERROR = 1, 0x20
MAX_MSG = 2 * 1024 * 1024 + 4096
INJECT_ID = 0xC000                  # ids of the requests the proxy makes up
KINDS = ("header-bit", "payload-bit", "truncate", "duplicate", "drop", "delay", "inject-reply",
         "inject-dma", "close")

verbose = False


def log(*args):
    if verbose:
        print("proxy:", *args, file=sys.stderr, flush=True)


def recv_msg(sock):
    """One whole message: (header tuple, raw bytes, descriptors)."""
    fds = []
    raw = recv_exact(sock, HDR.size, fds)
    h = HDR.unpack(raw)
    if h[2] < HDR.size or h[2] > MAX_MSG:
        raise EOFError
    raw += recv_exact(sock, h[2] - HDR.size, fds)
    return h, raw, fds


def send(sock, data, fds=()):
    anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
    sent = sock.sendmsg([data], anc)
    if sent < len(data):
        sock.sendall(data[sent:])


def close_fds(fds):
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


class Pair:
    """One client and its upstream connection."""

    def __init__(self, client, upstream, rng, args, number):
        self.client, self.upstream = client, upstream
        self.rng, self.args, self.number = rng, args, number
        self.lock = threading.Lock()        # one message at a time onto the client
        self.maps = []                      # (iova, size) the client mapped
        self.injected = set()               # ids of made-up requests awaiting the client's answer
        self.next_inject = 0
        self.handshake_done = False
        self.mutations = 0
        self.closed = False

    def shut(self):
        if not self.closed:
            self.closed = True
            for s in (self.client, self.upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    # -- client -> server: unchanged, learning the mappings ------------------

    def client_to_server(self):
        try:
            while True:
                h, raw, fds = recv_msg(self.client)
                if h[3] & 0xF == REPLY and h[0] in self.injected:
                    self.injected.discard(h[0])         # the answer to a made-up request
                    close_fds(fds)
                    continue
                if h[1] == DMA_MAP and len(raw) >= HDR.size + 32:
                    _, _, _, iova, size = struct.unpack_from("<IIQQQ", raw, HDR.size)
                    self.maps.append((iova, size))
                elif h[1] == DMA_UNMAP and len(raw) >= HDR.size + 24:
                    _, _, iova, size = struct.unpack_from("<IIQQ", raw, HDR.size)
                    self.maps = [m for m in self.maps if m != (iova, size)]
                try:
                    send(self.upstream, raw, fds)
                finally:
                    close_fds(fds)
        except (EOFError, OSError):
            pass
        self.shut()

    # -- server -> client: mutated after the handshake -------------------------

    def to_client(self, data, fds=()):
        with self.lock:
            send(self.client, data, fds)

    def made_up_dma(self):
        r = self.rng
        self.next_inject = (self.next_inject + 1) % 0x1000
        msg_id = INJECT_ID | self.next_inject
        if self.maps and r.random() < 0.7:
            iova, size = r.choice(self.maps)
            addr = iova + r.randrange(0, size + 64)
        else:
            addr = r.getrandbits(r.choice((12, 32, 64)))
        count = r.choice((0, 1, 4, 8, 4096, 65536, r.getrandbits(32), 1 << 62))
        if r.random() < 0.5 or self.spared(addr, count):
            body = struct.pack("<QQ", addr, count)
            cmd = DMA_READ
        else:
            data = os.urandom(min(count, r.choice((0, 8, 64, 4096))))
            body = struct.pack("<QQ", addr, count) + data
            cmd = DMA_WRITE
        self.injected.add(msg_id)
        return HDR.pack(msg_id, cmd, HDR.size + len(body), 0, 0) + body

    def spared(self, addr, count):
        """True if a write at addr of count bytes would reach a range the test keeps."""
        try:
            with open(self.args.spare) as f:
                ranges = [tuple(int(x, 0) for x in line.split()) for line in f if line.strip()]
        except (OSError, TypeError, ValueError):
            return False
        return any(addr < i + s and i < addr + max(count, 1) for i, s in ranges)

    def mutate(self, h, raw, fds):
        """Sends the server's message to the client, maybe mutated; False to close."""
        r = self.rng
        if not self.handshake_done or r.random() >= self.args.rate:
            self.handshake_done = self.handshake_done or h[1] == VERSION
            self.to_client(raw, fds)
            return True
        kind = r.choice(KINDS)
        self.mutations += 1
        log("client %d: %s on command %d id %d (%d bytes)" % (self.number, kind, h[1], h[0], len(raw)))
        b = bytearray(raw)
        if kind == "header-bit":
            bit = r.randrange(HDR.size * 8)
            b[bit // 8] ^= 1 << (bit % 8)
        elif kind == "payload-bit" and len(b) > HDR.size:
            for _ in range(r.randint(1, 4)):
                bit = r.randrange(HDR.size * 8, len(b) * 8)
                b[bit // 8] ^= 1 << (bit % 8)
        elif kind == "truncate":
            self.to_client(bytes(b[: r.randrange(1, len(b))]), fds)
            return False
        elif kind == "duplicate":
            self.to_client(bytes(b), fds)
        elif kind == "drop":
            return True
        elif kind == "delay":
            time.sleep(r.uniform(0, self.args.max_delay))
        elif kind == "inject-reply":
            body = os.urandom(r.choice((0, 8, 16, 64)))
            self.to_client(HDR.pack(r.getrandbits(16), r.randrange(1, 20), HDR.size + len(body),
                                    REPLY | (ERROR if r.random() < 0.5 else 0), r.getrandbits(12)) + body)
        elif kind == "inject-dma":
            self.to_client(self.made_up_dma())
        elif kind == "close":
            return False
        self.to_client(bytes(b), fds)
        return True

    def server_to_client(self):
        try:
            while True:
                h, raw, fds = recv_msg(self.upstream)
                try:
                    if not self.mutate(h, raw, fds):
                        break
                finally:
                    close_fds(fds)
        except (EOFError, OSError):
            pass
        self.shut()


def serve(args):
    try:
        os.unlink(args.listen)
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(args.listen)
    listener.listen(4)
    print("ready", flush=True)
    number = 0
    while True:
        client, _ = listener.accept()
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            upstream.connect(args.upstream)
        except OSError as e:
            log("upstream: %s" % e)
            client.close()
            upstream.close()
            continue
        pair = Pair(client, upstream, random.Random("%d:%d" % (args.seed, number)), args, number)
        log("client %d connected (seed %d)" % (number, args.seed))
        number += 1
        up = threading.Thread(target=pair.client_to_server, daemon=True)
        up.start()
        pair.server_to_client()
        up.join()
        log("client %d gone after %d mutations" % (pair.number, pair.mutations))
        client.close()
        upstream.close()


def main():
    global verbose
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-v", action="store_true")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--rate", type=float, default=0.04)
    p.add_argument("--max-delay", type=float, default=1.5)
    p.add_argument("--spare")
    p.add_argument("listen")
    p.add_argument("upstream")
    args = p.parse_args()
    verbose = args.v
    serve(args)


if __name__ == "__main__":
    main()
