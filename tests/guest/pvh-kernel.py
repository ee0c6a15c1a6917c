#!/usr/bin/env python3
"""Turn an x86 bzImage into the uncompressed vmlinux ELF inside it, if that
ELF can be booted directly by QEMU through PVH.

    pvh-kernel.py BZIMAGE OUTPUT

Why: under TCG the guest decompresses an xz bzImage slowly and boots it
through the real-mode path of the firmware; QEMU's `-kernel vmlinux` with a
PVH entry point (CONFIG_PVH) skips both and halves the testbed's boot time.

The compressed payload's place is given by the bzImage setup header
(Documentation/x86/boot.rst): setup_sects at 0x1f1, payload_offset and
payload_length at 0x248 and 0x24c, relative to the protected-mode code that
starts at (setup_sects + 1) * 512. Exits 1, writing nothing, when the image
is not of that form or the kernel has no PVH entry note.
"""
import lzma
import os
import struct
import subprocess
import sys
import zlib

XEN_ELFNOTE_PHYS32_ENTRY = 18   # the note QEMU looks for to boot PVH
PT_NOTE = 4


def fail(msg: str) -> None:
    print(f"pvh-kernel.py: {msg}", file=sys.stderr)
    sys.exit(1)


def payload(image: bytes) -> bytes:
    if image[0x202:0x206] != b"HdrS":
        fail("not a bzImage (no HdrS setup header)")
    setup_sects = image[0x1F1] or 4
    offset, length = struct.unpack_from("<II", image, 0x248)
    start = (setup_sects + 1) * 512 + offset
    return image[start:start + length]


def decompress(data: bytes) -> bytes:
    # Each decoder stops at the end of its first stream: the kernel build
    # appends the decompressed size after it, which is not a stream.
    if data.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data)
    if data.startswith(b"\x1f\x8b"):
        return zlib.decompressobj(wbits=31).decompress(data)
    if data.startswith(b"\x28\xb5\x2f\xfd"):
        return subprocess.run(["zstd", "-qdc"], input=data, check=True,
                              stdout=subprocess.PIPE).stdout
    fail(f"unsupported payload compression (magic {data[:6].hex()})")
    return b""


def has_pvh_note(elf: bytes) -> bool:
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        return False                     # not ELF64 little-endian
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from(
            "<IIQQQQ", elf, phoff + i * phentsize)
        if p_type != PT_NOTE:
            continue
        pos, end = p_offset, p_offset + p_filesz
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", elf, pos)
            name = elf[pos + 12:pos + 12 + namesz].rstrip(b"\0")
            if name == b"Xen" and ntype == XEN_ELFNOTE_PHYS32_ENTRY:
                return True
            pos += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
    return False


def main() -> int:
    if len(sys.argv) != 3:
        print(f"usage: {sys.argv[0]} BZIMAGE OUTPUT", file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        vmlinux = decompress(payload(f.read()))
    if not has_pvh_note(vmlinux):
        fail("the kernel has no PVH entry point (CONFIG_PVH)")
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "wb") as f:
        f.write(vmlinux)
    os.replace(tmp, sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
