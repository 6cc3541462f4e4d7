"""The names people read for the codes the contest stores (idea statuses and stages).

Msgids in English (``N_``): pages and exports translate them into the reader's language, so
no raw code such as ``shortlisted`` or ``prototype`` reaches a person.
"""

from __future__ import annotations

from collections.abc import Iterable

from accounts.i18n import LANGUAGE_NAMES, N_
from contest.tables import IdeaStatus, Stage

__all__ = ["LANGUAGE_NAMES", "STAGE_LABELS", "STATUS_LABELS", "language_names"]

STAGE_LABELS = {
    Stage.idea.value: N_("Idea"),
    Stage.prototype.value: N_("Prototype"),
    Stage.pilot.value: N_("Pilot"),
    Stage.launched.value: N_("Launched"),
}
STATUS_LABELS = {
    IdeaStatus.draft.value: N_("Draft"),
    IdeaStatus.submitted.value: N_("Submitted"),
    IdeaStatus.withdrawn.value: N_("Withdrawn"),
    IdeaStatus.shortlisted.value: N_("Shortlisted"),
    IdeaStatus.finalist.value: N_("Finalist"),
    IdeaStatus.awarded.value: N_("Awarded"),
}
# the values of LANGUAGE_NAMES, for the catalog
N_("Vietnamese")
N_("English")


def language_names(codes: str | Iterable[str] | None, translate) -> str:
    """``["vi", "en"]`` → "Tiếng Việt, Tiếng Anh" (``translate`` turns a msgid into the reader's language)."""
    if isinstance(codes, str):
        codes = [c.strip() for c in codes.split(",") if c.strip()]
    return ", ".join(translate(LANGUAGE_NAMES[c]) if c in LANGUAGE_NAMES else str(c) for c in codes or [])
