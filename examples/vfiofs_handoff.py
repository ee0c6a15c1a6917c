"""The Python client of a vfiofs mount's hand-off socket, with nothing but
the standard library. examples/map_bar.py and examples/irq_wait.py import it
from beside them (a script's own directory is on sys.path); copy the three
files together.

The daemon listens on the UNIX socket named by the extended attribute
user.vfio.socket of the mount's root. One request line per connection,
"map PATH OFFSET" or "irq PATH VECTOR"; one answer line, "ok ..." with the
descriptors as SCM_RIGHTS ancillary data, or "error ERRNO_NAME message".
The wire format is in vfiofs(1), DIRECT MAPPING.

    hold, words, fds = request("map", "/mnt/vfio/0000:00:03.0/bar0", 0, 1)
"""
import os
import socket
import sys


def wire_path(path):
    """path as a request writes it: space, backslash and control bytes as \\ooo (vfiofs(1))."""
    return b"".join(bytes([c]) if c > 0x20 and c not in (0x5c, 0x7f) else b"\\%03o" % c
                    for c in os.fsencode(path))


def hand_off_socket(path):
    """The nearest directory above path that names the daemon's socket."""
    d = os.path.dirname(os.path.realpath(path))
    while True:
        try:
            return os.getxattr(d, "user.vfio.socket").decode()
        except OSError:
            if d == "/":
                sys.exit("%s is not inside a vfiofs mount" % path)
            d = os.path.dirname(d)


def request(verb, path, number, max_fds):
    """Asks for "VERB PATH NUMBER" (verb "map" or "irq") on the socket of
    path's mount: (connection, the words of the answer after "ok", up to
    max_fds descriptors). An error answer exits with "PATH: ERRNO_NAME
    message". Closing the connection is the caller's: for an interrupt
    vector it is the hold on the vector.
    """
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(hand_off_socket(path))
        s.sendall(b"%s %s %d\n" % (verb.encode(), wire_path(os.path.realpath(path)), number))
        line, fds, _, _ = socket.recv_fds(s, 1024, max_fds)
        words = line.decode().split()
        if words[0] != "ok":
            sys.exit("%s: %s" % (path, " ".join(words[1:])))
    except BaseException:
        s.close()
        raise
    return s, words[1:], fds
