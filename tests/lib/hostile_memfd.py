"""A hostile holder of a dma/ buffer's memfd: maps the buffer through the
hand-off socket (examples/map_bar.py), keeps the descriptor and does OP to
it; prints "done" or the errno name. Used by tests/kernel/t_dma_limits.sh
and tests/user/t_vfu_buffer_seals.sh.

    python3 tests/lib/hostile_memfd.py PATH shrink|grow|seal-write|punch
"""
import ctypes
import errno
import fcntl
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../examples"))
import map_bar  # noqa: E402

F_ADD_SEALS = 1033
F_SEAL_FUTURE_WRITE = 0x10
FALLOC_FL_KEEP_SIZE_PUNCH_HOLE = 3


def memfd_of(path):
    """map_area closes the descriptor once mapped: keep it instead."""
    kept, close = [], os.close
    os.close = kept.append
    try:
        map_bar.map_area(path, 0)
    finally:
        os.close = close
    return kept[0]


def main():
    path, op = sys.argv[1], sys.argv[2]
    fd = memfd_of(path)
    size = os.fstat(fd).st_size
    try:
        if op == "shrink":
            os.ftruncate(fd, 0)
        elif op == "grow":
            os.ftruncate(fd, size + (1 << 30))
        elif op == "seal-write":
            fcntl.fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE)
        elif op == "punch":
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.fallocate(fd, FALLOC_FL_KEEP_SIZE_PUNCH_HOLE, ctypes.c_long(0),
                              ctypes.c_long(size)) < 0:
                raise OSError(ctypes.get_errno(), "fallocate")
        print("done")
    except OSError as e:
        print(errno.errorcode.get(e.errno, e.errno))


if __name__ == "__main__":
    main()
