"""The demo stays outside the domain: no domain package imports ``demo``, and ``demo`` uses the domain
packages but never ``litestar`` or ``server`` (the server calls it); every data file of the demo reads."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ("accounts", "contest", "mentoring", "city")


def _imported(path: Path) -> Iterator[str]:
    """The top-level packages a module imports (anywhere in it, functions included)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def test_no_domain_package_imports_the_demo():
    offenders = [
        str(path.relative_to(ROOT))
        for package in DOMAIN
        for path in sorted((ROOT / package).rglob("*.py"))
        if "demo" in set(_imported(path))
    ]
    assert offenders == []


def test_the_demo_imports_neither_litestar_nor_server():
    offenders = {
        str(path.relative_to(ROOT)): sorted(set(_imported(path)) & {"litestar", "server"})
        for path in sorted((ROOT / "demo").rglob("*.py"))
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_every_data_file_of_the_demo_reads():
    from demo import load

    names = sorted(path.stem for path in load.DATA_DIR.glob("*.toml"))
    assert names == ["city", "contests", "mentoring", "people", "tan_minh"]
    for name in names:
        assert load.data(name)
