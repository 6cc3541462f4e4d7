"""``python -m server``: migrate, seed the demo (when enabled) and serve."""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
from pathlib import Path

import uvicorn
from uvicorn.supervisors import Multiprocess

from server.serving import TCPConfig
from server.settings import get_settings

DEMO_LOGINS = [
    "admin@example.com",
    "organizer@example.com",
    "judge1@example.com",
    "judge2@example.com",
    "judge3@example.com",
    "mentor1@example.com",
    "youth1@example.com",
    "citizen1@example.com",
    # the second demo commune, Xã Tân Minh
    "organizer2@example.com",
    "judge4@example.com",
    "judge5@example.com",
    "tanminh01@example.com",
    "city@example.com",  # the city's programme staff (/city)
]


def migrate() -> None:
    subprocess.run(
        [str(Path(sys.executable).with_name("piccolo")), "migrations", "forwards", "all"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m server", description="Run Sáng tạo")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-migrate", action="store_true")
    parser.add_argument("--no-access-log", action="store_true", help="do not log every request")
    args = parser.parse_args()
    settings = get_settings()
    if not args.no_migrate:
        migrate()
    if settings.seed_demo:
        from server.commands import seed_demo_data

        print(asyncio.run(seed_demo_data()))
    print(f"\nSáng tạo is running at {settings.base_url}/  (admin: {settings.base_url}/admin/)")
    if settings.seed_demo:
        print("Demo logins (password: sangtao-demo):")
        for login in DEMO_LOGINS:
            print(f"  {login}")
    if args.workers > 1:
        config = TCPConfig(
            "server.asgi:app",
            host=settings.host,
            port=settings.port,
            workers=args.workers,
            proxy_headers=True,
            log_level="info",
            access_log=not args.no_access_log,
        )
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    uvicorn.run(
        "server.asgi:app",
        host=settings.host,
        port=settings.port,
        proxy_headers=True,
        log_level="info",
        access_log=not args.no_access_log,
    )


if __name__ == "__main__":
    main()
