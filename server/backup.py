"""Backup and restore of a whole install — the database and the uploads — in one ``.tar.gz`` file.

``piccolo server backup PATH`` and ``piccolo server restore PATH [--force]`` are thin wrappers
around :func:`backup` and :func:`restore` here.

Why here, in ``server/``: a backup is an operation on a deployment (the database named by the
settings plus the ``UPLOAD_DIR`` folder), not a rule of the domain, so it sits beside the settings
and the other commands. It imports neither Litestar nor any controller, so the CLI stays light
and the module is testable on its own: every function takes an :class:`Install` (where the data
lives), never the process environment.

The file::

    manifest.json                 format and version, engine, created at, migrations applied,
                                  row count per table, and size + SHA-256 of every other member
    database/sangtao.sqlite3      SQLite: a copy made with the online backup API (consistent
                                  while the app runs and writes, WAL or not)
    database/sangtao.pgdump       PostgreSQL: ``pg_dump --format=custom``, taken in the same
                                  snapshot as the row counts of the manifest
    uploads/…                     every file under UPLOAD_DIR, same relative paths

A restore reads the manifest, unpacks every member into a staging folder while checking its
size and SHA-256 (a changed, missing or extra member refuses the whole file before the install
is touched), refuses an install that already holds data unless forced, then restores the
database (SQLite: the backup API into the database file; PostgreSQL: ``pg_restore --clean
--if-exists --no-owner --single-transaction``), replaces the uploads, and checks the row counts
against the manifest.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, unquote, urlparse

FORMAT = "sangtao-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/sangtao.sqlite3"
POSTGRES_MEMBER = "database/sangtao.pgdump"
UPLOADS_PREFIX = "uploads/"
MIGRATION_TABLE = "migration"  # Piccolo's record of applied migrations: present in an empty install
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Vietnamese, then English)."""


def _both(vi: str, en: str) -> str:
    return f"{vi}\n{en}"


@dataclass(frozen=True)
class Install:
    """Where one install keeps its data: the database (URL or SQLite file) and the uploads folder."""

    database_url: str
    sqlite_path: Path
    upload_dir: Path

    @classmethod
    def from_settings(cls, settings) -> Install:
        return cls(settings.database_url, Path(settings.sqlite_path), Path(settings.upload_dir))

    @property
    def engine(self) -> str:
        return "postgres" if self.database_url.startswith(("postgres://", "postgresql://")) else "sqlite"

    @property
    def database_label(self) -> str:
        if self.engine == "sqlite":
            return str(self.sqlite_path)
        parts = urlparse(self.database_url)
        return f"{parts.hostname or '127.0.0.1'}:{parts.port or 5432}/{(parts.path or '/').lstrip('/')}"


@dataclass
class Outcome:
    """What a backup wrote or a restore put back, for the command to print."""

    path: Path
    manifest: dict
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0
    notes: list[str] = field(default_factory=list)
    into: str = ""

    def lines(self, verb: str) -> list[str]:
        rows = sum(self.tables.values())
        filled = sum(1 for n in self.tables.values() if n)
        migrations = self.manifest.get("migrations", {})
        out = [
            f"{verb}: {self.path}" + (f" -> {self.into}" if self.into else ""),
            f"  engine: {self.manifest['engine']}, backup made {self.manifest['created_at']}",
            f"  database: {len(self.tables)} tables ({filled} with rows), {rows} rows",
        ]
        out += [f"    {name}: {count}" for name, count in sorted(self.tables.items()) if count]
        out.append(f"  uploads: {self.files} files, {self.bytes} bytes")
        out.append(
            "  migrations: "
            + (", ".join(f"{app} {len(ids)}" for app, ids in sorted(migrations.items())) or "none recorded")
        )
        out += [f"  {note}" for note in self.notes]
        return out


# --------------------------------------------------------------------------------------------- helpers


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _upload_files(root: Path) -> list[tuple[str, Path]]:
    """Every regular file under ``root`` as (relative POSIX path, path), sorted; symlinks are not followed."""
    if not root.is_dir():
        return []
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    return found


def _safe_relative(name: str) -> PurePosixPath:
    """A member path that stays inside the folder it is unpacked into, or ``BackupError``."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or "\\" in name or any(part in ("", ".", "..") for part in name.split("/")):
        raise BackupError(
            _both(f"Tệp sao lưu chứa đường dẫn không hợp lệ: {name!r}.", f"The backup holds an unsafe path: {name!r}.")
        )
    return path


# --------------------------------------------------------------------------------------------- SQLite


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in _sqlite_tables(conn)}


def _sqlite_migrations(conn: sqlite3.Connection) -> dict[str, list[str]]:
    if MIGRATION_TABLE not in _sqlite_tables(conn):
        return {}
    return _group_migrations(conn.execute(f'SELECT app_name, name FROM "{MIGRATION_TABLE}"').fetchall())


def _group_migrations(rows) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for app_name, name in rows:
        grouped.setdefault(app_name, []).append(name)
    return {app: sorted(ids) for app, ids in sorted(grouped.items())}


def _sqlite_dump(install: Install, dest: Path) -> tuple[dict[str, int], dict[str, list[str]], dict]:
    if not install.sqlite_path.is_file():
        raise BackupError(
            _both(
                f"Không có cơ sở dữ liệu SQLite tại {install.sqlite_path}.",
                f"There is no SQLite database at {install.sqlite_path}.",
            )
        )
    source = sqlite3.connect(install.sqlite_path, timeout=30)
    copy = sqlite3.connect(dest)
    try:
        # The online backup API copies a consistent snapshot while the app goes on writing.
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        check = copy.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(
                _both(
                    f"Cơ sở dữ liệu bị lỗi, không sao lưu: {check}",
                    f"The database is damaged, no backup written: {check}",
                )
            )
        counts, migrations = _sqlite_counts(copy), _sqlite_migrations(copy)
    finally:
        copy.close()
        source.close()
    return counts, migrations, {"sqlite_version": sqlite3.sqlite_version}


def _sqlite_is_empty(install: Install) -> dict[str, int]:
    """Tables of the install's SQLite database holding rows (Piccolo's migration record aside)."""
    if not install.sqlite_path.is_file() or install.sqlite_path.stat().st_size == 0:
        return {}
    conn = sqlite3.connect(install.sqlite_path, timeout=30)
    try:
        return {name: n for name, n in _sqlite_counts(conn).items() if n and name != MIGRATION_TABLE}
    finally:
        conn.close()


def _sqlite_restore(install: Install, staged: Path) -> dict[str, int]:
    install.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(staged)
    target = sqlite3.connect(install.sqlite_path, timeout=30)
    try:
        # The backup API again, the other way: it replaces every page of the target under its lock,
        # so a WAL file next to the target cannot resurrect old rows.
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        check = target.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(
                _both(
                    f"Cơ sở dữ liệu sau khi khôi phục bị lỗi: {check}",
                    f"The restored database fails its check: {check}",
                )
            )
        return _sqlite_counts(target)
    finally:
        target.close()
        source.close()


# --------------------------------------------------------------------------------------------- PostgreSQL


def _pg_env(url: str) -> dict[str, str]:
    """libpq's environment for ``url`` (the password stays out of the process list)."""
    parts = urlparse(url)
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": parts.hostname or "127.0.0.1",
            "PGPORT": str(parts.port or 5432),
            "PGUSER": unquote(parts.username or "postgres"),
            "PGDATABASE": unquote((parts.path or "/").lstrip("/")) or "sangtao",
        }
    )
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    sslmode = parse_qs(parts.query).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode[0]
    return env


def _tool(name: str) -> tuple[str, int]:
    """Path and major version of a PostgreSQL client tool, or a clear ``BackupError``."""
    path = shutil.which(name)
    if not path:
        raise BackupError(
            _both(
                f"Không tìm thấy {name}. Hãy cài gói postgresql-client của Debian (apt-get install postgresql-client), "
                "cùng phiên bản chính với máy chủ PostgreSQL hoặc mới hơn.",
                f"{name} was not found. Install Debian's postgresql-client (apt-get install postgresql-client), "
                "of the PostgreSQL server's major version or newer.",
            )
        )
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return path, int(match.group(1)) if match else 0


async def _pg_connect(install: Install):
    import asyncpg

    try:
        return await asyncpg.connect(install.database_url, timeout=10)
    except asyncpg.InvalidCatalogNameError as exc:
        raise BackupError(
            _both(
                f"Cơ sở dữ liệu {install.database_label} chưa tồn tại; hãy tạo nó trước (createdb).",
                f"The database {install.database_label} does not exist; create it first (createdb).",
            )
        ) from exc
    except (OSError, asyncpg.PostgresError) as exc:
        raise BackupError(
            _both(
                f"Không kết nối được PostgreSQL {install.database_label}: {exc}",
                f"Cannot connect to PostgreSQL {install.database_label}: {exc}",
            )
        ) from exc


async def _pg_tables(conn) -> list[str]:
    rows = await conn.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    return [r["table_name"] for r in rows]


async def _pg_counts(conn) -> dict[str, int]:
    return {name: await conn.fetchval(f'SELECT COUNT(*) FROM "{name}"') for name in await _pg_tables(conn)}


async def _pg_major(conn) -> int:
    return int(await conn.fetchval("SHOW server_version_num")) // 10000


async def _pg_dump(install: Install, dest: Path) -> tuple[dict[str, int], dict[str, list[str]], dict]:
    pg_dump, dump_major = _tool("pg_dump")
    conn = await _pg_connect(install)
    try:
        server_major = await _pg_major(conn)
        if dump_major < server_major:
            raise BackupError(
                _both(
                    f"pg_dump {dump_major} cũ hơn máy chủ PostgreSQL {server_major}: "
                    f"hãy cài postgresql-client-{server_major}.",
                    f"pg_dump {dump_major} is older than the PostgreSQL server {server_major}: "
                    f"install postgresql-client-{server_major}.",
                )
            )
        # One snapshot for the counts in the manifest and for pg_dump: they describe the same rows.
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
            counts = await _pg_counts(conn)
            migrations = {}
            if MIGRATION_TABLE in counts:
                rows = await conn.fetch(f'SELECT app_name, name FROM "{MIGRATION_TABLE}"')
                migrations = _group_migrations([(r["app_name"], r["name"]) for r in rows])
            done = await asyncio.to_thread(
                subprocess.run,
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={dest}"],
                env=_pg_env(install.database_url),
                capture_output=True,
                text=True,
                check=False,
            )
        if done.returncode != 0:
            raise BackupError(
                _both(f"pg_dump thất bại: {done.stderr.strip()}", f"pg_dump failed: {done.stderr.strip()}")
            )
    finally:
        await conn.close()
    return counts, migrations, {"pg_dump_version": dump_major, "server_version": server_major}


async def _pg_filled(install: Install) -> dict[str, int]:
    conn = await _pg_connect(install)
    try:
        return {name: n for name, n in (await _pg_counts(conn)).items() if n and name != MIGRATION_TABLE}
    finally:
        await conn.close()


async def _pg_restore(install: Install, staged: Path) -> dict[str, int]:
    pg_restore, _ = _tool("pg_restore")
    done = await asyncio.to_thread(
        subprocess.run,
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_pg_env(install.database_url)['PGDATABASE']}",
            str(staged),
        ],
        env=_pg_env(install.database_url),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(
            _both(
                f"pg_restore thất bại (cơ sở dữ liệu không thay đổi): {done.stderr.strip()}",
                f"pg_restore failed (the database is unchanged): {done.stderr.strip()}",
            )
        )
    conn = await _pg_connect(install)
    try:
        return await _pg_counts(conn)
    finally:
        await conn.close()


# --------------------------------------------------------------------------------------------- backup


class _HashingReader(io.RawIOBase):
    """Reads a file into the archive and hashes exactly the bytes that went in."""

    def __init__(self, fh):
        self.fh, self.digest = fh, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.digest.update(data)
        return data


def _add_file(archive: tarfile.TarFile, name: str, path: Path, size: int, sha256: str, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    with path.open("rb") as fh:
        reader = _HashingReader(fh)
        archive.addfile(info, reader)
    if reader.digest.hexdigest() != sha256:
        raise BackupError(
            _both(
                f"Tệp {path} thay đổi trong lúc sao lưu; hãy chạy lại.",
                f"The file {path} changed during the backup; run it again.",
            )
        )


async def backup(install: Install, target: Path, *, now: dt.datetime | None = None) -> Outcome:
    """Write the database and the uploads of ``install`` into the archive ``target`` (mode 0600).

    The archive is written next to ``target`` and renamed into place at the end, so ``target``
    is either the previous file or the complete new one.
    """
    now = now or dt.datetime.now(dt.UTC)
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".sangtao-backup-", dir=target.parent))
    try:
        if install.engine == "sqlite":
            db_member, db_file = SQLITE_MEMBER, work / "sangtao.sqlite3"
            counts, migrations, versions = await asyncio.to_thread(_sqlite_dump, install, db_file)
        else:
            db_member, db_file = POSTGRES_MEMBER, work / "sangtao.pgdump"
            counts, migrations, versions = await _pg_dump(install, db_file)
        entries = [(db_member, db_file)]
        entries += [(UPLOADS_PREFIX + rel, path) for rel, path in _upload_files(install.upload_dir)]
        members = []
        for name, path in entries:
            stat = path.stat()
            members.append(
                {
                    "path": name,
                    "size": stat.st_size,
                    "sha256": await asyncio.to_thread(_sha256_file, path),
                    "mtime": stat.st_mtime,
                }
            )
        uploads = [m for m in members if m["path"].startswith(UPLOADS_PREFIX)]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "engine": install.engine,
            "created_at": now.astimezone(dt.UTC).isoformat(timespec="seconds"),
            **versions,
            "migrations": migrations,
            "tables": counts,
            "database": db_member,
            "uploads": {"files": len(uploads), "bytes": sum(m["size"] for m in uploads)},
            "file_count": len(members),
            "members": [{k: m[k] for k in ("path", "size", "sha256")} for m in members],
        }
        partial = work / "backup.tar.gz"

        def write() -> None:
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
                archive.addfile(info, io.BytesIO(data))
                for (name, path), member in zip(entries, members, strict=False):
                    _add_file(archive, name, path, member["size"], member["sha256"], member["mtime"])
            os.chmod(partial, 0o600)  # the file holds personal data and password hashes
            with partial.open("rb") as fh:
                os.fsync(fh.fileno())
            os.replace(partial, target)

        await asyncio.to_thread(write)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Outcome(target, manifest, counts, manifest["uploads"]["files"], manifest["uploads"]["bytes"])


# --------------------------------------------------------------------------------------------- restore


def _tampered(detail: str) -> BackupError:
    return BackupError(
        _both(
            f"Tệp sao lưu không toàn vẹn ({detail}); không khôi phục gì cả.",
            f"The backup file fails its checksums ({detail}); nothing was restored.",
        )
    )


def read_manifest(path: Path) -> dict:
    """The manifest of the archive at ``path`` (checked for format and version, not yet for checksums)."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            first = archive.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise _tampered("manifest.json is not its first member")
            manifest_file = archive.extractfile(first)
            assert manifest_file is not None  # a regular file (checked above)
            manifest = json.loads(manifest_file.read())
    except (OSError, tarfile.TarError, EOFError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise BackupError(_both(f"Không có tệp {path}.", f"There is no file {path}.")) from exc
        raise BackupError(
            _both(f"{path} không phải tệp sao lưu đọc được: {exc}", f"{path} is not a readable backup file: {exc}")
        ) from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _both(
                f"Định dạng tệp sao lưu không được hỗ trợ: {manifest.get('format')} {manifest.get('format_version')}.",
                f"Unsupported backup format: {manifest.get('format')} {manifest.get('format_version')}.",
            )
        )
    return manifest


def unpack_verified(path: Path, manifest: dict, staging: Path) -> None:
    """Unpack every member into ``staging``, checking it against the manifest; ``BackupError`` on any mismatch."""
    expected = {m["path"]: m for m in manifest["members"]}
    if len(expected) != len(manifest["members"]) or manifest.get("file_count") != len(expected):
        raise _tampered("the manifest's file list does not add up")
    if manifest.get("database") not in expected:
        raise _tampered("no database in the file")
    seen: set[str] = set()
    try:
        with tarfile.open(path, "r:gz") as archive:
            for index, info in enumerate(archive):
                if index == 0 and info.name == MANIFEST:
                    continue
                member = expected.get(info.name)
                if member is None or info.name in seen or not info.isfile():
                    raise _tampered(f"unexpected member {info.name!r}")
                seen.add(info.name)
                out = staging / _safe_relative(info.name)
                out.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                member_file = archive.extractfile(info)
                assert member_file is not None  # a regular file (checked above)
                with member_file as src, out.open("wb") as dst:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        dst.write(chunk)
                if size != member["size"] or digest.hexdigest() != member["sha256"]:
                    raise _tampered(f"{info.name} differs from its SHA-256")
    except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
        raise _tampered(f"unreadable archive: {exc}") from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise _tampered(f"{len(missing)} members missing, e.g. {missing[0]}")


def code_migrations() -> dict[str, list[str]]:
    """The migration ids this code base ships, per app (needs ``piccolo_conf``)."""
    from piccolo.apps.migrations.commands.base import BaseMigrationManager

    manager = BaseMigrationManager()
    found = {}
    for module in manager.get_app_modules():
        config = module.APP_CONFIG
        ids = manager.get_migration_ids(manager.get_migration_modules(config.resolved_migrations_folder_path))
        if ids:
            found[config.app_name] = ids
    return found


def _migration_notes(backed_up: dict[str, list[str]]) -> list[str]:
    try:
        shipped = code_migrations()
    except Exception:  # noqa: BLE001 - only a hint for the operator
        return []
    ahead = sorted(f"{app}:{i}" for app, ids in backed_up.items() for i in set(ids) - set(shipped.get(app, [])))
    behind = sorted(f"{app}:{i}" for app, ids in shipped.items() for i in set(ids) - set(backed_up.get(app, [])))
    notes = []
    if ahead:
        notes.append(
            "WARNING: the backup comes from a newer version of the app (migrations unknown here: "
            + ", ".join(ahead)
            + "); install that version before running the app."
        )
    if behind:
        notes.append(
            f"The backup is older than this code ({len(behind)} migrations to apply): "
            "run `piccolo migrations forwards all` before starting the app."
        )
    return notes


def _replace_uploads(target: Path, staged: Path) -> None:
    """Make ``target`` hold exactly the staged files (a mount point stays a mount point)."""
    target.mkdir(parents=True, exist_ok=True)
    for child in list(target.iterdir()):
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if staged.is_dir():
        for child in list(staged.iterdir()):
            shutil.move(str(child), str(target / child.name))


async def restore(install: Install, source: Path, *, force: bool = False) -> Outcome:
    """Restore the archive ``source`` into ``install``; refuses an install with data unless ``force``.

    Stop the app first: a restore replaces the whole database and the whole uploads folder.
    """
    source = Path(source).resolve()
    manifest = read_manifest(source)
    if manifest.get("engine") != install.engine:
        raise BackupError(
            _both(
                f"Bản sao lưu dùng {manifest.get('engine')}, còn bản cài đặt này dùng {install.engine}: "
                "không khôi phục được sang cơ sở dữ liệu khác loại.",
                f"The backup is of a {manifest.get('engine')} database and this install uses {install.engine}: "
                "restoring across database engines is not supported.",
            )
        )
    staging_parent = install.upload_dir.parent
    staging_parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".sangtao-restore-", dir=staging_parent))
    try:
        await asyncio.to_thread(unpack_verified, source, manifest, staging)
        filled = (
            await asyncio.to_thread(_sqlite_is_empty, install)
            if install.engine == "sqlite"
            else await _pg_filled(install)
        )
        present = len(_upload_files(install.upload_dir))
        if (filled or present) and not force:
            rows = sum(filled.values())
            raise BackupError(
                _both(
                    f"Bản cài đặt đích không trống ({len(filled)} bảng có {rows} dòng dữ liệu, {present} tệp tải lên). "
                    "Khôi phục sẽ xoá toàn bộ dữ liệu này; nếu chắc chắn, chạy lại với --force.",
                    f"The target install is not empty ({len(filled)} tables hold {rows} rows, {present} uploaded files). "
                    "A restore replaces all of it; if you are sure, run it again with --force.",
                )
            )
        staged_db = staging / manifest["database"]
        if install.engine == "sqlite":
            counts = await asyncio.to_thread(_sqlite_restore, install, staged_db)
        else:
            counts = await _pg_restore(install, staged_db)
        await asyncio.to_thread(_replace_uploads, install.upload_dir, staging / UPLOADS_PREFIX.rstrip("/"))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    expected = manifest.get("tables", {})
    wrong = sorted(name for name, n in expected.items() if counts.get(name) != n)
    if wrong:
        raise BackupError(
            _both(
                f"Số dòng sau khi khôi phục khác với bản sao lưu ở các bảng: {', '.join(wrong)}.",
                f"Row counts after the restore differ from the backup in: {', '.join(wrong)}.",
            )
        )
    files = _upload_files(install.upload_dir)
    outcome = Outcome(
        source, manifest, {n: counts[n] for n in expected}, len(files), sum(p.stat().st_size for _, p in files)
    )
    outcome.notes = _migration_notes(manifest.get("migrations", {}))
    outcome.into = f"{install.database_label} + {install.upload_dir}"
    return outcome
