#!/usr/bin/env python3
"""Write a minimal, valid 512-byte PCI expansion ROM image for QEMU's edu
device (1234:11e8), for `-device edu,romfile=FILE`.

Layout (PCI Firmware Spec 3.0, legacy x86 image):
  0x000  55 AA            ROM signature
  0x002  01               image size in 512-byte units
  0x003  CB               entry point: a bare `retf`, so that SeaBIOS,
                          which calls the init vector of every x86 option
                          ROM it finds, returns at once
  0x018  0x0020           offset of the PCI Data Structure
  0x020  "PCIR" ...       PCI Data Structure (24 bytes, revision 0)
  0x040  ASCII marker     ROM_MARKER below, for tests to look for
  0x1FF  checksum         all 512 bytes add up to 0 (mod 256)
"""
import struct
import sys

VENDOR, DEVICE = 0x1234, 0x11E8
CLASS_CODE = (0x00, 0x00, 0xFF)   # prog-if, subclass, base class (edu: 0xff00)
ROM_MARKER = b"VFIOFS-TESTBED EDU OPTION ROM"
SIZE = 512
PCIR_OFFSET = 0x20
MARKER_OFFSET = 0x40


def build() -> bytes:
    rom = bytearray(SIZE)
    rom[0:2] = b"\x55\xaa"
    rom[2] = SIZE // 512
    rom[3] = 0xCB                                     # retf
    struct.pack_into("<H", rom, 0x18, PCIR_OFFSET)
    pcir = struct.pack(
        "<4sHHHHB3BHHBBH",
        b"PCIR",
        VENDOR, DEVICE,
        0,                # vital product data pointer (none)
        24,               # length of this structure
        0,                # structure revision
        *CLASS_CODE,
        SIZE // 512,      # image length in 512-byte units
        1,                # revision level of code/data
        0,                # code type 0: x86 PC-AT compatible
        0x80,             # indicator: last image
        0,                # reserved
    )
    assert len(pcir) == 24
    rom[PCIR_OFFSET:PCIR_OFFSET + len(pcir)] = pcir
    rom[MARKER_OFFSET:MARKER_OFFSET + len(ROM_MARKER)] = ROM_MARKER
    rom[SIZE - 1] = (-sum(rom[:SIZE - 1])) & 0xFF
    assert sum(rom) & 0xFF == 0
    return bytes(rom)


def main() -> int:
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} OUTPUT", file=sys.stderr)
        return 2
    with open(sys.argv[1], "wb") as f:
        f.write(build())
    return 0


if __name__ == "__main__":
    sys.exit(main())
