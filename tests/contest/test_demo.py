"""The demo seed's contests: a full open contest and a finished one, seeded once."""

from __future__ import annotations

import pytest

from accounts.tables import Hamlet, User
from contest import services
from contest.phases import Phase, phase_of
from contest.tables import Contest, Idea, IdeaMember, IdeaRevision, IdeaStatus

pytestmark = pytest.mark.integration

OPEN = "y-tuong-sang-tao-2026"
FINISHED = "y-tuong-sang-tao-2025"


async def counts() -> dict[str, int]:
    return {table.__name__: await table.count() for table in (User, Contest, Idea, IdeaMember, IdeaRevision)}


async def test_demo_contests(db, clock):
    from contest.demo import DEMO_PASSWORD
    from server import demo

    assert DEMO_PASSWORD == demo.DEMO_PASSWORD
    await demo.seed(now=clock())

    open_contest = await services.contest_by_slug(OPEN)
    _, total = await services.gallery(open_contest["id"], per_page=100)
    assert total >= 30
    ideas = await Idea.select(Idea.category, Idea.hamlet, Idea.status).where(Idea.contest == open_contest["id"])
    public = [i for i in ideas if i["status"] == IdeaStatus.submitted.value]
    categories = {c["id"] for c in await services.categories_of(open_contest["id"])}
    assert len(categories) == 6 and {i["category"] for i in public} == categories
    hamlets = {h["id"] for h in await Hamlet.select(Hamlet.id).where(Hamlet.commune == open_contest["commune"])}
    assert len(hamlets) == 6 and {i["hamlet"] for i in public} == hamlets
    statuses = [i["status"] for i in ideas]
    assert statuses.count(IdeaStatus.draft.value) == 3 and statuses.count(IdeaStatus.withdrawn.value) == 1
    open_round = (await services.rounds_of(open_contest["id"]))[0]
    assert phase_of(open_round, clock()) is Phase.submission

    finished = await services.contest_by_slug(FINISHED)
    [round_] = await services.rounds_of(finished["id"])
    assert phase_of(round_, clock()) is Phase.results
    done = await Idea.select(Idea.code, Idea.status).where(Idea.contest == finished["id"])
    assert len(done) == 12 and all(i["code"].startswith("AK-2025-") for i in done)
    assert [i["status"] for i in done].count(IdeaStatus.awarded.value) == 3
    assert [i["status"] for i in done].count(IdeaStatus.finalist.value) == 3

    before = await counts()
    await demo.seed(now=clock())
    assert await counts() == before
