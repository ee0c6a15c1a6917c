# Reading the mount's files from shell, shared by the kernel tier
# (tests/kernel/common.sh) and the user tier (tests/user/common.sh).
# POSIX sh.

# info_value FILE KEY: the value of "KEY value" in an info/container file.
info_value() { awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$1"; }

# errno_of PYTHON-STATEMENTS: runs them with os imported; prints OK or the
# errno name of the OSError they raise.
errno_of() {
    python3 -c "
import os, errno
try:
    $1
    print('OK')
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
"
}

# iova_of BUFFER: a dma/ buffer's IOVA (hex) from its xattr.
iova_of() { getfattr -n user.vfio.iova --only-values "$1" 2>/dev/null; }
