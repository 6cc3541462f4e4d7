"""Hooks between domain packages are registered by the app factory, not by importing a module."""

from __future__ import annotations

import subprocess
import sys

from accounts import events
from contest import judging, results_cache
from mentoring import mentorships
from server.app import create_app, register_hooks
from server.settings import get_settings


def test_the_app_factory_registers_the_conflict_source_and_the_results_listener(monkeypatch):
    monkeypatch.setattr(judging, "CONFLICT_SOURCES", [])
    monkeypatch.setattr(events, "_listeners", [])
    create_app(get_settings(), run_workers=False)
    assert list(judging.CONFLICT_SOURCES) == [mentorships.mentor_conflicts]
    assert results_cache.forget_on_change in events._listeners


def test_registering_twice_changes_nothing(monkeypatch):
    monkeypatch.setattr(judging, "CONFLICT_SOURCES", [])
    monkeypatch.setattr(events, "_listeners", [])
    register_hooks()
    register_hooks()
    assert list(judging.CONFLICT_SOURCES) == [mentorships.mentor_conflicts]
    assert events._listeners.count(results_cache.forget_on_change) == 1


def test_importing_the_mentoring_modules_registers_nothing():
    code = (
        "import mentoring.directory, mentoring.mentorships, mentoring.requests, mentoring.workshops\n"
        "from contest import judging\n"
        "assert judging.CONFLICT_SOURCES == [], judging.CONFLICT_SOURCES\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
