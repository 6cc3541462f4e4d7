"""Test configuration: the database engine, isolation between tests, and app clients.

``TEST_DATABASE=sqlite`` (default) runs against a fresh SQLite file; ``TEST_DATABASE=postgres``
against a fresh database on the PostgreSQL at 127.0.0.1:5432. The schema is built by the
migrations, as in production. With ``REQUIRE_POSTGRES=1`` an unreachable PostgreSQL fails
the run instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import tempfile

ENGINE = os.environ.get("TEST_DATABASE", "sqlite")
# In memory where the machine offers it: the tests commit thousands of times and need no fsync.
_SHM = "/dev/shm" if os.path.isdir("/dev/shm") and shutil.disk_usage("/dev/shm").free > 2 * 2**30 else None
_TMP = tempfile.mkdtemp(prefix="sangtao-test-", dir=_SHM)
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_TEST_DB = os.environ.get("TEST_POSTGRES_DB", f"sangtao_test_{os.getpid()}")

os.environ.update(
    {
        "APP_ENV": "test",
        "SEED_DEMO": "0",
        "MAIL_BACKEND": "file",
        "MAIL_FILE_DIR": f"{_TMP}/mail",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "REDIS_URL": "",
        "DATABASE_URL": (PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_TEST_DB}" if ENGINE == "postgres" else ""),
        "SQLITE_PATH": f"{_TMP}/test.sqlite3",
        "UPLOAD_DIR": f"{_TMP}/uploads",
        "STRICT_TEMPLATES": "1",  # a template that reads an undefined name fails the test (browser servers too)
    }
)

import datetime as dt  # noqa: E402
import re  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402

from tests.support.db import create_postgres_database, drop_postgres_database, migrate, truncate_all  # noqa: E402


def _cheap_recovery_codes() -> None:
    """The admins' MFA recovery codes are hashed by Piccolo's ``BaseUser.hash_password`` (PBKDF2 at
    600,000 rounds: about a quarter of a second per code, eight codes per enrolment). The tests hash
    them with 1,000 rounds, as the factories hash passwords with a cheap argon2: the stored hash names
    its rounds, so enrolment and sign-in behave exactly as with the real cost. The app's own
    passwords are argon2 and not concerned; the browser journeys' servers keep the real cost."""
    from piccolo.apps.user.tables import BaseUser

    BaseUser._pbkdf2_iteration_count = 1_000


_cheap_recovery_codes()


def _cheap_passwords() -> tuple[object, str]:
    """The app hashes passwords with argon2id at the library's recommended cost (64 MiB, three passes:
    about a sixth of a second of CPU per hash). The tests hash with argon2id at the factories' cheap
    cost: registering, changing a password and signing in behave the same, and an unknown account
    is still checked against a stored hash. The tests about the production cost ask for it with the
    ``production_password_hashing`` fixture; the browser journeys' servers keep the real cost.
    Returns the production hasher and its hash for unknown accounts."""
    from argon2 import PasswordHasher

    from accounts import passwords

    production = passwords._hasher, passwords._DUMMY_HASH
    # The factories' parameters: an account they make signs in without its hash being upgraded.
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    passwords._DUMMY_HASH = passwords._hasher.hash("unknown-account-0123456789")
    return production


_PRODUCTION_PASSWORDS = _cheap_passwords()

# Fixtures several test files share: a round with its vote open, a contest in judging, mentoring teams.
pytest_plugins = ["tests.fixtures.voting", "tests.fixtures.judging", "tests.fixtures.mentoring"]

REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
_db_ready: dict[str, object] = {}


def pytest_report_header(config):
    return f"database engine: {ENGINE}"


def pytest_collection_modifyitems(config, items):
    """The longest files first: the ones marked ``long``, then the browser journeys, then the rest.

    With ``--no-loadscope-reorder`` (as ``make test`` runs it) pytest-xdist hands whole files to its
    workers in this order, so a long file no longer starts when the other workers have nothing left
    to do (the order of the tests within a file is kept)."""
    items.sort(
        key=lambda item: 0 if item.get_closest_marker("long") else 1 if item.get_closest_marker("browser") else 2
    )


@pytest.fixture(scope="session")
async def database():
    """Build the schema once per run with the migrations."""
    if ENGINE == "postgres":
        try:
            await create_postgres_database(PG_ADMIN_URL, PG_TEST_DB)
        except (OSError, Exception) as exc:  # noqa: BLE001
            if REQUIRE_POSTGRES:
                pytest.exit(f"PostgreSQL is required (REQUIRE_POSTGRES=1) but unreachable: {exc}", returncode=1)
            pytest.skip(f"PostgreSQL not reachable: {exc}")
    await migrate()
    from accounts.engine import close_connections, pool_options
    from accounts.tables import User

    if ENGINE == "postgres":  # as the app does at start-up: without a pool every query opens a connection
        await User._meta.db.start_connection_pool(**pool_options())
    yield ENGINE
    await close_connections(User._meta.db)
    if ENGINE == "postgres":
        await drop_postgres_database(PG_ADMIN_URL, PG_TEST_DB)


@pytest.fixture
async def db(database):
    """A clean database for each test (rows removed after it)."""
    yield database
    await truncate_all()


TEST_NOW = dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def _session_clock():
    from accounts.clock import FrozenClock

    return FrozenClock(TEST_NOW)


@pytest.fixture
def clock(_session_clock):
    """The frozen test clock, back at ``TEST_NOW`` for every test (tests move it forward)."""
    _session_clock.now = TEST_NOW
    return _session_clock


@pytest.fixture
def production_password_hashing(monkeypatch):
    """argon2id at the parameters the app runs with (the suite hashes at a cheap cost)."""
    from accounts import passwords

    hasher, dummy = _PRODUCTION_PASSWORDS
    monkeypatch.setattr(passwords, "_hasher", hasher)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", dummy)


@pytest.fixture
def settings():
    from server.settings import get_settings

    return get_settings()


@pytest.fixture(scope="session")
def _session_app(_session_clock):
    """The app is built once per run (building it, piccolo-admin included, takes about a second)."""
    from server.app import create_app
    from server.settings import get_settings

    return create_app(get_settings(), clock=_session_clock, run_workers=False)


@pytest.fixture
def app(db, clock, _session_app):
    """The shared app with its in-memory state (sessions, rate-limit counters) emptied for each test."""
    from litestar.stores.memory import MemoryStore

    store = _session_app.stores.get("sessions")
    if isinstance(store, MemoryStore):
        store._store.clear()
    limiter = _session_app.state["ctx"].limiter
    if hasattr(limiter, "windows"):
        limiter.windows.clear()
    from contest import results_cache

    results_cache.forget()  # published results are kept per round id, which the next test may reuse
    from accounts import memo

    memo.forget()  # this worker's copies of contests and of the people signed in
    from accounts import notifications

    # Links in notices are made absolute with the address of the last app built in this process: a
    # test that builds an app of its own (production settings, another address) must not leave its
    # address behind for the next test.
    notifications.use_base_url(_session_app.state["ctx"].settings.base_url)
    return _session_app


@pytest.fixture
async def client(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


async def post_form(client: httpx.AsyncClient, url: str, data: dict, *, page: str | None = None) -> httpx.Response:
    """Open the page with the form (for its CSRF token), then submit it as a browser would."""
    response = await client.get(page or url)
    token = csrf_from(response.text)
    return await client.post(url, data={**data, "_csrf_token": token})


@pytest.fixture
async def commune(db):
    return await _make_commune("Xã An Khánh", "an-khanh", "AK", ["Thôn An Lạc", "Thôn Khánh Hội"])


async def _make_commune(name: str, slug: str, code: str, hamlet_names: list[str]) -> dict:
    from accounts.tables import Commune, Hamlet

    commune = Commune(name=name, slug=slug, code=code)
    await commune.save()
    hamlets = []
    for i, hamlet_name in enumerate(hamlet_names):
        hamlet = Hamlet(commune=commune.id, name=hamlet_name, population=500, sort_order=i)
        await hamlet.save()
        hamlets.append(hamlet)
    return {"id": commune.id, "hamlets": [h.id for h in hamlets]}


@pytest.fixture
async def other_commune(commune):
    """A second commune, so that tests can prove one commune never reaches the other's data."""
    return await _make_commune("Xã Tân Minh", "tan-minh", "TM", ["Thôn Tân Lập", "Thôn Minh Đức"])


@pytest.fixture
def make_other_user(other_commune, clock):
    """Create an account in the second commune (organizer roles are scoped to it)."""
    from tests.support.factories import make_user as factory

    async def _make(**kwargs):
        return await factory(commune=other_commune, now=clock(), **kwargs)

    return _make


@pytest.fixture
def make_user(commune, clock):
    """Create an account directly (fast hash) with optional roles."""
    from tests.support.factories import make_user as factory

    async def _make(**kwargs):
        return await factory(commune=commune, now=clock(), **kwargs)

    return _make


async def login(client: httpx.AsyncClient, identifier: str, password: str) -> httpx.Response:
    return await post_form(client, "/login", {"identifier": identifier, "password": password})


async def admin_login(client, identifier: str, password: str):
    await client.get("/admin/")
    token = client.cookies.get("csrftoken")
    return await client.post(
        "/admin/public/login/",
        json={"username": identifier, "password": password},
        headers={"X-CSRFToken": token or "", "Referer": "http://testserver/admin/"},
    )
