"""Backup and restore of a whole install (``piccolo server backup`` / ``piccolo server restore``).

The source is the test database, filled with the demo (every app: accounts, contests, judging,
votes, mentoring) plus people of a second commune, a session and an MFA secret, and a folder of
real uploads. The target is an EMPTY install made here: a new SQLite file, or a new PostgreSQL
database created by the test and dropped after it, and a new uploads folder. After a restore
every table holds the same rows (count and a hash of the rows) and every file the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from server.backup import BackupError, Install, backup, read_manifest, restore
from tests.conftest import ENGINE, PG_ADMIN_URL

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PICCOLO = str(Path(sys.executable).with_name("piccolo"))


# ------------------------------------------------------------------------------------ what an install holds


async def fingerprint(install: Install) -> dict[str, tuple[int, str]]:
    """Per table: (row count, hash of the rows); sequences too, so new ids go on where they stopped."""
    if install.engine == "sqlite":
        if not install.sqlite_path.exists():
            return {}
        conn = sqlite3.connect(install.sqlite_path)
        try:
            found = {}
            names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
            for name in names:  # sqlite_sequence included: the AUTOINCREMENT counters
                rows = sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{name}"'))
                found[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
            return found
        finally:
            conn.close()
    import asyncpg

    conn = await asyncpg.connect(install.database_url)
    try:
        found = {}
        for record in await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema='public' AND table_type='BASE TABLE'"
        ):
            name = record["table_name"]
            found[name] = tuple(
                await conn.fetchrow(
                    f"""SELECT COUNT(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM "{name}" t"""
                )
            )
        for record in await conn.fetch("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname='public'"):
            found["sequence " + record["sequencename"]] = (record["last_value"] or 0, "")
        return found
    finally:
        await conn.close()


def files_of(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture(autouse=True)
def _postgres_client():
    """On PostgreSQL the commands need Debian's postgresql-client (CI installs it)."""
    if ENGINE == "postgres" and not shutil.which("pg_dump"):
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("pg_dump is missing: install postgresql-client")
        pytest.skip("pg_dump is missing: install postgresql-client")


def _png(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


async def _store_uploads(folder: Path) -> None:
    from contest import uploads

    await uploads.store(_png((200, 30, 30)), "bìa ý tưởng.png", root=folder, allowed=uploads.IMAGE_TYPES)
    await uploads.store(_png((30, 200, 30)), "ảnh cố vấn.png", root=folder, allowed=uploads.IMAGE_TYPES)
    await uploads.store(
        b"%PDF-1.4\n% ke hoach\n" + os.urandom(3000) + b"\n%%EOF\n",
        "kế hoạch.pdf",
        root=folder,
        allowed=uploads.ATTACHMENT_TYPES,
    )
    assert len(files_of(folder)) >= 5  # originals and their web copies


@pytest.fixture
async def source(db, settings, clock, tmp_path, make_user, make_other_user):
    """The test database with rows in every app (the demo, a second commune, a session, an MFA
    secret), and its own uploads folder with real files."""
    from piccolo_api.encryption.providers import FernetProvider
    from piccolo_api.mfa.authenticator.tables import AuthenticatorSecret
    from piccolo_api.session_auth.tables import SessionsBase

    from server.commands import seed_demo_data

    await seed_demo_data(now=clock())
    organizer = await make_other_user(full_name="Bùi Thị Thu Hà")
    youth = await make_user(full_name="Lương Văn Đạt")
    await SessionsBase.create_session(youth.id)
    key = base64.urlsafe_b64encode(hashlib.sha256(b"backup-test").digest())
    await AuthenticatorSecret.create_new(organizer.id, encryption_provider=FernetProvider(encryption_key=key))
    install = Install(settings.database_url, Path(settings.sqlite_path), tmp_path / "source-uploads")
    await _store_uploads(install.upload_dir)
    print_ = await fingerprint(install)
    # Rows in every app's tables, so a restore that forgot one app would show.
    for table in (
        "users",
        "commune",
        "audit_event",
        "contest",
        "idea",
        "score_sheet",
        "vote",
        "vote_log",
        "mentor_profile",
        "mentorship",
        "workshop_registration",
        "sessions",
        "authenticator_secret",
        "migration",
    ):
        assert print_[table][0] > 0, table
    return install


@pytest.fixture
async def small_source(db, settings, clock, tmp_path, make_user, make_other_user, commune):
    """A few rows (people of two communes, a contest) and real uploads: for the refusals, which do
    not need the whole demo."""
    from tests.support.factories import make_contest

    await make_user(full_name="Lương Văn Đạt")
    await make_other_user(full_name="Bùi Thị Thu Hà")
    await make_contest(commune=commune, now=clock())
    install = Install(settings.database_url, Path(settings.sqlite_path), tmp_path / "source-uploads")
    await _store_uploads(install.upload_dir)
    return install


@pytest.fixture
async def empty_target(tmp_path):
    """An empty install: a new SQLite file or a new PostgreSQL database (dropped after), no uploads."""
    if ENGINE != "postgres":
        yield Install("", tmp_path / "restored" / "sangtao.sqlite3", tmp_path / "restored" / "uploads")
        return
    from tests.support.db import create_postgres_database, drop_postgres_database

    name = f"sangtao_restore_{os.getpid()}"
    await create_postgres_database(PG_ADMIN_URL, name)
    try:
        yield Install(
            PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", tmp_path / "unused.sqlite3", tmp_path / "restored" / "uploads"
        )
    finally:
        await drop_postgres_database(PG_ADMIN_URL, name)


# ------------------------------------------------------------------------------------ tests


async def test_restore_into_empty_install_finds_every_row_and_every_file(source, empty_target, tmp_path):
    before = await fingerprint(source)
    archive = tmp_path / "copies" / "sangtao-2026-11-30.tar.gz"

    written = await backup(source, archive)
    restored = await restore(empty_target, archive)

    after = await fingerprint(empty_target)
    assert after == before
    assert files_of(empty_target.upload_dir) == files_of(source.upload_dir)
    assert restored.tables == {
        name: count for name, (count, _) in before.items() if not name.startswith(("sequence ", "sqlite_"))
    }
    assert restored.files == written.files == len(files_of(source.upload_dir))
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # it holds personal data


async def test_manifest_lists_engine_migrations_and_checksum_of_every_member(small_source, tmp_path):
    source = small_source
    archive = tmp_path / "backup.tar.gz"
    await backup(source, archive)

    manifest = read_manifest(archive)
    assert manifest["format_version"] == 1
    assert manifest["engine"] == ENGINE
    assert manifest["created_at"].endswith("+00:00")
    assert {"accounts", "contest", "mentoring"} <= set(manifest["migrations"])
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        assert names[0] == "manifest.json"
        members = {m.name: hashlib.sha256(tar.extractfile(m).read()).hexdigest() for m in tar.getmembers()[1:]}
    assert members == {m["path"]: m["sha256"] for m in manifest["members"]}
    assert manifest["file_count"] == len(members) == 1 + len(files_of(source.upload_dir))
    assert {"uploads/" + name for name in files_of(source.upload_dir)} <= set(members)


def _rewrite(archive: Path, out: Path, *, change: str | None = None, extra: tuple[str, bytes] | None = None) -> None:
    """Copy the archive, flipping one byte of member ``change`` and/or adding a member; the manifest stays."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(out, "w:gz") as dst:
        for info in src.getmembers():
            data = src.extractfile(info).read()
            if info.name == change:
                data = bytes([data[0] ^ 1]) + data[1:]
            dst.addfile(info, io.BytesIO(data))
        if extra:
            info = tarfile.TarInfo(extra[0])
            info.size = len(extra[1])
            dst.addfile(info, io.BytesIO(extra[1]))


async def test_tampered_backup_is_refused_before_anything_is_touched(small_source, empty_target, tmp_path):
    source = small_source
    archive = tmp_path / "backup.tar.gz"
    await backup(source, archive)
    manifest = read_manifest(archive)
    an_upload = next(m["path"] for m in manifest["members"] if m["path"].startswith("uploads/"))
    before = await fingerprint(empty_target)

    for name, kwargs in [
        ("changed-upload", {"change": an_upload}),
        ("changed-database", {"change": manifest["database"]}),
        ("extra-file", {"extra": ("uploads/../../evil.sh", b"echo pwned\n")}),
    ]:
        tampered = tmp_path / f"{name}.tar.gz"
        _rewrite(archive, tampered, **kwargs)
        with pytest.raises(BackupError) as refused:
            await restore(empty_target, tampered, force=True)
        assert "không toàn vẹn" in str(refused.value) and "fails its checksums" in str(refused.value)

    assert await fingerprint(empty_target) == before
    assert files_of(empty_target.upload_dir) == {}
    assert not (tmp_path / "evil.sh").exists()


async def test_restore_into_non_empty_install_needs_force(small_source, empty_target, tmp_path):
    source = small_source
    archive = tmp_path / "backup.tar.gz"
    await backup(source, archive)
    await restore(empty_target, archive)
    # Something new happens on the restored install, then the backup is restored over it again.
    (empty_target.upload_dir / "later.pdf").write_bytes(b"%PDF-1.4 later")
    changed = await fingerprint(empty_target)

    with pytest.raises(BackupError) as refused:
        await restore(empty_target, archive)
    message = str(refused.value)
    assert "không trống" in message and "--force" in message  # Vietnamese
    assert "not empty" in message  # and English
    assert await fingerprint(empty_target) == changed
    assert (empty_target.upload_dir / "later.pdf").exists()

    await restore(empty_target, archive, force=True)
    assert await fingerprint(empty_target) == await fingerprint(source)
    assert files_of(empty_target.upload_dir) == files_of(source.upload_dir)


async def test_backup_of_one_engine_is_refused_by_the_other(small_source, tmp_path):
    source = small_source
    archive = tmp_path / "backup.tar.gz"
    await backup(source, archive)
    other = (
        Install("postgresql://postgres@127.0.0.1:1/nowhere", tmp_path / "x.sqlite3", tmp_path / "up")
        if ENGINE != "postgres"
        else Install("", tmp_path / "x.sqlite3", tmp_path / "up")
    )

    with pytest.raises(BackupError) as refused:
        await restore(other, archive)
    assert "across database engines" in str(refused.value)
    assert not (tmp_path / "up").exists() or files_of(tmp_path / "up") == {}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


async def test_commands_back_up_and_restore_through_the_piccolo_cli(source, empty_target, tmp_path):
    env = {**os.environ, "UPLOAD_DIR": str(source.upload_dir)}  # the test database, as conftest set it
    archive = tmp_path / "nightly" / "sangtao.tar.gz"

    made = _run([PICCOLO, "server", "backup", str(archive)], env)
    assert made.returncode == 0, made.stderr
    assert "Backup written" in made.stdout and str(archive) in made.stdout

    target_env = {
        **os.environ,
        "DATABASE_URL": empty_target.database_url,
        "SQLITE_PATH": str(empty_target.sqlite_path),
        "UPLOAD_DIR": str(empty_target.upload_dir),
    }
    # A new machine where the app already started once: migrated, but no rows.
    migrated = _run([PICCOLO, "migrations", "forwards", "all"], target_env)
    assert migrated.returncode == 0, migrated.stderr
    done = _run([PICCOLO, "server", "restore", str(archive)], target_env)
    assert done.returncode == 0, done.stderr
    assert "Restored" in done.stdout and "users:" in done.stdout
    assert await fingerprint(empty_target) == await fingerprint(source)
    assert files_of(empty_target.upload_dir) == files_of(source.upload_dir)

    again = _run([PICCOLO, "server", "restore", str(archive)], target_env)
    assert again.returncode != 0
    assert "không trống" in again.stderr and "run it again with --force" in again.stderr
    forced = _run([PICCOLO, "server", "restore", str(archive), "--force"], target_env)
    assert forced.returncode == 0, forced.stderr
    assert await fingerprint(empty_target) == await fingerprint(source)


async def test_missing_pg_dump_is_named_with_the_package_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH where no pg_dump lives
    install = Install("postgresql://postgres@127.0.0.1:1/nowhere", tmp_path / "x.sqlite3", tmp_path / "up")

    with pytest.raises(BackupError) as refused:
        await backup(install, tmp_path / "backup.tar.gz")
    assert "pg_dump was not found" in str(refused.value) and "postgresql-client" in str(refused.value)
    assert not (tmp_path / "backup.tar.gz").exists()


def test_backup_module_stays_free_of_litestar():
    code = (
        "import sys, server.backup, server.commands; print(sorted(m for m in sys.modules if m.startswith('litestar')))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
