"""``python -m server --workers N`` shares one listening socket between its workers: it must say it is
TCP, or asyncio leaves Nagle's algorithm on and every answer waits for a delayed acknowledgement."""

from __future__ import annotations

import asyncio
import socket

import pytest

from server.serving import TCPConfig

pytestmark = pytest.mark.unit


async def test_the_shared_socket_is_tcp_and_its_connections_send_at_once():
    config = TCPConfig("server.asgi:app", host="127.0.0.1", port=0, workers=2)
    listening = config.bind_socket()
    try:
        assert listening.proto == socket.IPPROTO_TCP and listening.get_inheritable()
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            raw = writer.get_extra_info("socket")
            accepted.set_result(raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(answer, sock=listening)
        async with server:
            port = listening.getsockname()[1]
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            assert await asyncio.wait_for(accepted, 5) != 0  # what a worker's connection gets
            writer.close()
    finally:
        listening.close()


def test_the_workers_can_receive_the_settings():
    """Each worker is a new process that unpickles the settings: their class must be importable."""
    import pickle

    config = TCPConfig("server.asgi:app", host="127.0.0.1", port=0, workers=2)
    assert type(pickle.loads(pickle.dumps(config))) is TCPConfig
