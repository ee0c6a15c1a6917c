#!/bin/bash
# Installs what is missing, builds vfiofs, boots a QEMU guest with emulated
# PCI devices (edu, nvme, ivshmem) bound to vfio-pci, and runs a short demo
# there through the mounted file system, with a vfio-user device model beside
# them. No hardware needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
# The device model and the RTL edu the demo attaches over vfio-user; without
# libvfio-user's source, one line saying how to get it.
bash tests/user/servers/build.sh >/dev/null 2>&1 || true
echo "demo: RTL edu: $(bash sim/build.sh 2>&1 | tail -n 1)"
exec bash tests/guest/run.sh --timeout 600 -- sh examples/demo.sh
