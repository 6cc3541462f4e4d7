"""Hooks between domain packages are registered by the app factory, not by importing a module."""

from __future__ import annotations

import subprocess
import sys

from accounts import events
from city import final
from contest import judging, results_cache, voting
from mentoring import mentorships
from server.app import create_app, register_hooks
from server.settings import get_settings


def test_the_app_factory_registers_the_conflict_sources_the_voter_communes_and_the_results_listener(monkeypatch):
    monkeypatch.setattr(judging, "CONFLICT_SOURCES", [])
    monkeypatch.setattr(voting, "VOTER_COMMUNES", [])
    monkeypatch.setattr(events, "_listeners", [])
    create_app(get_settings(), run_workers=False)
    assert list(judging.CONFLICT_SOURCES) == [mentorships.mentor_conflicts, final.city_conflicts]
    assert list(voting.VOTER_COMMUNES) == [final.participating_communes]
    assert results_cache.forget_on_change in events._listeners


def test_registering_twice_changes_nothing(monkeypatch):
    monkeypatch.setattr(judging, "CONFLICT_SOURCES", [])
    monkeypatch.setattr(voting, "VOTER_COMMUNES", [])
    monkeypatch.setattr(events, "_listeners", [])
    register_hooks()
    register_hooks()
    assert list(judging.CONFLICT_SOURCES) == [mentorships.mentor_conflicts, final.city_conflicts]
    assert list(voting.VOTER_COMMUNES) == [final.participating_communes]
    assert events._listeners.count(results_cache.forget_on_change) == 1


def test_importing_the_mentoring_and_city_modules_registers_nothing():
    code = (
        "import mentoring.directory, mentoring.mentorships, mentoring.requests, mentoring.workshops\n"
        "import city.final, city.staff\n"
        "from contest import judging, voting\n"
        "assert judging.CONFLICT_SOURCES == [], judging.CONFLICT_SOURCES\n"
        "assert voting.VOTER_COMMUNES == [], voting.VOTER_COMMUNES\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
