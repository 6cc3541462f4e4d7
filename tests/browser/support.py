"""Helpers for the browser journeys: the live server, axe-core checks, and repeated steps."""

from __future__ import annotations

import fcntl
import functools
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 390, "height": 844}
DEMO_PASSWORD = "sangtao-demo"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# --------------------------------------------------------------------------- prerequisites


def require(condition: bool, reason: str) -> None:
    """Skip when the browser tooling is missing, or fail when REQUIRE_BROWSER=1 asks for it."""
    if condition:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


# --------------------------------------------------------------------------- live server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log_path: Path
    mail_dir: Path
    log_file: IO[bytes] | None = None
    data_dir: Path | None = None  # holds the SQLite file, the mail and the logs
    secret_key: str = ""

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


# --------------------------------------------------------------------------- demo database templates

# Migrating and seeding the demo costs ten seconds of CPU or more: it is done once per test run into a
# template SQLite file (one migrated and seeded, one migrated only), and every server gets its own fresh
# copy of it. Under pytest-xdist the workers share the templates (``set_template_root``).
_template_root: Path | None = None
TEMPLATE_TIMEOUT = 600.0  # seconds for the one migration and seeding of a run, on a busy machine


def set_template_root(root: Path) -> None:
    """Keep the demo templates in ``root`` (a folder the test run owns; shared by its workers)."""
    global _template_root
    _template_root = root


def _template(seeded: bool) -> tuple[Path, str]:
    """The template SQLite file (migrated, and seeded when ``seeded``) and the secret key it was seeded with.

    The demo derives voters' public aliases from the secret key: a server on a copy of the seeded template
    runs with the same key.
    """
    global _template_root
    if _template_root is None:
        _template_root = Path(tempfile.mkdtemp(prefix="sangtao-browser-templates-"))
    folder = _template_root / ("demo" if seeded else "empty")
    folder.mkdir(parents=True, exist_ok=True)
    database, key_file, ready = folder / "template.sqlite3", folder / "secret_key", folder / "ready"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker builds it, the others wait and reuse it
        if not ready.exists():
            for stale in folder.glob("template.sqlite3*"):
                stale.unlink()
            secret_key = "browser-test-secret-" + secrets.token_hex(24)
            env = _server_env(database, secret_key, port=0, mail_dir=folder / "mail")
            steps = "from server.__main__ import migrate\nmigrate()\n"
            if seeded:
                steps += (
                    "import asyncio\nfrom server.commands import seed_demo_data\nprint(asyncio.run(seed_demo_data()))\n"
                )
            result = subprocess.run(
                [sys.executable, "-c", steps],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=TEMPLATE_TIMEOUT,
                check=False,
            )
            if result.returncode != 0:
                output = result.stdout.decode("utf-8", errors="replace")
                pytest.fail(f"migrating/seeding the demo template failed:\n{output[-4000:]}", pytrace=False)
            key_file.write_text(secret_key, encoding="utf-8")
            ready.touch()
        return database, key_file.read_text(encoding="utf-8")


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file (WAL included) through SQLite's backup API."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _server_env(database: Path, secret_key: str, *, port: int, mail_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "APP_ENV": "development",
            "SEED_DEMO": "1",
            "SQLITE_PATH": str(database),
            "DATABASE_URL": "",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "BASE_URL": f"http://127.0.0.1:{port}",
            "MAIL_BACKEND": "file",
            "MAIL_FILE_DIR": str(mail_dir),
            "REDIS_URL": "",
            "LOGIN_RATE_LIMIT": "1000",
            "REGISTER_RATE_LIMIT": "1000",
            "ADMIN_LOGIN_LIMIT": "1000",
            "SECRET_KEY": secret_key,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def start_server(
    timeout: float = 240.0,
    *,
    extra_env: dict[str, str] | None = None,
    data_dir: Path | None = None,
    secret_key: str | None = None,
) -> LiveServer:
    """Run ``python -m server`` on a free port of 127.0.0.1, on a fresh copy of the demo database.

    The copy is of the template migrated and seeded once per run (migrated only when ``extra_env`` says
    ``SEED_DEMO=0``), so the server starts with ``--no-migrate`` and does not seed again: the data is what
    ``python -m server`` would have made of an empty file. ``extra_env`` adds or overrides settings, e.g.
    ``{"CLOCK_OFFSET": "2592000"}`` to run the app's clock 30 days ahead. Each call gets its own temporary
    directory, SQLite file and port, unless ``data_dir`` (and ``secret_key``) name those of an earlier
    server: see ``restart_server``.
    """
    seeded = (extra_env or {}).get("SEED_DEMO", "1") != "0"
    tmp = data_dir or Path(tempfile.mkdtemp(prefix="sangtao-browser-"))
    database = tmp / "browser.sqlite3"
    if data_dir is None:
        template, template_key = _template(seeded)
        if seeded and secret_key not in (None, template_key):
            raise ValueError("a new server on the seeded demo runs with the secret key the demo was seeded with")
        secret_key = template_key if seeded else secret_key
        _copy_database(template, database)
    secret_key = secret_key or "browser-test-secret-" + secrets.token_hex(24)
    port = free_port()
    env = _server_env(database, secret_key, port=port, mail_dir=tmp / "mail")
    env.update(extra_env or {})
    env["SEED_DEMO"] = "0"  # the copy is seeded (or meant to stay empty) already
    log_path = tmp / "server.log"
    runs = 1
    while log_path.exists():  # a restarted server keeps the earlier runs' logs
        runs += 1
        log_path = tmp / f"server-{runs}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "--no-migrate"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = LiveServer(
        url=f"http://127.0.0.1:{port}",
        process=process,
        log_path=log_path,
        mail_dir=tmp / "mail",
        log_file=log,
        data_dir=tmp,
        secret_key=secret_key,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if _healthy(server.url):
            return server
        time.sleep(0.25)
    stop_server(server)
    output = server.output()
    print(output)
    pytest.fail(f"the app did not answer {server.url}/healthz within {timeout:.0f} s:\n{output[-4000:]}", pytrace=False)


def stop_server(server: LiveServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)
    if server.log_file is not None:
        server.log_file.close()


def restart_server(server: LiveServer, *, extra_env: dict[str, str] | None = None) -> LiveServer:
    """Stop ``server`` and start the app again on the same SQLite file and secret key (a new port).

    The data of the first run stays as it was (neither migrated nor seeded again); ``extra_env`` may
    change settings such as ``CLOCK_OFFSET`` for the second run.
    """
    stop_server(server)
    return start_server(extra_env=extra_env, data_dir=server.data_dir, secret_key=server.secret_key)


# --------------------------------------------------------------------------- accessibility


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def with_axe(context):
    """Give every page of ``context`` axe-core as it is created, for a context that checks many pages.

    Through the DevTools protocol, so the pages' strict CSP does not block it. The browser then
    compiles axe as a script, once per process, while each page loads: about 35 ms less per page
    checked than evaluating it after the page loaded, but about 200 ms more for a context's first
    page, so the journeys (a few pages per person) keep the evaluation in ``axe_violations``."""
    context.add_init_script(script=_axe_source())
    return context


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page and return its violations.

    Every rule runs on every element as usual; ``resultTypes`` only spares axe describing each
    element that passed or could not be decided (one of each is kept): the violations are the same.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):  # a context made without ``with_axe``
        page.evaluate(_axe_source())
    result = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
            });
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )
    return result


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}]: {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    target: {node['target']}")
            summary = "; ".join(line.strip() for line in (node.get("summary") or "").splitlines() if line.strip())
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


# Contexts opened by ``new_context(browser, java_script_enabled=False)``: axe cannot run in their pages.
_WITHOUT_JAVASCRIPT: weakref.WeakSet = weakref.WeakSet()


def assert_accessible(page) -> None:
    if page.context in _WITHOUT_JAVASCRIPT:
        assert_accessible_without_javascript(page)
        return
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)


def assert_accessible_without_javascript(page) -> None:
    """Check with axe a page shown with JavaScript turned off, as it is shown.

    In such a page timers never fire, so ``axe.run`` never finishes. The page's DOM is served
    again, at the same address, to a fresh page that may run axe but whose own scripts are
    blocked, so axe checks what a browser without JavaScript shows.
    """
    html, address = page.content(), page.url.split("#")[0]
    context = page.context.browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    context.set_default_timeout(10_000)

    def serve(route):
        if route.request.url.split("#")[0] == address:
            route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")
        elif route.request.resource_type == "script":
            route.abort()
        else:
            route.continue_()

    try:
        copy = context.new_page()
        copy.route("**/*", serve)
        copy.goto(page.url)
        violations = axe_violations(copy)
    finally:
        context.close()
    assert not violations, format_violations(page.url + " (without JavaScript)", violations)


# --------------------------------------------------------------------------- repeated steps


def unique_phone() -> str:
    """A fresh Viettel-style mobile number per run, written as people type it: "0912 345 678"."""
    digits = f"{secrets.randbelow(10**6):06d}"
    return f"0912 {digits[:3]} {digits[3:]}"


def international(phone: str) -> str:
    """The same number as "+84 912 345 678"."""
    return "+84 " + phone[1:]


def visit(page, url: str, *, status: int | None = 200):
    """Open a page, check its status, and check it with axe."""
    response = page.goto(url)
    if status is not None:
        assert response is not None and response.status == status, (
            f"{url} answered {response.status if response else 'nothing'}, expected {status}"
        )
    assert_accessible(page)
    return response


def heading(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang") or ""


def field_error(page, name: str) -> str:
    """The error message shown next to a form field (``<p class="error" id="e-NAME">``)."""
    error = page.locator(f"#e-{name}")
    assert error.count() == 1, f"no error is shown next to the field {name!r}"
    assert page.locator(f"#f-{name}").get_attribute("aria-invalid") == "true"
    return error.inner_text().strip()


def log_in(page, base: str, identifier: str, password: str) -> None:
    visit(page, f"{base}/login")
    page.get_by_label("Số điện thoại hoặc email").fill(identifier)
    page.locator("#f-password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def log_out(page) -> None:
    with page.expect_navigation():
        page.locator("header form[action='/logout'] button").click()


def logout_button(page):
    return page.locator("header form[action='/logout'] button")


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------- more steps (ideas)


def new_context(browser, **options):
    """A fresh browser context (no cookies) set up like the ``context`` fixture."""
    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", **options)
    context.set_default_timeout(10_000)
    if options.get("java_script_enabled") is False:
        _WITHOUT_JAVASCRIPT.add(context)
    return context


def register_account(
    page,
    base: str,
    *,
    full_name: str,
    phone: str,
    password: str,
    birth_year: str = "2005",
    hamlet: str = "Thôn Khánh Hội",
) -> None:
    """Sign up through /register and land on the account page (both pages checked with axe)."""
    visit(page, f"{base}/register?commune=an-khanh")
    page.locator("#f-full_name").fill(full_name)
    page.locator("#f-phone").fill(phone)
    page.locator("#f-birth_year").fill(birth_year)
    page.locator("#f-hamlet_id").select_option(label=hamlet)
    page.locator("#f-password").fill(password)
    page.locator("#f-accept_terms").check()
    page.locator("#f-accept_privacy").check()
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()
    assert page.url == f"{base}/account", f"registration did not reach the account page: {page.url}"
    assert_accessible(page)


def click_and_wait(page, locator) -> None:
    """Click something that loads a new page (a link or a submit button) and wait for it."""
    with page.expect_navigation():
        locator.click()


def flash_text(page) -> str:
    """The flash messages shown at the top of the page ("" when there are none)."""
    flashes = page.locator(".flashes")
    return flashes.inner_text().strip() if flashes.count() else ""


def write_pdf(path: Path, *, size: int | None = None) -> Path:
    """A small real PDF, or one padded with a comment to exactly ``size`` bytes."""
    head = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    tail = b"\n%%EOF\n"
    padding = b""
    if size is not None:
        padding = b"%" + b"0" * max(0, size - len(head) - len(tail) - 2) + b"\n"
    path.write_bytes(head + padding + tail)
    if size is not None:
        assert path.stat().st_size == size
    return path


def write_png(path: Path, *, width: int = 640, height: int = 360) -> Path:
    """A small real PNG made with Pillow (green with a yellow band)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (34, 120, 60))
    ImageDraw.Draw(image).rectangle((0, height // 3, width, 2 * height // 3), fill=(240, 200, 40))
    image.save(path, "PNG")
    return path
