#!/usr/bin/env python3
"""Map a BAR of a vfiofs mount into this process and read a register,
with nothing but the standard library: the descriptor comes from the
hand-off socket (vfiofs_handoff.py, beside this file), the rest is mmap.

    python3 examples/map_bar.py /mnt/vfio/0000:00:03.0/bar0 [OFFSET]

prints the 32-bit register at OFFSET (default 0; on QEMU's edu that is the
ident 0x010000ed). The wire format is in vfiofs(1), DIRECT MAPPING.
"""
import mmap
import os
import sys

import vfiofs_handoff


def map_area(path, offset):
    """(mmap object, offset of its first byte in the file) for the area holding offset."""
    hold, words, fds = vfiofs_handoff.request("map", path, offset, 1)
    hold.close()
    fd_offset, length, prot, start = int(words[0]), int(words[1]), words[2], int(words[3])
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
