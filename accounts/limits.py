"""How long each text people type may be — one place for forms, templates and the database.

Forms refuse longer text with a message beside the field (counting characters as people see
them), templates put the limit in the field's ``maxlength`` and a hint, and the database refuses
anything longer even when a form is bypassed: a migration adds triggers on SQLite (where
``Varchar`` lengths do not bind) and ``CHECK`` constraints on PostgreSQL, named ``<table>_<column>_too_long``.

Here in the shared kernel so that every domain app (accounts, contest, mentoring) can use it.
"""

from __future__ import annotations

NAME = 200  # a person's or an organization's name, a title
LINE = 300  # one line: a tagline, a place, an address, an action item
REASON = 2_000  # why something was withdrawn, hidden, declined, voided, reported
COMMENT = 5_000  # a judge's comment, a message to a mentor, a bio, feedback
LONG = 10_000  # the long fields of an idea, session notes, a workshop's description
MARKDOWN = 50_000  # a Markdown page: an idea's full description, a contest's rules

IDEA_TITLE = 150  # as people count characters (the column holds 200)
IDEA_SUMMARY = 300  # as people count characters (the column holds 600)

# {table: {column: at most this many characters}} — what the database enforces.
COLUMNS: dict[str, dict[str, int]] = {
    "commune": {"description": MARKDOWN},
    "users": {"full_name": NAME, "guardian_name": NAME},
    "contest": {"title": NAME, "tagline": LINE, "description": MARKDOWN, "rules": MARKDOWN, "prizes": MARKDOWN},
    "idea": {
        "title": NAME,
        "summary": 600,
        "problem": LONG,
        "solution": LONG,
        "beneficiaries": LONG,
        "resources": LONG,
        "body": MARKDOWN,
        "video_url": LINE,
        "withdrawn_reason": REASON,
        "hidden_reason": REASON,
    },
    "idea_report": {"reason": REASON},
    "rubric_criterion": {"name": 150, "description": COMMENT},
    "round_judging": {"reopen_reason": REASON},
    "judge_declaration": {"statement": COMMENT, "relatives": REASON},
    "judge_conflict": {"reason": REASON},
    "score_sheet": {"overall_comment": COMMENT, "abstain_reason": REASON},
    "score_item": {"comment": COMMENT},
    "vote": {"void_reason": REASON},
    "mentor_organization": {"name": NAME, "description": COMMENT},
    "mentor_profile": {"title": NAME, "bio": COMMENT, "place": NAME},
    "team_need": {"place": NAME},
    "mentoring_request": {"message": COMMENT, "reason": REASON},
    "mentorship": {"summary": LONG},
    "office_slot": {"location": LINE},
    "mentoring_note": {"notes": LONG},
    "mentoring_action": {"text": LINE, "owner": 120},
    "mentoring_feedback": {"text": COMMENT},
    "workshop": {"title": NAME, "description": LONG, "place": LINE, "online_link": LINE},
}

# Added later (their own migration): names typed in the organizer workspace and the admin, contacts,
# and a mentor's own skills. On PostgreSQL a Varchar's length already binds; on SQLite it does not.
MORE_COLUMNS: dict[str, dict[str, int]] = {
    "commune": {"name": 150},
    "hamlet": {"name": 150},
    "users": {"email": 255, "phone": 20, "guardian_phone": 20},
    "contest_round": {"name": 120},
    "contest_category": {"name": 120},
    "award": {"name": 120, "prize": REASON},
    "idea_member": {"contact": 255},
    "judge_panel": {"contact": 255},
    "mentor_organization": {"website": LINE},
    "mentor_profile": {"free_tags": 1_000},  # JSON text of at most ten skills typed in one line
}
for _table, _columns in MORE_COLUMNS.items():
    COLUMNS.setdefault(_table, {}).update(_columns)

TOO_LONG = "Too long: at most %(limit)s characters."  # msgid, translated where it is shown


def shown(limit: int) -> str:
    """A limit as people read numbers here: 10.000."""
    return f"{limit:,}".replace(",", ".")


def check(table: str, values: dict[str, object], fields: dict[str, str] | None = None) -> None:
    """Refuse text longer than ``table``'s columns take, with the message beside each field.

    ``values`` maps column → typed text; ``fields`` maps a column to its form field when the names
    differ. Raises ValidationFailed naming every field that is too long.
    """
    from accounts.errors import ValidationFailed

    errors: dict[str, str] = {}
    params: dict[str, dict[str, object]] = {}
    for column, value in values.items():
        limit = COLUMNS[table][column]
        if value is not None and len(str(value)) > limit:
            field = (fields or {}).get(column, column)
            errors[field], params[field] = TOO_LONG, {"limit": shown(limit)}
    if errors:
        raise ValidationFailed(errors, params)
