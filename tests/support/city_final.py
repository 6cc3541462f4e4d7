"""Two communes with published results and a city final in its judging phase, for the city final's tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts.scope import PLATFORM
from accounts.tables import Role
from city import final
from contest import judging
from contest.tables import Contest, Criterion, Idea, Round, Score, ScoreSheet
from tests.support.factories import make_contest, make_user


async def published_commune(commune: dict, now: dt.datetime, *, tag: str, ideas: int = 3) -> dict[str, Any]:
    """A commune contest whose round's results are out (10 days ago), ranked by two judges' sheets."""
    contest = await make_contest(commune=commune, now=now, slug=f"y-tuong-{tag}", opens_days=-60, closes_days=-40)
    round_id = contest["round"]
    criterion = Criterion(round=round_id, name="Tính mới", weight=1, scale_min=1, scale_max=5, position=1)
    await criterion.save()
    organizer = await make_user(
        commune=commune,
        now=now,
        roles=(Role.organizer,),
        email=f"btc-{tag}@example.com",
        full_name=f"Ban tổ chức {tag}",
    )
    judges = [
        await make_user(commune=commune, now=now, email=f"gk-{tag}-{i}@example.com", full_name=f"Giám khảo {tag} {i}")
        for i in range(2)
    ]
    leads, idea_ids, sheets = [], [], []
    for i in range(ideas):
        lead = await make_user(
            commune=commune, now=now, email=f"nhom-{tag}-{i}@example.com", full_name=f"Trưởng nhóm {tag} {i}"
        )
        idea = Idea(
            contest=contest["id"],
            round=round_id,
            code=f"{tag.upper()}-2026-{i + 1:03d}",
            lead=lead.id,
            category=contest["categories"][0],
            title=f"Ý tưởng {tag} {i}",
            summary="Tóm tắt ý tưởng.",
            problem="Vấn đề.",
            solution="Giải pháp.",
            status="submitted",
            created_at=now - dt.timedelta(days=50),
            submitted_at=now - dt.timedelta(days=50),
        )
        await idea.save()
        for j, judge in enumerate(judges):
            sheet = ScoreSheet(
                round=round_id,
                judge=judge.id,
                idea=idea.id,
                status="submitted",
                total=90.0 - 10 * i - j,
                overall_comment=f"Nhận xét {j} cho ý tưởng {tag} {i}",
                release_comments=j == 0,
                updated_at=now - dt.timedelta(days=25),
                submitted_at=now - dt.timedelta(days=25),
            )
            await sheet.save()
            await Score(sheet=sheet.id, criterion=criterion.id, value=4, comment=f"Mới ({j})").save()
            sheets.append(sheet.id)
        leads.append(lead)
        idea_ids.append(idea.id)
    await judging.settings_of(round_id)
    return {
        "commune": commune["id"],
        "contest": contest,
        "round": round_id,
        "organizer": organizer,
        "judges": judges,
        "leads": leads,
        "ideas": idea_ids,
        "sheets": sheets,
    }


async def city_final(now: dt.datetime, *, per_commune: int = 2, city_commune: dict | None = None) -> dict[str, Any]:
    """The city level, its organizer and a published city final in its judging phase."""
    level = await final.ensure_city_level(now=now)
    home = city_commune or {"id": level, "hamlets": [None]}
    organizer = await make_user(commune=home, now=now, email="city-btc@example.com", full_name="Cán bộ Sở KH&CN")
    await final.make_city_organizer(organizer.id, now=now)
    contest = Contest(
        commune=level,
        title="Chung kết Sáng tạo trẻ thành phố",
        slug="chung-ket-thanh-pho",
        published=True,
        created_at=now,
        residents_only=False,
    )
    await contest.save()
    round_ = Round(
        contest=contest.id,
        name="Vòng chung kết",
        position=1,
        submission_opens=now - dt.timedelta(days=5),
        submission_closes=now - dt.timedelta(days=1),
        judging_closes=now + dt.timedelta(days=10),
        vote_opens=now + dt.timedelta(days=11),
        vote_closes=now + dt.timedelta(days=15),
        results_at=now + dt.timedelta(days=20),
    )
    await round_.save()
    await Criterion(round=round_.id, name="Tác động", weight=1, scale_min=1, scale_max=5, position=1).save()
    final_id = await final.create_final(
        contest.id, per_commune=per_commune, nominations_close=None, actor_id=organizer.id, now=now, scope=PLATFORM
    )
    return {"level": level, "organizer": organizer, "contest": contest.id, "round": round_.id, "final": final_id}
