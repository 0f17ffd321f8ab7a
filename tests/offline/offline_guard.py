"""Make the network unreachable for this Python process: loopback only.

The course promises that nothing downloads at run time. This module turns that promise into
an error: once :func:`install` has run, connecting a socket to an address outside
``127.0.0.0/8`` and ``::1`` (or sending a datagram there), or resolving a host name that is not
the local machine's, raises :class:`NetworkBlocked` with a message saying what was attempted.
Unix sockets and loopback (which Jupyter kernels use to talk to nbval) keep working.

``tests/conftest.py`` installs it in the pytest process and puts this directory on
``PYTHONPATH``; ``sitecustomize.py`` here then installs it in every Python subprocess started
from the tests, including the Jupyter kernels that nbval starts.

``NetworkBlocked`` derives from ``RuntimeError``, not ``OSError``, on purpose: code that
catches ``OSError`` to fall back quietly after a failed download must not hide the attempt.
"""
from __future__ import annotations

import ipaddress
import socket

MESSAGE = "aelib tests run offline: network access to {what} is blocked (only 127.0.0.0/8 and ::1 are allowed)"
LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class NetworkBlocked(RuntimeError):
    """Raised instead of reaching an address outside loopback."""


def is_loopback_host(host) -> bool:
    """True for loopback addresses and names, as str or bytes; False for anything else."""
    if host is None:
        return True                       # getaddrinfo(None, port): the local wildcard
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%", 1)[0].lower()
    if host in ("", "0.0.0.0", "::"):
        return True                       # wildcard: binding, not a remote peer
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False                      # a name that would need DNS
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _check_address(family, address, action: str) -> None:
    if family not in (socket.AF_INET, socket.AF_INET6):
        return                            # AF_UNIX and friends never leave the machine
    if not isinstance(address, tuple) or not address:
        return                            # let the socket module report malformed addresses
    host = address[0]
    if not is_loopback_host(host):
        raise NetworkBlocked(MESSAGE.format(what=f"{host}:{address[1] if len(address) > 1 else '?'}")
                             + f" ({action}).")


def install() -> None:
    """Patch the socket module of this process (idempotent)."""
    if getattr(socket, "_aelib_offline", False):
        return
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_sendto = socket.socket.sendto
    real_getaddrinfo = socket.getaddrinfo
    real_gethostbyname = socket.gethostbyname
    real_gethostbyname_ex = socket.gethostbyname_ex

    def connect(self, address):
        _check_address(self.family, address, "socket.connect")
        return real_connect(self, address)

    def connect_ex(self, address):
        _check_address(self.family, address, "socket.connect_ex")
        return real_connect_ex(self, address)

    def sendto(self, data, *args):
        _check_address(self.family, args[-1] if args else None, "socket.sendto")
        return real_sendto(self, data, *args)

    def getaddrinfo(host, *args, **kwargs):
        if not is_loopback_host(host):
            raise NetworkBlocked(MESSAGE.format(what=f"{host!r}") + " (socket.getaddrinfo).")
        return real_getaddrinfo(host, *args, **kwargs)

    def gethostbyname(host):
        if not is_loopback_host(host):
            raise NetworkBlocked(MESSAGE.format(what=f"{host!r}") + " (socket.gethostbyname).")
        return real_gethostbyname(host)

    def gethostbyname_ex(host):
        if not is_loopback_host(host):
            raise NetworkBlocked(MESSAGE.format(what=f"{host!r}") + " (socket.gethostbyname_ex).")
        return real_gethostbyname_ex(host)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.socket.sendto = sendto
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    socket.gethostbyname_ex = gethostbyname_ex
    socket.NetworkBlocked = NetworkBlocked
    socket._aelib_offline = True
