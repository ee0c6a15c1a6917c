#!/bin/bash
# Installs what is missing, builds vfiofs, boots a QEMU guest with emulated
# PCI devices (edu, nvme, ivshmem) bound to vfio-pci, and runs a short demo
# there through the mounted file system, with a vfio-user device model beside
# them. No hardware needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
# The device model the demo attaches over vfio-user (skipped without libvfio-user's source).
bash tests/user/servers/build.sh || true
exec bash tests/guest/run.sh --timeout 600 -- sh examples/demo.sh
