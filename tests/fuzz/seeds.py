#!/usr/bin/env python3
"""Writes a small seed corpus per fuzz target into DIR/<target>/ (valid messages to mutate)."""
import os
import struct
import sys


def version(json):
    return struct.pack('<HH', 0, 2) + json.encode() + b'\0'


def region_info(size, areas):
    caps = struct.pack('<HHIII', 1, 1, 0, len(areas), 0)
    caps += b''.join(struct.pack('<QQ', o, s) for o, s in areas)
    # argsz, flags (read|write|mmap|caps), index, cap_offset, size, offset
    return struct.pack('<IIIIQQ', 32 + len(caps), 0xf, 2, 32, size, 0x20000) + caps


SEEDS = {
    'header': [struct.pack('<HHIII', 1, 9, 24, 1, 0), struct.pack('<HHIII', 2, 11, 32, 0, 0),
               struct.pack('<HHIII', 3, 8, 16, 0x21, 22)],
    'version': [version('{"capabilities":{"max_msg_fds":8,"max_data_xfer_size":1048576,'
                        '"migration":{"pgsize":4096}}}'),
                version('{"capabilities":{"twin_socket":{"supported":true,"fd_index":0}}}'),
                version('{}'), struct.pack('<HH', 0, 2)],
    'region_info': [region_info(0x10000, [(0, 0x4000), (0x8000, 0x4000)]),
                    region_info(0x4000, [(0, 0x1000), (0x2000, 0x1000)]),
                    struct.pack('<IIIIQQ', 32, 3, 7, 0, 256, 0)],
    'info': [struct.pack('<IIII', 16, 3, 9, 5), struct.pack('<IIII', 16, 1, 0, 1)],
    'dma': [struct.pack('<HQQ', 11, 0x1000, 4), struct.pack('<HQQ', 12, 0x1000, 4) + b'abcd'],
    'region_reply': [b'\1' + struct.pack('<QII', 0x10, 2, 4) + b'wxyz',
                     b'\0' + struct.pack('<QII', 0x10, 2, 4)],
    'handoff_request': [b'map /mnt/vfio/0000:00:03.0/bar0 0x100', b'map dma/a\\040b',
                        b'irq /mnt/vfio/0000:00:03.0/irq 3', b'map /m/x 18446744073709551615',
                        b'map /m\\134/x\\012 010'],
    'xattr_iova': [b'0x100000', b'"0x100000"', b' 4096\n', b'0x1000\0', b'0x1000\0junk'],
    'xattr_attach': [b'0000:00:03.0', b'00:03.0\n', b'/tmp/edu.sock', b'0000:00:03.0\0'],
}

if __name__ == '__main__':
    for target, seeds in SEEDS.items():
        d = os.path.join(sys.argv[1], target)
        os.makedirs(d, exist_ok=True)
        for i, seed in enumerate(seeds):
            with open(os.path.join(d, 'seed%d' % i), 'wb') as f:
                f.write(seed)
