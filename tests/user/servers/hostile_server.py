#!/usr/bin/env python3
"""A hostile vfio-user server, for hostile-input tests only.

    hostile_server.py [-v] [--no-twin] MODE SOCKET

Behaves like a plain device until the client reads BAR0 (region 0), then
misbehaves as MODE says:

  garbage      answers with random bytes instead of a reply
  truncated    a reply header announcing more bytes than are sent, then close
  oversized    a reply header whose size field is 0x7fffffff
  wrong-id     the reply carries another message id
  unexpected   first a reply to a command never sent, then the proper reply
  unexpected-cmd  first a server request of a command the client never
               serves (DEVICE_GET_INFO), then the proper reply
  short-reply  a well-framed reply carrying fewer data bytes than asked
  long-reply   a well-framed reply carrying 4 KiB more data than asked
  silent       never replies (the connection stays open)
  die          exits in the middle of the request
  dma-outside  sends DMA_READ of an address outside every mapping, DMA_WRITE
               and DMA_READ of absurd counts, logs what the client answered,
               then answers the read normally
  dma-flood    floods the client with DMA_READ requests it never reads the
               answers to (until the socket is full), then answers the read
  bad-version  malformed JSON in the VERSION reply (nothing attaches)
  bad-caps     well-formed JSON, capabilities of the wrong types (nothing attaches)
  silent-version  never answers VERSION (nothing attaches, after the timeout)
  die-attach   exits on the first REGION_INFO (during the attach)
  reset-512    answers DEVICE_RESET with the error flag and error 512 (an
               errno the kernel refuses in a FUSE reply)
  irq-600      answers DEVICE_SET_IRQS with error 600
  info-512     answers DEVICE_GET_INFO with error 512 (nothing attaches)
  drop-map     keeps the first DMA_MAP but never answers it
  unmap-fail   answers the first DMA_UNMAP with error 600 and keeps the mapping
  good         never misbehaves (to check the harness itself)

These last five misbehave at once, not after BAR0 is read. Like
libvfio-user, the server refuses a DMA_MAP that overlaps one it holds
(EEXIST), so a mapping the client lost track of shows.

The device: vendor 0x1234 device 0xbad0, one 4 KiB BAR0 (reads give
0x0badc0de in every 32-bit word), 256 bytes of config space, INTx only.
Serves clients one after another; prints "ready" once listening.
Standard library only.
"""
import array
import json
import os
import random
import select
import socket
import struct
import sys

from vfu_wire import HDR, recv_exact
VERSION, DMA_MAP, DMA_UNMAP, GET_INFO, REGION_INFO, IRQ_INFO = 1, 2, 3, 4, 5, 7
SET_IRQS, REGION_READ, REGION_WRITE, DMA_READ, DMA_WRITE, RESET = 8, 9, 10, 11, 12, 13
REPLY, NO_REPLY, ERROR = 1, 0x10, 0x20
MAX_MSG = 1024 * 1024 + 32
BAR0_SIZE, CONFIG_SIZE, CONFIG_INDEX, NUM_REGIONS, NUM_IRQS = 4096, 256, 7, 9, 5
MODES = ("garbage", "truncated", "oversized", "wrong-id", "unexpected", "unexpected-cmd", "short-reply", "long-reply",
         "silent", "die", "dma-outside", "dma-flood", "bad-version", "bad-caps", "silent-version", "die-attach",
         "reset-512", "irq-600", "info-512", "drop-map", "unmap-fail", "good")
# The error a mode answers a command with at once: mode -> (command, errno).
ERROR_MODES = {"reset-512": (RESET, 512), "irq-600": (SET_IRQS, 600), "info-512": (GET_INFO, 512)}

verbose = False


def log(*args):
    if verbose:
        print("hostile:", *args, file=sys.stderr, flush=True)


def config_space():
    c = bytearray(CONFIG_SIZE)
    struct.pack_into("<HHHH", c, 0, 0x1234, 0xBAD0, 0x0000, 0x0010)  # ids, command, status
    c[8] = 0x01                                   # revision
    c[9:12] = bytes((0x00, 0x00, 0xFF))           # class 0xff0000
    struct.pack_into("<I", c, 0x10, 0x00000000)   # BAR0: 32-bit memory
    struct.pack_into("<HH", c, 0x2C, 0x1AF4, 0xBAD1)  # subsystem
    c[0x3D] = 1                                   # INTA#
    return c


class Conn:
    """One client: its main socket, and the twin for our own requests."""

    def __init__(self, sock, mode, twin_wanted):
        self.sock = sock
        self.mode = mode
        self.twin_wanted = twin_wanted
        self.twin = None            # our end of the twin socket, once offered
        self.config = config_space()
        self.maps = []              # (iova, size) from DMA_MAP
        self.next_id = 1
        self.dropped = False        # drop-map, unmap-fail: misbehaved once

    # -- framing ---------------------------------------------------------------

    def recv_exact(self, sock, n):
        fds = []
        data = recv_exact(sock, n, fds)
        for fd in fds:                  # descriptors are not needed here
            os.close(fd)
        return data

    def recv_msg(self, sock):
        h = HDR.unpack(self.recv_exact(sock, HDR.size))
        if h[2] < HDR.size or h[2] > MAX_MSG:
            raise EOFError("client sent a message of size %d" % h[2])
        return h, self.recv_exact(sock, h[2] - HDR.size)

    def send(self, sock, msg_id, cmd, payload=b"", flags=REPLY, error=0, fds=()):
        data = HDR.pack(msg_id, cmd, HDR.size + len(payload), flags, error) + payload
        anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
        sock.sendmsg([data], anc)

    def reply_error(self, h, errno_):
        self.send(self.sock, h[0], h[1], flags=REPLY | ERROR, error=errno_)

    # -- the device --------------------------------------------------------------

    def version(self, h, payload):
        major, minor = struct.unpack_from("<HH", payload)
        try:
            client = json.loads(payload[4:].split(b"\0", 1)[0] or b"{}")
        except ValueError:
            client = {}
        log("client VERSION %d.%d %s" % (major, minor, client))
        if self.mode == "silent-version":
            return
        caps = {"max_msg_fds": 8, "max_data_xfer_size": 1048576, "migration": {"pgsize": 4096}}
        fds = []
        wants_twin = client.get("capabilities", {}).get("twin_socket", {}).get("supported")
        if self.twin_wanted and wants_twin:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            self.twin = ours
            caps["twin_socket"] = {"supported": True, "fd_index": 0}
            fds = [theirs.fileno()]
        if self.mode == "bad-version":
            text = b'{"capabilities": {"max_msg_fds": 8, "max_data_xfer_size": ]\0'
        elif self.mode == "bad-caps":
            text = b'{"capabilities": {"max_msg_fds": "eight", "max_data_xfer_size": -1}}\0'
        else:
            text = json.dumps({"capabilities": caps}).encode() + b"\0"
        self.send(self.sock, h[0], VERSION, struct.pack("<HH", 0, 2) + text, fds=fds)
        if fds:
            theirs.close()

    def region_info(self, h, payload):
        argsz, _, index = struct.unpack_from("<III", payload)
        if self.mode == "die-attach":
            log("dying during the attach")
            os._exit(3)
        size = {0: BAR0_SIZE, CONFIG_INDEX: CONFIG_SIZE}.get(index, 0)
        if index >= NUM_REGIONS:
            return self.reply_error(h, 22)
        flags = 3 if size else 0    # read, write; never mmap-able
        self.send(self.sock, h[0], h[1],
                  struct.pack("<IIIIQQ", 32, flags, index, 0, size, index << 40))

    def irq_info(self, h, payload):
        _, _, index = struct.unpack_from("<III", payload)
        if index >= NUM_IRQS:
            return self.reply_error(h, 22)
        self.send(self.sock, h[0], h[1], struct.pack("<IIII", 16, 1, index, 1 if index == 0 else 0))

    def region_read(self, h, payload):
        offset, region, count = struct.unpack_from("<QII", payload)
        if region == CONFIG_INDEX and offset + count <= CONFIG_SIZE:
            data = bytes(self.config[offset: offset + count])
        elif region == 0 and offset + count <= BAR0_SIZE:
            data = (struct.pack("<I", 0x0BADC0DE) * (BAR0_SIZE // 4))[offset: offset + count]
            log("REGION_READ of BAR0 at 0x%x, %d bytes: %s" % (offset, count, self.mode))
            if self.misbehave(h, payload, data):
                return
        else:
            return self.reply_error(h, 22)
        self.send(self.sock, h[0], h[1], payload[:16] + data)

    def region_write(self, h, payload):
        offset, region, count = struct.unpack_from("<QII", payload)
        data = payload[16: 16 + count]
        if region == CONFIG_INDEX and offset + count <= CONFIG_SIZE and len(data) == count:
            if offset >= 4:             # ids stay; command and the rest take writes
                self.config[offset: offset + count] = data
        elif not (region == 0 and offset + count <= BAR0_SIZE):
            return self.reply_error(h, 22)
        self.send(self.sock, h[0], h[1], payload[:16])

    def dma_map(self, h, payload):
        _, _, _, iova, size = struct.unpack_from("<IIQQQ", payload)
        if any(iova < i + s and i < iova + size for i, s in self.maps):
            log("DMA_MAP 0x%x + 0x%x overlaps a mapping held: refused" % (iova, size))
            return self.reply_error(h, 17)      # EEXIST
        self.maps.append((iova, size))
        log("DMA_MAP 0x%x + 0x%x" % (iova, size))
        if self.mode == "drop-map" and not self.dropped:
            self.dropped = True
            log("kept the mapping, dropped the reply")
            return
        self.send(self.sock, h[0], h[1])

    def dma_unmap(self, h, payload):
        _, flags, iova, size = struct.unpack_from("<IIQQ", payload)
        if self.mode == "unmap-fail" and not self.dropped:
            self.dropped = True
            log("DMA_UNMAP 0x%x + 0x%x refused with 600, mapping kept" % (iova, size))
            return self.reply_error(h, 600)
        self.maps = [] if flags & 2 else [m for m in self.maps if m != (iova, size)]
        self.send(self.sock, h[0], h[1], payload[:24])

    # -- the misbehaviour ----------------------------------------------------

    def misbehave(self, h, payload, data):
        """Returns True when the proper reply must not be sent."""
        m, sock, msg_id = self.mode, self.sock, h[0]
        if m == "garbage":
            sock.sendall(os.urandom(64))
        elif m == "truncated":
            sock.sendall(HDR.pack(msg_id, h[1], HDR.size + 16 + len(data) + 64, REPLY, 0) + payload[:8])
            raise EOFError("closing after a truncated reply")
        elif m == "oversized":
            sock.sendall(HDR.pack(msg_id, h[1], 0x7FFFFFFF, REPLY, 0) + payload[:16] + data)
        elif m == "wrong-id":
            self.send(sock, (msg_id + 1) & 0xFFFF, h[1], payload[:16] + data)
        elif m == "short-reply":
            ra = bytearray(payload[:16])
            struct.pack_into("<I", ra, 12, len(data) // 2)
            self.send(sock, msg_id, h[1], bytes(ra) + data[: len(data) // 2])
        elif m == "long-reply":
            ra = bytearray(payload[:16])
            struct.pack_into("<I", ra, 12, len(data) + 4096)
            self.send(sock, msg_id, h[1], bytes(ra) + data + os.urandom(4096))
        elif m == "unexpected":
            self.send(sock, (msg_id + 0x4000) & 0xFFFF, REGION_WRITE, payload[:16])
            return False
        elif m == "unexpected-cmd":
            self.send(self.twin or sock, self.take_id(), GET_INFO, struct.pack("<IIII", 16, 0, 0, 0),
                      flags=0)
            return False
        elif m == "silent":
            pass
        elif m == "die":
            sock.sendall(HDR.pack(msg_id, h[1], HDR.size + 16 + len(data), REPLY, 0)[:10])
            log("dying mid-request")
            os._exit(3)
        elif m == "dma-outside":
            self.dma_outside()
            return False
        elif m == "dma-flood":
            self.dma_flood()
            return False
        else:
            return False
        return True

    def take_id(self):
        self.next_id = (self.next_id + 1) & 0xFFFF
        return self.next_id

    def request(self, cmd, payload):
        """Sends a server request and logs the client's answer (bounded wait)."""
        sock, msg_id = self.twin or self.sock, self.take_id()
        self.send(sock, msg_id, cmd, payload, flags=0)
        if not select.select([sock], [], [], 5)[0]:
            log("no answer to command %d within 5 s" % cmd)
            return
        h, body = self.recv_msg(sock)
        log("client answered command %d: id %d flags 0x%x error %d, %d bytes" %
            (h[1], h[0], h[3], h[4], len(body)))

    def dma_outside(self):
        end = max([iova + size for iova, size in self.maps] + [0])
        outside = ((end + (1 << 30)) & ~0xFFF) if end < (1 << 62) else 0x1000
        inside = self.maps[0][0] if self.maps else 0
        self.request(DMA_READ, struct.pack("<QQ", outside, 4096))
        self.request(DMA_WRITE, struct.pack("<QQ", outside, 8) + b"hostile!")
        # absurd counts at an address inside a mapping: the payload is what it is
        self.request(DMA_WRITE, struct.pack("<QQ", inside, 1 << 62) + b"x" * 64)
        self.request(DMA_READ, struct.pack("<QQ", inside, 1 << 62))
        self.request(DMA_READ, struct.pack("<QQ", (1 << 64) - 8, 16))   # wraps around

    def dma_flood(self):
        sock = self.twin or self.sock
        inside = self.maps[0][0] if self.maps else 0
        sent = 0
        sock.setblocking(False)
        try:
            while sent < 100000:
                data = HDR.pack(self.take_id(), DMA_READ, HDR.size + 16, 0, 0) + struct.pack("<QQ", inside, 4096)
                sock.send(data)     # 32 bytes: whole or not at all on a stream socket with room
                sent += 1
        except BlockingIOError:
            pass
        finally:
            sock.setblocking(True)
        log("flooded the client with %d DMA_READ requests, reading none of the answers" % sent)

    # -- the loop ------------------------------------------------------------

    def serve(self):
        handlers = {VERSION: self.version, REGION_INFO: self.region_info, IRQ_INFO: self.irq_info,
                    REGION_READ: self.region_read, REGION_WRITE: self.region_write,
                    DMA_MAP: self.dma_map, DMA_UNMAP: self.dma_unmap}
        while True:
            h, payload = self.recv_msg(self.sock)
            log("client command %d id %d, %d bytes" % (h[1], h[0], len(payload)))
            if h[3] & 0xF:
                log("ignoring a reply on the main socket")
                continue
            if ERROR_MODES.get(self.mode, (None,))[0] == h[1]:
                log("answering command %d with error %d" % (h[1], ERROR_MODES[self.mode][1]))
                self.reply_error(h, ERROR_MODES[self.mode][1])
            elif h[1] == GET_INFO:
                self.send(self.sock, h[0], h[1], struct.pack("<IIII", 16, 3, NUM_REGIONS, NUM_IRQS))
            elif h[1] in (SET_IRQS, RESET):
                self.send(self.sock, h[0], h[1])
            elif h[1] in handlers:
                try:
                    handlers[h[1]](h, payload)
                except struct.error:
                    self.reply_error(h, 22)
            else:
                self.reply_error(h, 38)   # ENOSYS


def main():
    global verbose
    args = sys.argv[1:]
    twin = True
    while args and args[0].startswith("-"):
        opt = args.pop(0)
        if opt == "-v":
            verbose = True
        elif opt == "--no-twin":
            twin = False
        else:
            args = []
    if len(args) != 2 or args[0] not in MODES:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    mode, path = args
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(4)
    print("ready", flush=True)
    while True:
        sock, _ = listener.accept()
        log("client connected (mode %s)" % mode)
        conn = Conn(sock, mode, twin)
        try:
            conn.serve()
        except (EOFError, OSError) as e:
            log("client gone: %s" % (str(e) or "end of stream"))
        sock.close()
        if conn.twin:
            conn.twin.close()


if __name__ == "__main__":
    main()
