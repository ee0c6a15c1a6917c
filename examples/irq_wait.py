#!/usr/bin/env python3
"""Take an interrupt vector from a vfiofs mount and wait on it in this
process, with nothing but the standard library: the kernel (or the vfio-user
server) signals the eventfd we hold, no daemon thread and no FUSE request in
between.

    echo 'msi 1' > /mnt/vfio/0000:00:03.0/irq
    python3 examples/irq_wait.py /mnt/vfio/0000:00:03.0/irq 0 [COUNT]

prints one line per wake-up ("vector 0: 1 interrupt(s)") until COUNT
interrupts have come (default 1), or "delivery ended" when the daemon took
the vector away (interrupts off, a mode change, reset, rmdir, unmount).
Closing the connection gives the vector back. The request goes through
vfiofs_handoff.py (beside this file); the wire format is in vfiofs(1),
DIRECT MAPPING.
"""
import os
import select
import struct
import sys

import vfiofs_handoff


def take_vector(irq_path, vector):
    """(connection, trigger eventfd, unmask eventfd or None); keep the connection open."""
    hold, _, fds = vfiofs_handoff.request("irq", irq_path, vector, 2)
    return hold, fds[0], (fds[1] if len(fds) > 1 else None)


def main():
    irq_path, vector = sys.argv[1], int(sys.argv[2])
    want = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    hold, trigger, unmask = take_vector(irq_path, vector)
    print("took vector %d (%s)" % (vector, "with an unmask eventfd" if unmask is not None else "MSI/MSI-X"),
          flush=True)
    seen = 0
    while seen < want:
        # The connection in the same wait: it turns readable when delivery ends.
        ready, _, _ = select.select([trigger, hold], [], [])
        if hold in ready:
            print("delivery ended")
            return 1
        n = struct.unpack("<Q", os.read(trigger, 8))[0]
        seen += n
        print("vector %d: %d interrupt(s)" % (vector, n), flush=True)
        if unmask is not None:
            # INTx: service the device here, then unmask with one write, no round trip.
            os.write(unmask, struct.pack("<Q", 1))
    hold.close()  # gives the vector back to the irq file
    return 0


if __name__ == "__main__":
    sys.exit(main())
