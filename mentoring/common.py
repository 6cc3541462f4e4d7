"""What the mentoring modules share: the words of mentor profiles and team needs (fields of
expertise, sectors, kinds of organization, weekly time slots, stages), and reading the lists they
store as JSON."""

from __future__ import annotations

import json
from typing import Any

from accounts.i18n import N_
from mentoring.tables import (
    Mentorship,
)

EXPERTISE = {
    "marketing": N_("Marketing"),
    "finance": N_("Finance and accounting"),
    "law": N_("Law and registration"),
    "software": N_("Software and apps"),
    "agritech": N_("Agricultural technology"),
    "product": N_("Product design"),
    "sales": N_("Sales"),
    "fundraising": N_("Raising funds"),
    "manufacturing": N_("Manufacturing"),
    "tourism": N_("Tourism services"),
    "environment": N_("Environment"),
    "education": N_("Education"),
    "business_model": N_("Business model"),
    "pitching": N_("Pitching"),
}


SECTORS = {
    "agriculture": N_("Agriculture"),
    "digital": N_("Digital transformation"),
    "environment": N_("Environment"),
    "education": N_("STEM education"),
    "tourism": N_("Tourism"),
    "social": N_("Social"),
}


ORG_KINDS = {
    "incubator": N_("Incubator"),
    "university": N_("University"),
    "dost": N_("Department of Science and Technology"),
    "enterprise": N_("Enterprise"),
    "other": N_("Other"),
}


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


PARTS = ("morning", "afternoon", "evening")


SLOTS = tuple(f"{d}-{p}" for d in DAYS for p in PARTS)


STAGE_LABELS = {"idea": N_("Idea"), "prototype": N_("Prototype"), "pilot": N_("Pilot"), "launched": N_("Launched")}


def db():
    return Mentorship._meta.db


def from_json(value: Any) -> list | dict:
    if isinstance(value, str):
        return json.loads(value or "[]")
    return value if value is not None else []


def dict_from_json(value: Any) -> dict[str, Any]:
    """A JSON object column as a dict (empty when it holds nothing or something else)."""
    decoded = from_json(value)
    return decoded if isinstance(decoded, dict) else {}


def clean_list(values: Any, allowed: tuple | dict | None = None, limit: int = 20) -> list[str]:
    out = []
    for value in values or []:
        value = str(value).strip()
        if value and (allowed is None or value in allowed) and value not in out:
            out.append(value)
    return out[:limit]
