#!/bin/bash
# Builds vfiofs in the source tree: ./autogen.sh, ./configure, make.
# Extra arguments go to configure (e.g. --enable-sanitizers).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x configure ] && [ configure -nt configure.ac ] && [ Makefile.in -nt Makefile.am ] || ./autogen.sh >/dev/null
if [ ! -f Makefile ] || [ "$#" -gt 0 ]; then
    ./configure --enable-werror "$@" >/dev/null
fi
make -j"$(nproc)" >/dev/null
make -j"$(nproc)" tests/unit/unit_tests >/dev/null
echo "build: src/vfiofs built"
