"""Handlers never decide tenancy themselves: they pass the caller's scope to the domain, which loads
the object within it (accounts.scope). A handler that compares a commune's, round's or contest's id
would be a second, easily forgotten, rule."""

from __future__ import annotations

import re
from pathlib import Path

SERVER = Path(__file__).resolve().parents[2] / "server"
COMPARISON = re.compile(
    r"""\[["'](commune|round|contest)(\.\w+)*["']\]\s*(==|!=)"""  # row["commune"] != …
    r"""|\b(commune_id|round_id|contest_id)\s*(==|!=)"""  # commune_id == …
)


def test_no_handler_compares_commune_round_or_contest_ids():
    found = []
    for path in sorted([*SERVER.glob("controllers/*.py"), SERVER / "web.py", SERVER / "context.py"]):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if COMPARISON.search(line):
                found.append(f"{path.relative_to(SERVER.parent)}:{number}: {line.strip()}")
    assert found == []
