"""What the contests keep about a person, for their personal-data export (layout in the README).

Ideas they lead or joined (with every revision and the names of their files), team
invitations, their own votes (with the receipts), reports they made and, for judges, their
panels, declarations and score sheets. No other person's data: team-mates appear by name only.
"""

from __future__ import annotations

from typing import Any

from accounts.personal_data import rows
from contest.tables import (
    Attachment,
    ConflictDeclaration,
    Idea,
    IdeaMember,
    IdeaReport,
    IdeaRevision,
    PanelMember,
    ScoreSheet,
    Vote,
)


async def contest_sections(user_id: int) -> dict[str, Any]:
    memberships = (
        await IdeaMember.select(
            IdeaMember.idea.code,
            IdeaMember.idea.title,
            IdeaMember.contact,
            IdeaMember.status,
            IdeaMember.invited_at,
            IdeaMember.responded_at,
            IdeaMember.idea,
        )
        .where(IdeaMember.user == user_id)
        .order_by(IdeaMember.invited_at)
    )
    led = await Idea.select(Idea.id).where(Idea.lead == user_id)
    joined = [m["idea"] for m in memberships if m["status"] == "accepted"]
    idea_ids = sorted({r["id"] for r in led} | set(joined))
    ideas = []
    if idea_ids:
        found = (
            await Idea.select(
                Idea.id,
                Idea.code,
                Idea.contest.title,
                Idea.round.name,
                Idea.lead,
                Idea.title,
                Idea.summary,
                Idea.category.name,
                Idea.hamlet.name,
                Idea.problem,
                Idea.solution,
                Idea.beneficiaries,
                Idea.resources,
                Idea.budget_vnd,
                Idea.stage,
                Idea.body,
                Idea.video_url,
                Idea.status,
                Idea.withdrawn_reason,
                Idea.hidden,
                Idea.hidden_reason,
                Idea.created_at,
                Idea.updated_at,
                Idea.submitted_at,
            )
            .where(Idea.id.is_in(idea_ids))
            .order_by(Idea.created_at)
        )
        revisions = (
            await IdeaRevision.select(
                IdeaRevision.idea, IdeaRevision.number, IdeaRevision.created_at, IdeaRevision.snapshot
            )
            .where(IdeaRevision.idea.is_in(idea_ids) & (IdeaRevision.author == user_id))
            .order_by(IdeaRevision.number)
        )
        files = await Attachment.select(
            Attachment.idea, Attachment.original_name, Attachment.content_type, Attachment.size, Attachment.created_at
        ).where(Attachment.idea.is_in(idea_ids))
        for idea in found:
            item = rows([idea])[0]
            item["my_role"] = "lead" if idea.pop("lead") == user_id else "member"
            item.pop("lead", None)
            item.pop("id", None)
            item["revisions"] = [
                {k: v for k, v in r.items() if k != "idea"}
                for r in rows([r for r in revisions if r["idea"] == idea["id"]])
            ]
            item["attachments"] = [
                {k: v for k, v in f.items() if k != "idea"} for f in rows([f for f in files if f["idea"] == idea["id"]])
            ]
            ideas.append(item)
    votes = (
        await Vote.select(
            Vote.round._.contest.title,
            Vote.round.name,
            Vote.idea.code,
            Vote.idea.title,
            Vote.receipt,
            Vote.created_at,
            Vote.voided,
            Vote.void_reason,
        )
        .where(Vote.voter == user_id)
        .order_by(Vote.created_at)
    )
    reports = (
        await IdeaReport.select(IdeaReport.idea.code, IdeaReport.reason, IdeaReport.created_at)
        .where(IdeaReport.reporter == user_id)
        .order_by(IdeaReport.created_at)
    )
    panels = await PanelMember.select(
        PanelMember.round._.contest.title,
        PanelMember.round.name,
        PanelMember.contact,
        PanelMember.accepted,
        PanelMember.added_at,
    ).where(PanelMember.judge == user_id)
    declarations = await ConflictDeclaration.select(
        ConflictDeclaration.round._.contest.title,
        ConflictDeclaration.round.name,
        ConflictDeclaration.signed_at,
        ConflictDeclaration.statement,
        ConflictDeclaration.relatives,
    ).where(ConflictDeclaration.judge == user_id)
    sheets = await ScoreSheet.select(
        ScoreSheet.round.name,
        ScoreSheet.idea.code,
        ScoreSheet.status,
        ScoreSheet.total,
        ScoreSheet.overall_comment,
        ScoreSheet.abstain_reason,
        ScoreSheet.updated_at,
        ScoreSheet.submitted_at,
    ).where(ScoreSheet.judge == user_id)
    return {
        "ideas": ideas,
        "team_memberships": [{k: v for k, v in m.items() if k != "idea"} for m in rows(memberships)],
        "votes": rows(votes),
        "reports": rows(reports),
        "judging": {"panels": rows(panels), "declarations": rows(declarations), "score_sheets": rows(sheets)},
    }
