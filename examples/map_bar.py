#!/usr/bin/env python3
"""Map a BAR of a vfiofs mount into this process and read a register,
with nothing but the standard library: the descriptor hand-off in ~20 lines.

    python3 examples/map_bar.py /mnt/vfio/0000:00:03.0/bar0 [OFFSET]

prints the 32-bit register at OFFSET (default 0; on QEMU's edu that is the
ident 0x010000ed). The wire format is in vfiofs(1), DIRECT MAPPING.
"""
import mmap
import os
import socket
import sys


def wire_path(path):
    """path as a request writes it: space, backslash and control bytes as \\ooo (vfiofs(1))."""
    return b"".join(bytes([c]) if c > 0x20 and c not in (0x5c, 0x7f) else b"\\%03o" % c
                    for c in os.fsencode(path))


def hand_off_socket(path):
    """The nearest directory above path that names the daemon's socket."""
    d = os.path.dirname(os.path.realpath(path))
    while True:
        try:
            return os.getxattr(d, "user.vfio.socket").decode()
        except OSError:
            if d == "/":
                sys.exit("%s is not inside a vfiofs mount" % path)
            d = os.path.dirname(d)


def map_area(path, offset):
    """(mmap object, offset of its first byte in the file) for the area holding offset."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(hand_off_socket(path))
        s.sendall(b"map %s %d\n" % (wire_path(os.path.realpath(path)), offset))
        line, fds, _, _ = socket.recv_fds(s, 1024, 1)
    words = line.decode().split()
    if words[0] != "ok":
        sys.exit("%s: %s" % (path, " ".join(words[1:])))
    fd_offset, length, prot, start = int(words[1]), int(words[2]), words[3], int(words[4])
    access = mmap.PROT_READ | (mmap.PROT_WRITE if "w" in prot else 0)
    area = mmap.mmap(fds[0], length, mmap.MAP_SHARED, access, offset=fd_offset)
    os.close(fds[0])
    return area, start


def main():
    path = sys.argv[1]
    offset = int(sys.argv[2], 0) if len(sys.argv) > 2 else 0
    area, start = map_area(path, offset)
    # A memoryview cast to 32-bit words reads each one with a single 4-byte load.
    words = memoryview(area).cast("I")
    print("%s+%#x: 0x%08x" % (os.path.basename(path), offset, words[(offset - start) // 4]))
    words.release()
    area.close()


if __name__ == "__main__":
    main()
