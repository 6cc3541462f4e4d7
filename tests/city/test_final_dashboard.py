"""The Department's figures count each idea once: a city final's entry is a copy of a commune idea
already counted where it was submitted, so confirming a finalist changes neither the ideas nor the
young people counted."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.scope import Scope
from city import dashboard, final
from city.period import Period
from tests.support.city_final import city_final, published_commune

pytestmark = pytest.mark.integration


async def test_a_confirmed_finalist_is_not_counted_twice(commune, other_commune, clock):
    now = clock()
    a = await published_commune(commune, now, tag="ak")
    await published_commune(other_commune, now, tag="tm")
    city = await city_final(now)
    period = Period(first=(now - dt.timedelta(days=400)).date(), last=(now + dt.timedelta(days=1)).date())
    before = await dashboard.compute(period)
    nomination_id = await final.nominate(
        city["final"], a["ideas"][0], actor_id=a["organizer"].id, now=now, scope=Scope.of_communes(a["commune"])
    )
    entry_id = await final.respond(nomination_id, user_id=a["leads"][0].id, accept=True, shared=[], now=now)
    assert entry_id
    after = await dashboard.compute(period)
    assert before.city["ideas"] > 0
    assert after.city["ideas"] == before.city["ideas"]
    assert after.city["youth"] == before.city["youth"]
    assert sum(row["ideas"] for row in after.communes) == after.city["ideas"]
