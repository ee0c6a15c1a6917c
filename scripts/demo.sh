#!/bin/bash
# Installs what is missing, builds vfiofs, boots a QEMU guest with emulated
# PCI devices (edu, nvme, ivshmem) bound to vfio-pci, and runs a short demo
# there through the mounted file system. No hardware needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
exec bash tests/guest/run.sh --timeout 600 -- sh examples/demo.sh
