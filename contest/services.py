"""Contest services: drafts, submission, codes, revisions, teams, moderation, gallery.

Plain async functions over the tables. Every "only once" / "at most N" rule is enforced in
the database (unique indexes, conditional updates) inside ``atomic`` transactions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from accounts import audit, events, limits, locks, memo, messaging, notifications
from accounts.engine import atomic
from accounts.errors import NotFound, PermissionDenied, ValidationFailed
from accounts.i18n import N_, translate
from accounts.identifiers import IdentifierError, normalise_email, normalise_phone
from accounts.prepared import Prepared
from accounts.scope import Scope, clause, load
from accounts.tables import Commune, Hamlet, User
from accounts.text import fold, search_terms
from contest import forms, markdown, rules
from contest.errors import IdeaError
from contest.tables import (
    Attachment,
    Category,
    CodeCounter,
    Contest,
    Idea,
    IdeaMember,
    IdeaReport,
    IdeaRevision,
    IdeaStatus,
    MemberStatus,
    Round,
)
from contest.uploads import MAX_ATTACHMENTS, StoredFile

MAX_INVITED = 5
REVISION_FIELDS = (
    "title",
    "summary",
    "category",
    "problem",
    "solution",
    "beneficiaries",
    "resources",
    "budget_vnd",
    "stage",
    "body",
    "video_url",
)


def _db():
    return Idea._meta.db


# ---------------------------------------------------------------- contests and rounds


@dataclass(frozen=True, slots=True)
class ContestRow:
    """A contest with its commune's name, code and slug, as its pages and the domain read it."""

    id: int
    commune: int
    title: str
    slug: str
    tagline: str
    description: str
    rules: str
    prizes: str
    min_age: int
    max_age: int
    residents_only: bool
    max_ideas_per_person: int
    published: bool
    cover: str
    created_at: dt.datetime
    commune_name: str
    commune_code: str
    commune_slug: str


# A contest's columns with its commune's name, code and slug under plain keys: what ``ContestRow`` holds.
CONTEST_COLUMNS = (
    *Contest.all_columns(),
    Contest.commune.name.as_alias("commune_name"),
    Contest.commune.code.as_alias("commune_code"),
    Contest.commune.slug.as_alias("commune_slug"),
)


def contest_row(row: dict[str, Any]) -> ContestRow:
    """A contest read with ``CONTEST_COLUMNS`` as its typed row."""
    return ContestRow(**row)


@dataclass(frozen=True, slots=True)
class ContestRef:
    """A contest as the pages that only name and link it read it: its id, commune, slug and title."""

    id: int
    commune: int
    slug: str
    title: str


_CONTEST_BY_SLUG = Prepared(lambda slug: Contest.select(*CONTEST_COLUMNS).where(Contest.slug == slug))


async def contest_by_slug(slug: str, *, published_only: bool = True) -> ContestRow:
    """A contest with its commune's ``commune_name``, ``commune_code`` and ``commune_slug`` (this
    worker's copy while serving a request, see ``accounts.memo``)."""

    async def load_contest() -> ContestRow | None:
        row = await _CONTEST_BY_SLUG.first(slug)
        return None if row is None else contest_row(row)

    contest = await memo.read(("contest", slug), load_contest)
    if contest is None or (published_only and not contest.published):
        raise NotFound(N_("This contest does not exist or is not published yet."))
    return contest


async def contest_for_organizer(slug: str, *, scope: Scope) -> ContestRow:
    """A contest, published or not, only when it lies within the organizer's ``scope`` (one query)."""
    return contest_row(
        await load(
            Contest,
            Contest.slug == slug,
            scope,
            *CONTEST_COLUMNS,
            missing=N_("This contest does not exist or is not published yet."),
        )
    )


async def round_for_organizer(round_id: int, *, scope: Scope) -> dict[str, Any]:
    """A round with its contest's commune and slug, only within the organizer's ``scope``."""
    return await load(
        Round,
        round_id,
        scope,
        Round.all_columns(),
        Round.contest.commune,
        Round.contest.slug,
        missing=N_("This round does not exist."),
    )


_ROUNDS_OF = Prepared(lambda contest_id: Round.select().where(Round.contest == contest_id).order_by(Round.position))


async def rounds_of(contest_id: int) -> list[dict[str, Any]]:
    """A contest's rounds in order (this worker's copy while serving a request, see ``accounts.memo``)."""

    async def load_rounds() -> list[dict[str, Any]]:
        return await _ROUNDS_OF.rows(contest_id)

    return await memo.read(("rounds", contest_id), load_rounds)


def current_round(rounds: list[dict[str, Any]], now: dt.datetime) -> dict[str, Any] | None:
    """The round people act in now: the first whose results are not out yet, else the last."""
    for round_ in rounds:
        if now < round_["results_at"]:
            return round_
    return rounds[-1] if rounds else None


async def categories_of(contest_id: int) -> list[dict[str, Any]]:
    return (
        await Category.select(Category.id, Category.name, Category.slug)
        .where(Category.contest == contest_id)
        .order_by(Category.position, Category.name)
    )


async def contests_of_commune(commune_id: int, *, published_only: bool = True) -> list[ContestRow]:
    query = Contest.select(*CONTEST_COLUMNS).where(Contest.commune == commune_id)
    if published_only:
        query = query.where(Contest.published == True)  # noqa: E712 — piccolo needs ==
    return [contest_row(row) for row in await query.order_by(Contest.created_at, ascending=False)]


async def set_published(contest_id: int, published: bool, *, actor_id: int, now: dt.datetime, scope: Scope) -> None:
    contest = await load(
        Contest, contest_id, scope, Contest.commune, missing=N_("This contest does not exist or is not published yet.")
    )
    if published and not await Round.exists().where(Round.contest == contest_id):
        raise ValidationFailed(
            {"published": N_("The contest cannot be published yet: add at least one round with its dates first.")}
        )
    async with atomic(_db()):
        await Contest.update({Contest.published: published}).where(Contest.id == contest_id)
        await audit.record(
            "contest.published" if published else "contest.unpublished",
            actor_id=actor_id,
            target_type="contest",
            target_id=contest_id,
            commune_id=contest["commune"],
            now=now,
        )
    await events.public_changed("contest.published" if published else "contest.unpublished")


async def extend_submission_deadline(
    round_id: int, new_close: dt.datetime, *, actor_id: int, now: dt.datetime, scope: Scope
) -> None:
    """Move the submission deadline later (never earlier); every later milestone of the round (judging,
    vote, results) and of the later rounds moves by the same delta (``contest.timeline.extend_to``)."""
    from contest.phases import Phase
    from contest.timeline import extend_to

    await extend_to(round_id, Phase.submission, new_close, actor_id=actor_id, now=now, scope=scope)


# ---------------------------------------------------------------- ideas


def _search_text(values: dict[str, Any], *, code: str | None, category: str, hamlet: str) -> str:
    parts = [
        code or "",
        values.get("title", ""),
        values.get("summary", ""),
        values.get("problem", ""),
        values.get("solution", ""),
        values.get("beneficiaries", ""),
        category,
        hamlet,
    ]
    return " " + fold(" ".join(parts)) + " "


async def _names(category_id: int | None, hamlet_id: int | None) -> tuple[str, str]:
    category = await Category.select(Category.name).where(Category.id == category_id).first() if category_id else None
    hamlet = await Hamlet.select(Hamlet.name).where(Hamlet.id == hamlet_id).first() if hamlet_id else None
    return (category or {}).get("name", ""), (hamlet or {}).get("name", "")


async def person(user_id: int) -> dict[str, Any]:
    row = (
        await User.select(User.id, User.full_name, User.birth_year, User.commune, User.hamlet, User.phone, User.email)
        .where(User.id == user_id)
        .first()
    )
    if row is None:
        raise NotFound(N_("Account not found."))
    return row


async def _submitted_count(contest_id: int, lead_id: int) -> int:
    return await Idea.count().where(
        (Idea.contest == contest_id) & (Idea.lead == lead_id) & Idea.status.is_in(list(rules.PUBLIC_STATUSES))
    )


async def submission_refusal(
    contest: ContestRow, round_: dict[str, Any], user_id: int, now: dt.datetime
) -> tuple[str, dict[str, Any]] | None:
    refusal = rules.submission_refusal(
        person=await person(user_id),
        contest=contest,
        round_=round_,
        now=now,
        ideas_submitted=await _submitted_count(contest.id, user_id),
    )
    return (refusal, rules.refusal_params(contest)) if refusal else None


async def create_draft(
    contest: ContestRow,
    round_: dict[str, Any],
    form: forms.IdeaForm,
    *,
    user_id: int,
    now: dt.datetime,
    files: Sequence[StoredFile] = (),
    cover: StoredFile | None = None,
) -> int:
    refusal = await submission_refusal(contest, round_, user_id, now)
    if refusal:
        raise IdeaError(refusal[0], **refusal[1])
    categories = {c["id"] for c in await categories_of(contest.id)}
    values, errors = forms.clean(form, category_ids=categories)
    if not values["title"]:
        errors.setdefault("title", N_("Please give your idea a title."))
    if errors:
        raise ValidationFailed(errors)
    lead = await person(user_id)
    category_name, hamlet_name = await _names(values["category"], lead["hamlet"])
    async with atomic(_db()):
        idea = Idea(
            contest=contest.id,
            round=round_["id"],
            lead=user_id,
            hamlet=lead["hamlet"],
            created_at=now,
            updated_at=now,
            search_text=_search_text(values, code=None, category=category_name, hamlet=hamlet_name),
            **values,
        )
        await idea.save()
        await _add_revision(idea.id, values, author_id=user_id, now=now)
        await _attach(idea.id, files, cover, now=now)
    return idea.id


async def idea_row(idea_id: int) -> dict[str, Any]:
    idea = await Idea.select().where(Idea.id == idea_id).first()
    if idea is None:
        raise NotFound(N_("This idea does not exist."))
    return idea


async def _editable(idea_id: int, user_id: int, now: dt.datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    idea = await idea_row(idea_id)
    round_ = await Round.select().where(Round.id == idea["round"]).first()
    assert round_ is not None  # the idea's round (a foreign key)
    refusal = rules.can_edit(idea, round_, user_id, now)
    if refusal:
        raise PermissionDenied(refusal)
    return idea, round_


async def _add_revision(idea_id: int, values: dict[str, Any], *, author_id: int, now: dt.datetime) -> None:
    last = (
        await IdeaRevision.select(IdeaRevision.number)
        .where(IdeaRevision.idea == idea_id)
        .order_by(IdeaRevision.number, ascending=False)
        .first()
    )
    snapshot = {k: values.get(k) for k in REVISION_FIELDS}
    await IdeaRevision(
        idea=idea_id,
        number=(last["number"] + 1) if last else 1,
        author=author_id,
        created_at=now,
        snapshot=json.dumps(snapshot, ensure_ascii=False),
    ).save()


async def save(
    idea_id: int,
    form: forms.IdeaForm,
    *,
    user_id: int,
    now: dt.datetime,
    files: Sequence[StoredFile] = (),
    cover: StoredFile | None = None,
) -> None:
    """Store an edit (draft or submitted, until the deadline) and its new files, all or nothing."""
    idea, _ = await _editable(idea_id, user_id, now)
    categories = {c["id"] for c in await categories_of(idea["contest"])}
    values, errors = forms.clean(form, category_ids=categories)
    if not values["title"]:
        errors.setdefault("title", N_("Please give your idea a title."))
    if idea["status"] != IdeaStatus.draft.value:
        for name in forms.missing_for_submission(values):
            errors.setdefault(name, N_("A submitted idea needs this field."))
    if errors:
        raise ValidationFailed(errors)
    category_name, hamlet_name = await _names(values["category"], idea["hamlet"])
    async with atomic(_db()):
        changed = any(values[k] != idea[k] for k in REVISION_FIELDS)
        await Idea.update(
            {
                **{getattr(Idea, k): v for k, v in values.items()},
                Idea.updated_at: now,
                Idea.search_text: _search_text(values, code=idea["code"], category=category_name, hamlet=hamlet_name),
            }
        ).where(Idea.id == idea_id)
        if changed:
            await _add_revision(idea_id, values, author_id=user_id, now=now)
        await _attach(idea_id, files, cover, now=now)
    await events.public_changed("idea.edited")


async def allocate_code(commune_id: int, prefix: str, year: int) -> str:
    """The next public code, e.g. AK-2026-007: one atomic increment per code, never reused."""
    await CodeCounter.insert(CodeCounter(commune=commune_id, year=year, last_value=0)).on_conflict(
        target=(CodeCounter.commune, CodeCounter.year), action="DO NOTHING"
    )
    rows = (
        await CodeCounter.update({CodeCounter.last_value: CodeCounter.last_value + 1})
        .where((CodeCounter.commune == commune_id) & (CodeCounter.year == year))
        .returning(CodeCounter.last_value)
    )
    return f"{prefix}-{year}-{rows[0]['last_value']:03d}"


async def submit(idea_id: int, *, user_id: int, now: dt.datetime, lang: str = "vi") -> str:
    """Submit a complete draft: it gets its public code and the team is told. Returns the code."""
    idea, round_ = await _editable(idea_id, user_id, now)
    if idea["status"] != IdeaStatus.draft.value:
        raise IdeaError(N_("This idea has already been submitted."))
    missing = forms.missing_for_submission(idea)
    if missing:
        raise ValidationFailed({name: N_("Please fill in this field before submitting.") for name in missing})
    row = await Contest.select(*CONTEST_COLUMNS).where(Contest.id == idea["contest"]).first()
    assert row is not None  # the idea's contest (a foreign key)
    contest = contest_row(row)
    async with atomic(_db()):
        await locks.hold(Idea, locks.IDEAS_OF_LEAD, idea["lead"])
        refusal = rules.submission_refusal(
            person=await person(user_id),
            contest=contest,
            round_=round_,
            now=now,
            ideas_submitted=await _submitted_count(contest.id, user_id),
        )
        if refusal:
            raise IdeaError(refusal, **rules.refusal_params(contest))
        code = await allocate_code(contest.commune, contest.commune_code, now.year)
        category_name, hamlet_name = await _names(idea["category"], idea["hamlet"])
        done = (
            await Idea.update(
                {
                    Idea.status: IdeaStatus.submitted.value,
                    Idea.code: code,
                    Idea.submitted_at: now,
                    Idea.updated_at: now,
                    Idea.search_text: _search_text(idea, code=code, category=category_name, hamlet=hamlet_name),
                }
            )
            .where((Idea.id == idea_id) & (Idea.status == IdeaStatus.draft.value))
            .returning(Idea.id)
        )
        if not done:
            raise IdeaError(N_("This idea has already been submitted."))
        for member_id in [idea["lead"], *await accepted_member_ids(idea_id)]:
            await notifications.notify(
                member_id,
                title=translate(N_("Idea %(code)s has been submitted"), lang, code=code),
                body=translate(
                    N_(
                        "“%(title)s” was submitted to %(contest)s. You can still edit it until the submission deadline."
                    ),
                    lang,
                    title=idea["title"],
                    contest=contest.title,
                ),
                link=f"/ideas/{code}",
                kind="idea_submitted",
                now=now,
            )
    await events.public_changed("idea.submitted")
    return code


async def withdraw(idea_id: int, *, user_id: int, reason: str, now: dt.datetime) -> None:
    idea = await idea_row(idea_id)
    if idea["lead"] != user_id:
        raise PermissionDenied(N_("Only the team lead can change this idea."))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": N_("Please say briefly why you withdraw the idea.")})
    limits.check("idea", {"withdrawn_reason": reason}, {"withdrawn_reason": "reason"})
    done = (
        await Idea.update(
            {Idea.status: IdeaStatus.withdrawn.value, Idea.withdrawn_reason: reason, Idea.updated_at: now}
        )
        .where((Idea.id == idea_id) & Idea.status.is_in([IdeaStatus.draft.value, IdeaStatus.submitted.value]))
        .returning(Idea.id)
    )
    if not done:
        raise IdeaError(N_("This idea can no longer be withdrawn."))
    await events.public_changed("idea.withdrawn")


# ---------------------------------------------------------------- team


_ACCEPTED_MEMBERS = Prepared(
    lambda idea_id: IdeaMember.select(IdeaMember.user).where(
        (IdeaMember.idea == idea_id) & (IdeaMember.status == MemberStatus.accepted.value)
    )
)


async def accepted_member_ids(idea_id: int) -> list[int]:
    rows = await _ACCEPTED_MEMBERS.rows(idea_id)
    return [r["user"] for r in rows if r["user"]]


def normalise_contact(raw: str) -> str:
    raw = (raw or "").strip()
    try:
        return normalise_email(raw) if "@" in raw else normalise_phone(raw)
    except IdentifierError as exc:
        raise ValidationFailed({"contact": str(exc)}) from exc


async def invite(idea_id: int, contact: str, *, user_id: int, now: dt.datetime, lang: str = "vi") -> None:
    """The lead invites a member by phone or email; an existing account is told in its inbox."""
    idea, _ = await _editable(idea_id, user_id, now)
    contact = normalise_contact(contact)
    invitee = await User.select(User.id).where((User.email == contact) | (User.phone == contact)).first()
    if invitee and invitee["id"] == idea["lead"]:
        raise ValidationFailed({"contact": N_("You lead this idea already.")})
    async with atomic(_db()):
        count = await IdeaMember.count().where(
            (IdeaMember.idea == idea_id) & (IdeaMember.status != MemberStatus.declined.value)
        )
        if count >= MAX_INVITED:
            raise ValidationFailed(
                {"contact": N_("A team has at most %(limit)s members besides the lead.")},
                {"contact": {"limit": MAX_INVITED}},
            )
        inserted = (
            await IdeaMember.insert(
                IdeaMember(
                    idea=idea_id,
                    user=invitee["id"] if invitee else None,
                    contact=contact,
                    invited_at=now,
                )
            )
            .on_conflict(target=(IdeaMember.idea, IdeaMember.contact), action="DO NOTHING")
            .returning(IdeaMember.id)
        )
        if not inserted:
            raise ValidationFailed({"contact": N_("This person has already been invited.")})
        lead = await person(idea["lead"])
        if invitee:
            await notifications.notify(
                invitee["id"],
                title=translate(
                    N_("%(name)s invites you to join the team of “%(title)s”"),
                    lang,
                    name=lead["full_name"],
                    title=idea["title"] or "…",
                ),
                body=translate(N_("Open your invitations to accept or decline."), lang),
                link="/my/invitations",
                kind="team_invitation",
                now=now,
                contest_id=idea["contest"],
            )
        elif "@" not in contact:  # a phone with no account yet: a text message with the way in (an email
            # address sees the invitation once it registers)
            await messaging.queue_message(
                contact,
                "team_invitation",
                purpose="notice",
                user_id=None,
                commune_id=lead["commune"],
                contest_id=idea["contest"],
                now=now,
                params={
                    "name": lead["full_name"],
                    "title": idea["title"] or "…",
                    "link": notifications.absolute("/my/invitations"),
                },
            )


@dataclass(frozen=True, slots=True)
class TeamInvitation:
    """An invitation to join an idea's team that waits for this person's answer."""

    id: int
    status: str
    invited_at: dt.datetime
    code: str | None
    title: str
    lead_name: str
    contest_title: str


@dataclass(frozen=True, slots=True)
class MyIdea:
    """An idea this person leads or is a member of."""

    id: int
    code: str | None
    title: str
    status: str
    hidden: bool
    updated_at: dt.datetime
    lead: int
    contest_title: str
    contest_slug: str


async def invitations_for(user_id: int) -> list[TeamInvitation]:
    me = await person(user_id)
    contacts = [c for c in (me["email"], me["phone"]) if c]
    clause = IdeaMember.user == user_id
    if contacts:
        clause = clause | (IdeaMember.user.is_null() & IdeaMember.contact.is_in(contacts))
    rows = (
        await IdeaMember.select(
            IdeaMember.id,
            IdeaMember.status,
            IdeaMember.invited_at,
            IdeaMember.idea.title,
            IdeaMember.idea.code,
            IdeaMember.idea._.lead.full_name,
            IdeaMember.idea._.contest.title,
        )
        .where(clause & (IdeaMember.status == MemberStatus.invited.value))
        .order_by(IdeaMember.invited_at)
    )
    return [
        TeamInvitation(
            id=r["id"],
            status=r["status"],
            invited_at=r["invited_at"],
            code=r["idea.code"],
            title=r["idea.title"],
            lead_name=r["idea.lead.full_name"],
            contest_title=r["idea.contest.title"],
        )
        for r in rows
    ]


async def respond(member_id: int, *, user_id: int, accept: bool, now: dt.datetime) -> None:
    me = await person(user_id)
    contacts = [c for c in (me["email"], me["phone"]) if c]
    mine = IdeaMember.user == user_id
    if contacts:
        mine = mine | (IdeaMember.user.is_null() & IdeaMember.contact.is_in(contacts))
    done = (
        await IdeaMember.update(
            {
                IdeaMember.user: user_id,
                IdeaMember.status: (MemberStatus.accepted if accept else MemberStatus.declined).value,
                IdeaMember.responded_at: now,
            }
        )
        .where((IdeaMember.id == member_id) & mine & (IdeaMember.status == MemberStatus.invited.value))
        .returning(IdeaMember.idea)
    )
    if not done:
        raise NotFound(N_("This invitation does not exist or was already answered."))
    if accept:
        await events.public_changed("idea.team_changed")  # the idea's page lists its accepted members


_PUBLIC_TEAM = Prepared(
    lambda idea_id: (
        IdeaMember.select(IdeaMember.user.full_name)
        .where((IdeaMember.idea == idea_id) & (IdeaMember.status == MemberStatus.accepted.value))
        .order_by(IdeaMember.id)
    )
)


_ACCEPTED_TEAM = Prepared(
    lambda idea_id: (
        IdeaMember.select(IdeaMember.user, IdeaMember.user.full_name)
        .where((IdeaMember.idea == idea_id) & (IdeaMember.status == MemberStatus.accepted.value))
        .order_by(IdeaMember.id)
    )
)


async def accepted_team(idea_id: int) -> tuple[set[int], list[str]]:
    """``member_ids`` and the public ``team`` (the accepted members' names) of an idea in one query."""
    rows = await _ACCEPTED_TEAM.rows(idea_id)
    return {r["user"] for r in rows if r["user"]}, [r["user.full_name"] for r in rows]


async def team(idea_id: int) -> list[str]:
    """The names of the team's accepted members, as the public sees them."""
    return [r["user.full_name"] for r in await _PUBLIC_TEAM.rows(idea_id)]


@dataclass(frozen=True, slots=True)
class TeamMember:
    """A member or invitation of an idea's team, as the team's own page lists it."""

    id: int
    name: str | None  # None until someone with this contact has an account
    status: str
    contact: str


async def team_members(idea_id: int) -> list[TeamMember]:
    """Every member and invitation of the team (accepted, declined or waiting), in invitation order."""
    rows = (
        await IdeaMember.select(IdeaMember.id, IdeaMember.user.full_name, IdeaMember.status, IdeaMember.contact)
        .where(IdeaMember.idea == idea_id)
        .order_by(IdeaMember.id)
    )
    return [TeamMember(id=r["id"], name=r["user.full_name"], status=r["status"], contact=r["contact"]) for r in rows]


# ---------------------------------------------------------------- attachments


async def _attach(idea_id: int, files: Sequence[StoredFile], cover: StoredFile | None, *, now: dt.datetime) -> None:
    """Attach files (at most 5 per idea, counted inside the caller's transaction) and the cover."""
    if files:
        await locks.hold(Idea, locks.IDEA_ATTACHMENTS, idea_id)
        have = await Attachment.count().where(Attachment.idea == idea_id)
        if have + len(files) > MAX_ATTACHMENTS:
            raise ValidationFailed(
                {"attachments": N_("At most %(limit)s attachments per idea.")},
                {"attachments": {"limit": MAX_ATTACHMENTS}},
            )
        for f in files:
            await Attachment(
                idea=idea_id,
                stored_name=f.stored_name,
                web_name=f.web_name,
                original_name=f.original_name,
                content_type=f.content_type,
                size=f.size,
                created_at=now,
            ).save()
    if cover is not None:
        await Idea.update({Idea.cover: cover.web_name or cover.stored_name, Idea.updated_at: now}).where(
            Idea.id == idea_id
        )


async def remove_attachment(idea_id: int, attachment_id: int, *, user_id: int, now: dt.datetime) -> str | None:
    await _editable(idea_id, user_id, now)
    rows = (
        await Attachment.delete()
        .where((Attachment.id == attachment_id) & (Attachment.idea == idea_id))
        .returning(Attachment.stored_name)
    )
    if rows:
        await events.public_changed("idea.edited")  # the idea's page lists its files
    return rows[0]["stored_name"] if rows else None


_ATTACHMENTS_OF = Prepared(
    lambda idea_id: Attachment.select().where(Attachment.idea == idea_id).order_by(Attachment.id)
)


async def attachments_of(idea_id: int) -> list[dict[str, Any]]:
    return await _ATTACHMENTS_OF.rows(idea_id)


async def file_is_public(stored_name: str) -> dict[str, Any] | None:
    """The idea a stored file belongs to (None when unknown)."""
    row = (
        await Attachment.select(Attachment.idea, Attachment.original_name, Attachment.content_type)
        .where((Attachment.stored_name == stored_name) | (Attachment.web_name == stored_name))
        .first()
    )
    if row:
        return row
    cover = await Idea.select(Idea.id).where(Idea.cover == stored_name).first()
    return {"idea": cover["id"], "original_name": stored_name, "content_type": None} if cover else None


# ---------------------------------------------------------------- moderation


async def report(
    idea_id: int, *, reporter_id: int, reason: str, threshold: int, now: dt.datetime, lang: str = "vi"
) -> bool:
    """Record a report (once per person). Returns True when the idea became hidden by it."""
    limits.check("idea_report", {"reason": reason.strip()})
    async with atomic(_db()):
        added = (
            await IdeaReport.insert(
                IdeaReport(idea=idea_id, reporter=reporter_id, reason=reason.strip(), created_at=now)
            )
            .on_conflict(target=(IdeaReport.idea, IdeaReport.reporter), action="DO NOTHING")
            .returning(IdeaReport.id)
        )
        if not added:
            raise IdeaError(N_("You have already reported this idea. The organizers will look at it."))
        rows = (
            await Idea.update({Idea.report_count: Idea.report_count + 1})
            .where(Idea.id == idea_id)
            .returning(Idea.report_count, Idea.hidden, Idea.contest)
        )
        if not rows:
            raise NotFound(N_("This idea does not exist."))
        if rows[0]["report_count"] >= threshold and not rows[0]["hidden"]:
            await Idea.update(
                {
                    Idea.hidden: True,
                    Idea.hidden_by_reports: True,
                    Idea.hidden_reason: translate(N_("Hidden after several reports, waiting for review."), lang),
                }
            ).where(Idea.id == idea_id)
            from contest.progress import tell_hidden_by_reports

            await tell_hidden_by_reports(idea_id, now=now, lang=lang)
            hidden = True
        else:
            hidden = False
    if hidden:
        await events.public_changed("idea.hidden")
    return hidden


async def hide(idea_id: int, *, reason: str, actor_id: int, now: dt.datetime, lang: str = "vi", scope: Scope) -> None:
    idea = await load(Idea, idea_id, scope, missing=N_("This idea does not exist."))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": N_("Please give the reason; the team will see it.")})
    limits.check("idea", {"hidden_reason": reason}, {"hidden_reason": "reason"})
    async with atomic(_db()):
        await Idea.update({Idea.hidden: True, Idea.hidden_by_reports: False, Idea.hidden_reason: reason}).where(
            Idea.id == idea_id
        )
        for member_id in [idea["lead"], *await accepted_member_ids(idea_id)]:
            await notifications.notify(
                member_id,
                title=translate(N_("Your idea “%(title)s” has been hidden"), lang, title=idea["title"]),
                body=translate(N_("The organizers hid it from the public. Reason: %(reason)s"), lang, reason=reason),
                link=f"/my/ideas/{idea_id}",
                kind="idea_hidden",
                now=now,
            )
        contest = await Contest.select(Contest.commune).where(Contest.id == idea["contest"]).first()
        assert contest is not None  # the idea's contest (a foreign key)
        await audit.record(
            "idea.hidden",
            actor_id=actor_id,
            target_type="idea",
            target_id=idea_id,
            commune_id=contest["commune"],
            now=now,
            data={"reason": reason},
        )
    await events.public_changed("idea.hidden")


async def unhide(idea_id: int, *, actor_id: int, now: dt.datetime, scope: Scope) -> None:
    idea = await load(Idea, idea_id, scope, missing=N_("This idea does not exist."))
    async with atomic(_db()):
        await Idea.update({Idea.hidden: False, Idea.hidden_by_reports: False, Idea.hidden_reason: ""}).where(
            Idea.id == idea_id
        )
        contest = await Contest.select(Contest.commune).where(Contest.id == idea["contest"]).first()
        assert contest is not None  # the idea's contest (a foreign key)
        await audit.record(
            "idea.shown",
            actor_id=actor_id,
            target_type="idea",
            target_id=idea_id,
            commune_id=contest["commune"],
            now=now,
        )
    await events.public_changed("idea.shown")


# ---------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class IdeaRow:
    """An idea with the names its pages show: its category, hamlet and lead, its contest's slug, title
    and commune."""

    id: int
    contest: int
    round: int
    code: str | None
    lead: int
    hamlet: int | None
    category: int | None
    title: str
    summary: str
    problem: str
    solution: str
    beneficiaries: str
    resources: str
    budget_vnd: int | None
    stage: str
    body: str
    video_url: str
    cover: str
    status: str
    withdrawn_reason: str
    hidden: bool
    hidden_reason: str
    hidden_by_reports: bool
    report_count: int
    search_text: str
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    category_name: str | None
    hamlet_name: str | None
    lead_name: str
    contest_slug: str
    contest_title: str
    commune: int  # the contest's commune


_IDEA_NAMES = {
    "category.name": "category_name",
    "hamlet.name": "hamlet_name",
    "lead.full_name": "lead_name",
    "contest.slug": "contest_slug",
    "contest.title": "contest_title",
    "contest.commune": "commune",
}
_IDEA_ROW_COLUMNS = (
    Idea.category.name,
    Idea.hamlet.name,
    Idea.lead.full_name,
    Idea.contest.slug,
    Idea.contest.title,
    Idea.contest.commune,
)


def _idea_row(row: dict[str, Any]) -> IdeaRow:
    return IdeaRow(**{_IDEA_NAMES.get(k, k): v for k, v in row.items()})


_IDEA_BY_CODE = Prepared(lambda code: Idea.select(*Idea.all_columns(), *_IDEA_ROW_COLUMNS).where(Idea.code == code))


async def idea_by_code(code: str) -> IdeaRow:
    row = await _IDEA_BY_CODE.first(code.upper())
    if row is None:
        raise NotFound(N_("There is no idea with this code."))
    return _idea_row(row)


@dataclass(frozen=True, slots=True)
class IdeaPage:
    """What an idea's page shows to everyone allowed to see it. Shared by the requests this worker
    serves while the site's generation holds (``accounts.memo``): read it, never change it."""

    idea: IdeaRow
    member_ids: frozenset[int]
    team: list[str]  # the accepted members' names
    attachments: list[dict[str, Any]]
    body: str  # the description as sanitised HTML


async def idea_page(code: str) -> IdeaPage:
    """An idea's public page by code (who may see it is for the caller: ``rules.can_view``)."""

    async def load() -> IdeaPage:
        idea = await idea_by_code(code)
        members, team = await accepted_team(idea.id)
        return IdeaPage(
            idea=idea,
            member_ids=frozenset(members),
            team=team,
            attachments=await attachments_of(idea.id),
            body=markdown.render(idea.body),
        )

    return await memo.read(("idea_page", code.upper()), load)


async def idea_full(idea_id: int, *, scope: Scope) -> IdeaRow:
    """An idea with its names; within ``scope`` when one is given (organizer pages)."""
    row = await load(
        Idea,
        idea_id,
        scope,
        Idea.all_columns(),
        *_IDEA_ROW_COLUMNS,
        missing=N_("This idea does not exist."),
    )
    return _idea_row(row)


async def my_ideas(user_id: int) -> list[MyIdea]:
    member_of = [
        r["idea"]
        for r in await IdeaMember.select(IdeaMember.idea).where(
            (IdeaMember.user == user_id) & (IdeaMember.status == MemberStatus.accepted.value)
        )
    ]
    clause = Idea.lead == user_id
    if member_of:
        clause = clause | Idea.id.is_in(member_of)
    rows = (
        await Idea.select(
            Idea.id,
            Idea.code,
            Idea.title,
            Idea.status,
            Idea.hidden,
            Idea.updated_at,
            Idea.lead,
            Idea.contest.title,
            Idea.contest.slug,
        )
        .where(clause)
        .order_by(Idea.updated_at, ascending=False)
    )
    return [
        MyIdea(
            id=r["id"],
            code=r["code"],
            title=r["title"],
            status=r["status"],
            hidden=r["hidden"],
            updated_at=r["updated_at"],
            lead=r["lead"],
            contest_title=r["contest.title"],
            contest_slug=r["contest.slug"],
        )
        for r in rows
    ]


async def member_ids(idea_id: int) -> set[int]:
    return set(await accepted_member_ids(idea_id))


GALLERY_SORTS = {"newest": ((Idea.submitted_at, Idea.id), False), "title": ((Idea.title, Idea.id), True)}


@dataclass(frozen=True, slots=True)
class GalleryCard:
    """A public idea as the contest's gallery (and the open data) lists it."""

    id: int
    code: str
    title: str
    summary: str
    cover: str
    status: str
    category_name: str | None
    hamlet_name: str | None
    submitted_at: dt.datetime | None


async def gallery(
    contest_id: int,
    *,
    q: str = "",
    category: int | None = None,
    hamlet: int | None = None,
    status: str | None = None,
    sort: str = "newest",
    page: int = 1,
    per_page: int = 12,
) -> tuple[list[GalleryCard], int]:
    """Public ideas of a contest, filtered, searched (folded column, words in any order), paged."""
    # Public statuses always carry a code (it is given at submission).
    clause = (Idea.contest == contest_id) & (Idea.hidden == False)  # noqa: E712
    if status in rules.PUBLIC_STATUSES:
        clause = clause & (Idea.status == status)
    else:
        clause = clause & Idea.status.is_in(list(rules.PUBLIC_STATUSES))
    if category:
        clause = clause & (Idea.category == category)
    if hamlet:
        clause = clause & (Idea.hamlet == hamlet)
    for term in search_terms(q):
        clause = clause & Idea.search_text.like(f"%{term}%")
    total = await Idea.count().where(clause)
    columns, ascending = GALLERY_SORTS.get(sort, GALLERY_SORTS["newest"])
    rows = (
        await Idea.select(
            Idea.id,
            Idea.code,
            Idea.title,
            Idea.summary,
            Idea.cover,
            Idea.status,
            Idea.category.name,
            Idea.hamlet.name,
            Idea.submitted_at,
        )
        .where(clause)
        .order_by(*columns, ascending=ascending)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    )
    cards = [
        GalleryCard(
            id=r["id"],
            code=r["code"],
            title=r["title"],
            summary=r["summary"],
            cover=r["cover"],
            status=r["status"],
            category_name=r["category.name"],
            hamlet_name=r["hamlet.name"],
            submitted_at=r["submitted_at"],
        )
        for r in rows
    ]
    return cards, total


@dataclass(frozen=True, slots=True)
class RevisionRow:
    """A saved version of an idea: its number, when and by whom, and the fields as they were."""

    number: int
    created_at: dt.datetime
    author_name: str | None
    snapshot: dict[str, Any]


async def revisions_of(idea_id: int, *, scope: Scope) -> list[RevisionRow]:
    """An idea's revisions, oldest first — none when the idea lies outside ``scope``."""
    condition = IdeaRevision.idea == idea_id
    within = clause(IdeaRevision, scope)
    rows = (
        await IdeaRevision.select(
            IdeaRevision.number, IdeaRevision.created_at, IdeaRevision.snapshot, IdeaRevision.author.full_name
        )
        .where(condition if within is None else condition & within)
        .order_by(IdeaRevision.number)
    )
    return [
        RevisionRow(
            number=row["number"],
            created_at=row["created_at"],
            author_name=row["author.full_name"],
            snapshot=json.loads(row["snapshot"]) if isinstance(row["snapshot"], str) else row["snapshot"],
        )
        for row in rows
    ]


async def commune_of(commune_id: int) -> dict[str, Any]:
    commune = await Commune.select().where(Commune.id == commune_id).first()
    if commune is None:
        raise NotFound(N_("This commune does not exist on the platform."))
    return commune
