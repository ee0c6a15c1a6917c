"""The vfio-user framing the hand-made peers share (hostile_server.py,
mutating_proxy.py): the message header and reading exactly so many bytes
with the descriptors that come along. Standard library only.
"""
import array
import socket
import struct

HDR = struct.Struct("<HHIII")  # msg_id, command, size (with header), flags, error


def recv_exact(sock, n, fds):
    """n bytes from sock; the descriptors received with them are appended to
    fds. EOFError when the peer closes first."""
    data = b""
    while len(data) < n:
        msg, anc, _, _ = sock.recvmsg(n - len(data), socket.CMSG_SPACE(16 * 4))
        for level, kind, payload in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.extend(array.array("i", payload[: len(payload) - len(payload) % 4]))
        if not msg:
            raise EOFError
        data += msg
    return data
