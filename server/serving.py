"""Serving the app with several workers (``python -m server --workers N``)."""

from __future__ import annotations

import socket

import uvicorn


class TCPConfig(uvicorn.Config):
    """uvicorn's settings, with the socket that several workers share made as a TCP socket by name
    (a module of its own: the workers unpickle it, and ``__main__`` is not importable there).

    uvicorn makes that socket without naming its protocol, and asyncio turns Nagle's algorithm off
    (TCP_NODELAY) only on connections whose socket says it is TCP: without this every answer of a
    worker waited about 40 ms for the client's delayed acknowledgement (measured: 23 answers a
    second on one connection instead of thousands)."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
            sock.set_inheritable(True)
        return sock
