"""The demo's data files: ``demo/data/<name>.toml``, read once each.

TOML has arrays and tables; the seeding code reads records as tuples (``frozen``) and tables whose
fields are named in the file as tuples in a fixed order (``records``; a field left out is ``None``).
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


@functools.cache
def _read(name: str) -> dict[str, Any]:
    with (DATA_DIR / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


def data(name: str, *, lists_in_tables: bool = False) -> dict[str, Any]:
    """The file's values, arrays as tuples (a fresh copy: the seed may not change the file's values).
    With ``lists_in_tables`` an array that is a table's value stays a list (forms that take lists)."""
    return {key: frozen(value, lists_in_tables=lists_in_tables) for key, value in _read(name).items()}


def frozen(value: Any, *, lists_in_tables: bool = False, in_table: bool = False) -> Any:
    if isinstance(value, dict):
        return {k: frozen(v, lists_in_tables=lists_in_tables, in_table=True) for k, v in value.items()}
    if isinstance(value, list | tuple):
        items = [frozen(v, lists_in_tables=lists_in_tables) for v in value]
        return items if lists_in_tables and in_table else tuple(items)
    return value


def records(rows: Any, *fields: str) -> tuple[tuple[Any, ...], ...]:
    """Tables as tuples of these fields, in this order (a field left out is ``None``)."""
    return tuple(tuple(row.get(field) for field in fields) for row in rows)
