"""Sockets inside a container's network namespace (test harness only).

The testbed's containers run with Docker's `none` network: no bridge, no port publishing, nothing shared with the
machine. A load balancer still has to reach them, as an ALB reaches a task's ENI: this module creates a socket inside
the network namespace of the container's process (setns on a short-lived thread, which then switches back), so the
health checker and the loopback load-balancer front connect to the app exactly where it listens.
Needs root (CAP_SYS_ADMIN), as the testbed's Docker part does anyway.
"""

import ctypes
import os
import socket
import threading

_CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL("libc.so.6", use_errno=True)


def _setns(fd: int) -> None:
    if _libc.setns(fd, _CLONE_NEWNET) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"setns: {os.strerror(error)}")


def socket_in(pid: int) -> socket.socket:
    """A new TCP socket that lives in the network namespace of process `pid` (the caller connects it)."""
    result: dict[str, object] = {}

    def work() -> None:
        own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        try:
            target = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY)
        except OSError as error:
            os.close(own)
            result["error"] = error
            return
        try:
            _setns(target)
            try:
                result["socket"] = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            finally:
                _setns(own)  # this thread ends right after, but never leave it in the container's namespace
        except OSError as error:
            result["error"] = error
        finally:
            os.close(own)
            os.close(target)

    thread = threading.Thread(target=work, name="testbed-netns", daemon=True)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["socket"]  # type: ignore[return-value]


def connect_in(pid: int, port: int, timeout: float) -> socket.socket:
    """A TCP connection to 127.0.0.1:`port` as seen inside the namespace of process `pid` (its own lo)."""
    sock = socket_in(pid)
    sock.settimeout(timeout)
    try:
        sock.connect(("127.0.0.1", port))
    except BaseException:
        sock.close()
        raise
    return sock
