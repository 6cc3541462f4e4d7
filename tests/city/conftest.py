"""The city's tests build domain state without the app: they register the hooks between domain packages
(the city final's conflicts and voter communes) as the app factory does."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def domain_hooks():
    from server.app import register_hooks

    register_hooks()
