"""The idea form: what people type, cleaned and checked (no HTTP here)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from accounts import limits
from accounts.i18n import N_
from accounts.text import as_id, clean_line, nfc, visible_length
from contest.tables import Stage

if TYPE_CHECKING:
    from contest.services import IdeaRow

SUMMARY_LIMIT = limits.IDEA_SUMMARY
TITLE_LIMIT = limits.IDEA_TITLE
# The long fields of the idea form and how many characters each may hold (see accounts.limits).
LONG_FIELDS = {
    "problem": limits.LONG,
    "solution": limits.LONG,
    "beneficiaries": limits.LONG,
    "resources": limits.LONG,
    "body": limits.MARKDOWN,
}
TOO_LONG = {
    limits.LINE: N_("Too long: at most 300 characters."),
    limits.LONG: N_("Too long: at most 10,000 characters."),
    limits.MARKDOWN: N_("Too long: at most 50,000 characters."),
}
VIDEO_HOSTS = (
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtu.be",
    "facebook.com",
    "www.facebook.com",
    "m.facebook.com",
    "fb.watch",
    "web.facebook.com",
)
_BUDGET_SUFFIX = re.compile(r"\s*(vnđ|vnd|đồng|đ|dong)\.?$", re.IGNORECASE)
_MILLION = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(triệu|trieu|tr)$", re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")

# Field names people see when something is missing (in the order of the form).
FIELD_LABELS = {
    "title": N_("Title"),
    "summary": N_("One-paragraph summary"),
    "category_id": N_("Field (category)"),
    "problem": N_("The problem"),
    "solution": N_("Proposed solution"),
    "beneficiaries": N_("Who benefits"),
    "resources": N_("Resources needed"),
    "budget": N_("Estimated budget (VND)"),
    "stage": N_("Stage"),
    "body": N_("Full description"),
    "video_url": N_("Video link"),
}
REQUIRED_TO_SUBMIT = ("title", "summary", "category_id", "problem", "solution", "beneficiaries", "resources")


@dataclass
class IdeaForm:
    """The idea form as typed (all strings)."""

    title: str = ""
    summary: str = ""
    category_id: str = ""
    problem: str = ""
    solution: str = ""
    beneficiaries: str = ""
    resources: str = ""
    budget: str = ""
    stage: str = Stage.idea.value
    body: str = ""
    video_url: str = ""

    @classmethod
    def from_mapping(cls, data: Any) -> IdeaForm:
        return cls(**{f.name: str(data.get(f.name) or "") for f in fields(cls)})

    @classmethod
    def from_idea(cls, idea: IdeaRow) -> IdeaForm:
        return cls(
            title=idea.title,
            summary=idea.summary,
            category_id=str(idea.category or ""),
            problem=idea.problem,
            solution=idea.solution,
            beneficiaries=idea.beneficiaries,
            resources=idea.resources,
            budget=format_budget(idea.budget_vnd),
            stage=idea.stage,
            body=idea.body,
            video_url=idea.video_url,
        )


def parse_budget(text: str) -> int | None:
    """ "15.000.000", "15000000", "15,000,000 đ" or "15 triệu" → 15000000. Raises ValueError."""
    raw = _BUDGET_SUFFIX.sub("", nfc(text).strip())
    if not raw:
        return None
    million = _MILLION.match(raw)
    if million:
        return round(float(million.group(1).replace(",", ".")) * 1_000_000)
    if raw.isascii() and raw.isdigit():
        return int(raw)
    if _GROUPED.match(raw):
        return int(re.sub(r"[.,\s]", "", raw))
    raise ValueError(raw)


def format_budget(value: int | None) -> str:
    return "" if value is None else f"{value:,}".replace(",", ".")


def clean(form: IdeaForm, *, category_ids: set[int]) -> tuple[dict[str, Any], dict[str, str]]:
    """Values ready to store and the format errors ({field: msgid}). Empty fields are fine in a draft."""
    errors: dict[str, str] = {}
    title = clean_line(form.title)
    if visible_length(title) > TITLE_LIMIT or len(title) > limits.NAME:
        errors["title"] = N_("The title is too long (at most 150 characters).")
    summary = clean_line(form.summary)
    if visible_length(summary) > SUMMARY_LIMIT or len(summary) > limits.COLUMNS["idea"]["summary"]:
        errors["summary"] = N_("The summary is too long: at most 300 characters.")
    category = None
    if form.category_id.strip():
        if as_id(form.category_id) not in category_ids:
            errors["category_id"] = N_("Please choose a field from the list.")
        else:
            category = int(form.category_id)
    budget = None
    try:
        budget = parse_budget(form.budget)
        if budget is not None and not 0 <= budget <= 1_000_000_000_000:
            raise ValueError(budget)
    except ValueError:
        errors["budget"] = N_("Write the budget in đồng, for example 15.000.000 or 15000000.")
    stage = form.stage if form.stage in {s.value for s in Stage} else None
    if stage is None:
        errors["stage"] = N_("Please choose a stage from the list.")
    for name, limit in LONG_FIELDS.items():
        if len(nfc(getattr(form, name)).strip()) > limit:
            errors[name] = TOO_LONG[limit]
    video = form.video_url.strip()
    if len(video) > limits.LINE:
        errors["video_url"] = TOO_LONG[limits.LINE]
    elif video:
        parts = urlparse(video)
        if parts.scheme != "https" or (parts.hostname or "") not in VIDEO_HOSTS:
            errors["video_url"] = N_("Only YouTube or Facebook video links (starting with https://) are accepted.")
    values = {
        "title": title,
        "summary": summary,
        "category": category,
        "problem": nfc(form.problem).strip(),
        "solution": nfc(form.solution).strip(),
        "beneficiaries": nfc(form.beneficiaries).strip(),
        "resources": nfc(form.resources).strip(),
        "budget_vnd": budget,
        "stage": stage or Stage.idea.value,
        "body": nfc(form.body).strip(),
        "video_url": video,
    }
    return values, errors


def missing_for_submission(values: dict[str, Any]) -> list[str]:
    """Form fields still empty that a submitted idea needs (field names, in form order)."""
    column_of = {"category_id": "category"}
    return [name for name in REQUIRED_TO_SUBMIT if not values.get(column_of.get(name, name))]
