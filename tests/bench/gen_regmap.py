#!/usr/bin/env python3
"""gen_regmap.py N [ipxact|svd] > FILE: a register description with N 32-bit
registers (R0, R1, ... at 4-byte steps from offset 0), each with three
fields (one write-1-to-clear), spread over address blocks of 1000 registers
(peripherals in SVD), as large FPGA designs have them. The attach benchmark
(tests/bench/regmap.sh) attaches it at bar2 of the vfio-user model."""
import sys


def ipxact(n, out):
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n')
    w('<ipxact:component xmlns:ipxact="http://www.accellera.org/XMLSchema/IPXACT/1685-2014">\n')
    w('<ipxact:vendor>example.com</ipxact:vendor><ipxact:library>bench</ipxact:library>\n')
    w(f'<ipxact:name>gen{n}</ipxact:name><ipxact:version>1.0</ipxact:version>\n')
    w('<ipxact:memoryMaps><ipxact:memoryMap><ipxact:name>bar</ipxact:name>\n')
    for first in range(0, n, 1000):
        w(f'<ipxact:addressBlock><ipxact:name>B{first // 1000}</ipxact:name>')
        w(f"<ipxact:baseAddress>'h{4 * first:x}</ipxact:baseAddress>")
        w("<ipxact:range>4000</ipxact:range><ipxact:width>32</ipxact:width>\n")
        for i in range(first, min(n, first + 1000)):
            w(f'<ipxact:register><ipxact:name>R{i}</ipxact:name>'
              f"<ipxact:addressOffset>'h{4 * (i - first):x}</ipxact:addressOffset>"
              '<ipxact:size>32</ipxact:size><ipxact:access>read-write</ipxact:access>\n'
              '<ipxact:field><ipxact:name>mode</ipxact:name><ipxact:bitOffset>0</ipxact:bitOffset>'
              '<ipxact:bitWidth>4</ipxact:bitWidth></ipxact:field>\n'
              '<ipxact:field><ipxact:name>count</ipxact:name><ipxact:bitOffset>8</ipxact:bitOffset>'
              '<ipxact:bitWidth>16</ipxact:bitWidth></ipxact:field>\n'
              '<ipxact:field><ipxact:name>done</ipxact:name><ipxact:bitOffset>31</ipxact:bitOffset>'
              '<ipxact:bitWidth>1</ipxact:bitWidth>'
              '<ipxact:modifiedWriteValue>oneToClear</ipxact:modifiedWriteValue></ipxact:field>\n'
              '</ipxact:register>\n')
        w('</ipxact:addressBlock>\n')
    w('</ipxact:memoryMap></ipxact:memoryMaps></ipxact:component>\n')


def svd(n, out):
    w = out.write
    w('<?xml version="1.0" encoding="utf-8"?>\n<device schemaVersion="1.3">\n')
    w(f'<name>gen{n}</name><width>32</width><size>32</size><access>read-write</access>\n<peripherals>\n')
    for first in range(0, n, 1000):
        w(f'<peripheral><name>P{first // 1000}</name><baseAddress>0x{4 * first:x}</baseAddress><registers>\n')
        for i in range(first, min(n, first + 1000)):
            w(f'<register><name>R{i}</name><addressOffset>0x{4 * (i - first):x}</addressOffset><fields>'
              '<field><name>mode</name><bitRange>[3:0]</bitRange></field>'
              '<field><name>count</name><bitOffset>8</bitOffset><bitWidth>16</bitWidth></field>'
              '<field><name>done</name><lsb>31</lsb><msb>31</msb>'
              '<modifiedWriteValues>oneToClear</modifiedWriteValues></field>'
              '</fields></register>\n')
        w('</registers></peripheral>\n')
    w('</peripherals></device>\n')


def main():
    if len(sys.argv) not in (2, 3) or not sys.argv[1].isdigit():
        sys.exit("usage: gen_regmap.py N [ipxact|svd] > FILE")
    fmt = sys.argv[2] if len(sys.argv) == 3 else "ipxact"
    {"ipxact": ipxact, "svd": svd}[fmt](int(sys.argv[1]), sys.stdout)


main()
