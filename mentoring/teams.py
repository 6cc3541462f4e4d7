"""Teams that may get mentoring (the leads of shortlisted, finalist, awarded or incubated ideas)
and the needs they state for requests and matching."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from accounts import limits
from accounts.errors import NotFound, PermissionDenied, ValidationFailed
from accounts.i18n import N_
from accounts.text import as_id
from contest.tables import Idea, IdeaStatus
from mentoring.common import EXPERTISE, SECTORS, SLOTS, STAGE_LABELS, clean_list, from_json
from mentoring.tables import (
    IncubationRecord,
    TeamNeed,
)

MENTORABLE = [IdeaStatus.shortlisted.value, IdeaStatus.finalist.value, IdeaStatus.awarded.value]


async def team_ideas(user_id: int) -> list[dict[str, Any]]:
    """Ideas a person leads that may get mentoring: shortlisted, finalist, awarded, or in incubation."""
    incubating = [r["idea"] for r in await IncubationRecord.select(IncubationRecord.idea)]
    clause = Idea.status.is_in(MENTORABLE)
    if incubating:
        clause = clause | Idea.id.is_in(incubating)
    return (
        await Idea.select(Idea.id, Idea.code, Idea.title, Idea.status, Idea.category.name)
        .where((Idea.lead == user_id) & clause)
        .order_by(Idea.id)
    )


async def lead_idea(idea_id: int, user_id: int) -> dict[str, Any]:
    ideas = {i["id"]: i for i in await team_ideas(user_id)}
    if idea_id not in ideas:
        if not await Idea.exists().where(Idea.id == idea_id):
            raise NotFound(N_("This idea does not exist."))
        raise PermissionDenied(N_("Only the lead of a shortlisted or awarded idea can do this."))
    return ideas[idea_id]


async def needs_of(idea_id: int) -> dict[str, Any]:
    row = await TeamNeed.select().where(TeamNeed.idea == idea_id).first()
    if row is None:
        return {
            "idea": idea_id,
            "needs": [],
            "sector": "",
            "stage": "idea",
            "languages": ["vi"],
            "availability": [],
            "mode": "any",
            "place": "",
            "preferred": [],
        }
    for key in ("needs", "languages", "availability", "preferred"):
        row[key] = from_json(row[key])
    return row


async def save_needs(idea_id: int, values: dict[str, Any], *, user_id: int, now: dt.datetime) -> None:
    await lead_idea(idea_id, user_id)
    limits.check("team_need", {"place": str(values.get("place", "")).strip()})
    needs = clean_list(values.get("needs"), EXPERTISE)
    if not needs:
        raise ValidationFailed({"needs": N_("Choose at least one thing the team needs help with.")})
    preferred = [i for i in map(as_id, clean_list(values.get("preferred"))) if i][:3]
    data = {
        "needs": json.dumps(needs),
        "sector": values.get("sector") if values.get("sector") in SECTORS else "",
        "stage": values.get("stage") if values.get("stage") in STAGE_LABELS else "idea",
        "languages": json.dumps(clean_list(values.get("languages"), ("vi", "en")) or ["vi"]),
        "availability": json.dumps(clean_list(values.get("availability"), SLOTS, 21)),
        "mode": values.get("mode") if values.get("mode") in ("online", "in_person", "any") else "any",
        "place": str(values.get("place", "")).strip(),
        "preferred": json.dumps(preferred),
        "updated_at": now,
    }
    await TeamNeed.insert(TeamNeed(idea=idea_id, **data)).on_conflict(
        target=(TeamNeed.idea,), action="DO UPDATE", values=[getattr(TeamNeed, k) for k in data]
    )
