"""The incubation pipeline: ideas move from idea to prototype, pilot and launch, each stage reached
only when the gate of the previous one is met."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from accounts import audit
from accounts.engine import atomic
from accounts.errors import ValidationFailed
from accounts.i18n import N_
from accounts.scope import Scope, clause, load
from contest.tables import Idea
from mentoring.common import STAGE_LABELS, db, dict_from_json
from mentoring.tables import (
    IncubationRecord,
)

GATES = {
    "idea": [
        ("problem_checked", N_("The problem was checked with at least 10 people")),
        ("team_formed", N_("A team of at least two is committed")),
    ],
    "prototype": [
        ("prototype_built", N_("A first prototype exists")),
        ("users_tested", N_("At least 5 users tried it")),
    ],
    "pilot": [
        ("pilot_run", N_("A pilot ran in the commune for a month")),
        ("costs_known", N_("Costs and price are worked out")),
    ],
    "launched": [
        ("registered", N_("Registered as a household business, cooperative or company")),
        ("first_sales", N_("First customers or users")),
    ],
}


OUTCOMES = {"household": N_("Household business"), "cooperative": N_("Cooperative"), "company": N_("Company")}


@dataclass(frozen=True, slots=True)
class PipelineRow:
    """An idea on the incubation board: where it stands and which gate items it has met."""

    id: int
    idea: int
    code: str
    title: str
    lead_name: str
    stage: str
    checklist: dict[str, list[str]]
    outcome: str
    updated_at: dt.datetime


async def pipeline(*, scope: Scope) -> dict[str, list[PipelineRow]]:
    """The incubation board: ideas by stage, of every commune within ``scope``."""
    condition = clause(IncubationRecord, scope)
    rows = (
        await IncubationRecord.select(
            *IncubationRecord.all_columns(),
            IncubationRecord.idea.code,
            IncubationRecord.idea.title,
            IncubationRecord.idea._.lead.full_name,
        )
        .where(condition if condition is not None else IncubationRecord.id.is_not_null())
        .order_by(IncubationRecord.updated_at, ascending=False)
    )
    board: dict[str, list[PipelineRow]] = {stage: [] for stage in STAGE_LABELS}
    for row in rows:
        board.setdefault(row["stage"], []).append(
            PipelineRow(
                id=row["id"],
                idea=row["idea"],
                code=row["idea.code"],
                title=row["idea.title"],
                lead_name=row["idea.lead.full_name"],
                stage=row["stage"],
                checklist=dict_from_json(row["checklist"]),
                outcome=row["outcome"],
                updated_at=row["updated_at"],
            )
        )
    return board


async def set_stage(
    idea_id: int, *, stage: str, checklist: list[str], outcome: str, actor_id: int, now: dt.datetime, scope: Scope
) -> None:
    """Move an idea along the pipeline; a stage is reached only when the previous gate is met.

    The idea is loaded within ``scope`` (the organizer's communes): an idea of another commune is
    not found and its record stays as it is."""
    idea = await load(Idea, idea_id, scope, Idea.id, Idea.contest.commune, missing=N_("This idea does not exist."))
    if stage not in STAGE_LABELS:
        raise ValidationFailed({"stage": N_("Choose a stage from the list.")})
    order = list(STAGE_LABELS)
    async with atomic(db()):  # the record is read and written, and the move audited, together
        record = await IncubationRecord.select().where(IncubationRecord.idea == idea_id).first()
        current = record["stage"] if record else "idea"
        met = set(checklist)
        if order.index(stage) > order.index(current):
            gate = {key for key, _ in GATES[current]}
            previous = set(dict_from_json(record["checklist"]).get(current, [])) if record else set()
            if not gate <= (met | previous):
                raise ValidationFailed({"stage": N_("The gate of the current stage is not met yet.")})
        if stage == "launched" and outcome not in OUTCOMES:
            raise ValidationFailed(
                {"outcome": N_("Say what the idea became: household business, cooperative or company.")}
            )
        kept = dict_from_json(record["checklist"]) if record else {}
        kept[current] = sorted((set(kept.get(current, [])) | met) & {k for k, _ in GATES[current]})
        values = {
            "stage": stage,
            "checklist": json.dumps(kept),
            "outcome": outcome if stage == "launched" else "",
            "updated_at": now,
        }
        await IncubationRecord.insert(IncubationRecord(idea=idea_id, **values)).on_conflict(
            target=(IncubationRecord.idea,), action="DO UPDATE", values=[getattr(IncubationRecord, k) for k in values]
        )
        await audit.record(
            "incubation.stage",
            actor_id=actor_id,
            target_type="idea",
            target_id=idea_id,
            now=now,
            commune_id=idea["contest.commune"],
            data={"from": current, "to": stage},
        )
