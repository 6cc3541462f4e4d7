"""Who may do what with contests and ideas: pure predicates, no I/O.

Each returns None when allowed, or the msgid explaining why not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Set
from typing import Any, Protocol

from accounts.i18n import N_
from accounts.rules import Principal, is_organizer
from contest.phases import Phase, phase_of
from contest.tables import IdeaStatus

PUBLIC_STATUSES = (
    IdeaStatus.submitted.value,
    IdeaStatus.shortlisted.value,
    IdeaStatus.finalist.value,
    IdeaStatus.awarded.value,
)


class ContestFacts(Protocol):
    """What the predicates read of a contest: a typed row (``contest.services.ContestRow``)."""

    @property
    def published(self) -> bool: ...
    @property
    def residents_only(self) -> bool: ...
    @property
    def commune(self) -> int: ...
    @property
    def min_age(self) -> int: ...
    @property
    def max_age(self) -> int: ...
    @property
    def max_ideas_per_person(self) -> int: ...


def submission_refusal(
    *,
    person: dict[str, Any],
    contest: ContestFacts,
    round_: dict[str, Any],
    now: dt.datetime,
    ideas_submitted: int,
) -> str | None:
    """Why this person may not submit to this round now (None when they may)."""
    if not contest.published:
        return N_("This contest is not open.")
    if phase_of(round_, now) is not Phase.submission:
        return N_("This contest is not accepting ideas at the moment.")
    if contest.residents_only and person.get("commune") != contest.commune:
        return N_("Only residents of the commune may take part in this contest.")
    birth_year = person.get("birth_year")
    if birth_year is None:
        return N_("Please add your year of birth to your account first.")
    age = now.year - birth_year
    if not contest.min_age <= age <= contest.max_age:
        return N_("The team lead must be between %(low)s and %(high)s years old.")
    if ideas_submitted >= contest.max_ideas_per_person:
        return N_("You have already submitted the most ideas allowed in this contest (%(limit)s).")
    return None


def refusal_params(contest: ContestFacts) -> dict[str, Any]:
    return {"low": contest.min_age, "high": contest.max_age, "limit": contest.max_ideas_per_person}


class IdeaFacts(Protocol):
    """What the predicates read of an idea: a typed row (``contest.services.IdeaRow``); they also take
    an idea as a dict of its columns."""

    @property
    def lead(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def hidden(self) -> bool: ...
    @property
    def code(self) -> str | None: ...


IdeaLike = Mapping[str, Any] | IdeaFacts


def _get(idea: IdeaLike, name: str) -> Any:
    return idea.get(name) if isinstance(idea, Mapping) else getattr(idea, name)


def can_edit(idea: IdeaLike, round_: dict[str, Any], user_id: int, now: dt.datetime) -> str | None:
    """The team lead edits until the submission deadline; afterwards the idea is read-only."""
    if _get(idea, "lead") != user_id:
        return N_("Only the team lead can change this idea.")
    if _get(idea, "status") == IdeaStatus.withdrawn.value:
        return N_("This idea was withdrawn.")
    if now >= round_["submission_closes"]:
        return N_("The submission deadline has passed; the idea can no longer be changed.")
    return None


def is_public(idea: IdeaLike) -> bool:
    return _get(idea, "status") in PUBLIC_STATUSES and not _get(idea, "hidden") and _get(idea, "code") is not None


def can_view(idea: IdeaLike, principal: Principal | None, *, member_ids: Set[int], commune_id: int) -> bool:
    """Public ideas for everyone; drafts, withdrawn and hidden ideas for the team and organizers."""
    if is_public(idea):
        return True
    if principal is None:
        return False
    return principal.id == _get(idea, "lead") or principal.id in member_ids or is_organizer(principal, commune_id)


def can_moderate(principal: Principal | None, commune_id: int) -> bool:
    return is_organizer(principal, commune_id)
