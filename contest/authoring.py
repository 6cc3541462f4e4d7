"""Organizers write their contests: title, address (slug), texts, eligibility, fields and cover.

A contest is created as a draft in one of the organizer's communes and edited there; it is loaded
within the organizer's scope in the same query, so another commune's contest is simply not found.
The form arrives as typed (``ContestForm``, all strings); ``validate`` returns every problem per
field and nothing is written unless everything is right. The contest and its fields (categories)
are written in one transaction, with an audit record.

Fields keep their id when renamed, so ideas keep their field; a field that ideas use cannot be
removed; the slug of a field is made from its name, never typed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from accounts import audit, events, limits
from accounts.engine import atomic
from accounts.errors import ValidationFailed
from accounts.i18n import N_
from accounts.scope import Scope, load
from accounts.tables import Commune
from accounts.text import as_id, as_int, clean_line, fold, nfc, visible_length
from contest.markdown import render as render_markdown
from contest.services import CONTEST_COLUMNS, ContestRow, contest_row
from contest.tables import Category, Contest, Idea
from contest.uploads import StoredFile

SLUG_LENGTH = 100  # the column holds 100
CATEGORY_LENGTH = 120
MAX_CATEGORIES = 50
EMPTY_CATEGORY_ROWS = 3  # blank rows offered on the form to add fields without JavaScript
RESERVED_SLUGS = frozenset({"new"})  # /organizer/contests/new is the creation form
AGE_LOW, AGE_HIGH = 10, 100
IDEAS_LOW, IDEAS_HIGH = 1, 50
MARKDOWN_FIELDS = ("description", "rules", "prizes")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ROW = re.compile(r"categories-(\d{1,3})-(id|name|position|remove)")

MISSING = N_("This contest does not exist or is not published yet.")


def slugify(text: str | None, *, length: int = SLUG_LENGTH) -> str:
    """An address made of a text: Vietnamese diacritics folded (đ→d), lowercase words joined by "-".

    "Ý tưởng sáng tạo 2027" → "y-tuong-sang-tao-2027".
    """
    words = re.sub(r"[^a-z0-9]+", " ", fold(text)).split()
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > length:
            break
        slug = candidate
    return slug or ("-".join(words)[:length].strip("-"))


@dataclass
class CategoryRow:
    """One row of the fields table as typed: an existing field (with its id) or a new one."""

    id: str = ""
    name: str = ""
    position: str = ""
    remove: bool = False


@dataclass
class ContestForm:
    """The contest form as typed (strings; checkboxes as booleans)."""

    title: str = ""
    slug: str = ""
    tagline: str = ""
    description: str = ""
    rules: str = ""
    prizes: str = ""
    min_age: str = "16"
    max_age: str = "35"
    residents_only: bool = True
    max_ideas_per_person: str = "3"
    commune: str = ""
    categories: list[CategoryRow] = field(default_factory=list)

    @classmethod
    def from_mapping(cls, data: Any) -> ContestForm:
        rows: dict[int, CategoryRow] = {}
        for key in data:
            match = _ROW.fullmatch(str(key))
            if not match:
                continue
            index, part = int(match.group(1)), match.group(2)
            row = rows.setdefault(index, CategoryRow())
            value = data.get(key)
            if part == "remove":
                row.remove = bool(value)
            else:
                setattr(row, part, str(value or ""))
        text = {
            name: str(data.get(name) or "")
            for name in (
                "title",
                "slug",
                "tagline",
                "description",
                "rules",
                "prizes",
                "min_age",
                "max_age",
                "max_ideas_per_person",
                "commune",
            )
        }
        return cls(
            **text,
            residents_only=bool(data.get("residents_only")),
            categories=[rows[i] for i in sorted(rows)][: MAX_CATEGORIES + EMPTY_CATEGORY_ROWS],
        )

    @classmethod
    def of_contest(cls, contest: ContestRow, categories: list[dict[str, Any]]) -> ContestForm:
        return cls(
            title=contest.title,
            slug=contest.slug,
            tagline=contest.tagline,
            description=contest.description,
            rules=contest.rules,
            prizes=contest.prizes,
            min_age=str(contest.min_age),
            max_age=str(contest.max_age),
            residents_only=bool(contest.residents_only),
            max_ideas_per_person=str(contest.max_ideas_per_person),
            commune=str(contest.commune),
            categories=[
                CategoryRow(id=str(c["id"]), name=c["name"], position=str(i)) for i, c in enumerate(categories, start=1)
            ],
        )

    def with_blank_rows(self) -> ContestForm:
        """The same form with empty rows to add fields (what the page shows)."""
        filled = [row for row in self.categories if row.id or row.name.strip() or row.remove]
        start = len(filled) + 1
        blanks = [CategoryRow(position=str(start + i)) for i in range(EMPTY_CATEGORY_ROWS)]
        return ContestForm(**{**self.__dict__, "categories": [*filled, *blanks]})


# ---------------------------------------------------------------- reading


async def commune_choices(scope: Scope) -> list[dict[str, Any]]:
    """The communes an organizer may create a contest in (a platform admin: every commune)."""
    query = Commune.select(Commune.id, Commune.name).order_by(Commune.name)
    if not scope.everywhere:
        query = query.where(Commune.id.is_in(sorted(scope.communes) or [-1]))
    return await query


async def contest_to_edit(slug: str, *, scope: Scope) -> tuple[ContestRow, ContestForm, dict[int, int]]:
    """The contest (within ``scope``, one query), its form as stored, and how many ideas use each field."""
    contest = contest_row(await load(Contest, Contest.slug == slug, scope, *CONTEST_COLUMNS, missing=MISSING))
    categories = await _categories(contest.id)
    return contest, ContestForm.of_contest(contest, categories), await usage(contest.id)


async def _categories(contest_id: int) -> list[dict[str, Any]]:
    return (
        await Category.select(Category.id, Category.name, Category.slug, Category.position)
        .where(Category.contest == contest_id)
        .order_by(Category.position, Category.id)
    )


async def usage(contest_id: int) -> dict[int, int]:
    """How many ideas use each field of a contest ({category id: count})."""
    rows = await Idea.select(Idea.category).where((Idea.contest == contest_id) & Idea.category.is_not_null())
    counts: dict[int, int] = {}
    for row in rows:
        counts[row["category"]] = counts.get(row["category"], 0) + 1
    return counts


def preview(form: ContestForm) -> dict[str, Any]:
    """What the Markdown texts will look like (sanitised), and the address the title would get."""
    return {
        "html": {name: render_markdown(nfc(getattr(form, name))) for name in MARKDOWN_FIELDS},
        "slug": slugify(form.slug) if form.slug.strip() else slugify(form.title),
    }


async def cover_owner(stored_name: str) -> dict[str, Any] | None:
    """The contest whose cover a stored file is (None when it is no contest's cover)."""
    return (
        await Contest.select(Contest.id, Contest.commune, Contest.published).where(Contest.cover == stored_name).first()
    )


# ---------------------------------------------------------------- checking


@dataclass
class _Checked:
    values: dict[str, Any]
    categories: list[tuple[int | None, str]]  # (existing id or None, name) in their new order
    removed: list[int]


async def free_slug(base: str, *, contest_id: int | None = None) -> str:
    """``base`` or the first of ``base-2``, ``base-3``… that no other contest uses."""
    base = base[: SLUG_LENGTH - 4].strip("-") or "cuoc-thi"
    taken = {
        r["slug"]
        for r in await Contest.select(Contest.slug).where((Contest.slug == base) | Contest.slug.like(f"{base}-%"))
    }
    if contest_id is not None:
        own = await Contest.select(Contest.slug).where(Contest.id == contest_id).first()
        taken.discard(own["slug"] if own else None)
    if base not in taken and base not in RESERVED_SLUGS:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


async def _validate(
    form: ContestForm, *, contest_id: int | None, existing: dict[int, str], used: dict[int, int]
) -> _Checked:
    problems = _Problems()
    values: dict[str, Any] = {}
    _check_texts(form, problems, values)
    values["slug"] = await _check_slug(form, values["title"], contest_id, problems)
    _check_numbers(form, problems, values)
    kept, removed = _check_categories(form, existing, used, problems)
    if problems.errors:
        raise ValidationFailed(problems.errors, problems.params)
    return _Checked(values=values, categories=[(cid, name) for _, _, cid, name in sorted(kept)], removed=removed)


@dataclass
class _Problems:
    """What is wrong with a form, by field: msgids and their parameters."""

    errors: dict[str, str] = field(default_factory=dict)
    params: dict[str, dict[str, object]] = field(default_factory=dict)

    def add(self, key: str, msgid: str, **params: object) -> None:
        self.errors[key] = msgid
        if params:
            self.params[key] = params


def _check_texts(form: ContestForm, problems: _Problems, values: dict[str, Any]) -> None:
    title = clean_line(form.title)
    if not title:
        problems.add("title", N_("Please give the contest a title."))
    elif visible_length(title) > limits.NAME:
        problems.add("title", N_("Too long: at most %(limit)s characters."), limit=limits.NAME)
    values["title"] = title
    tagline = clean_line(form.tagline)
    if visible_length(tagline) > limits.LINE:
        problems.add("tagline", N_("Too long: at most %(limit)s characters."), limit=limits.LINE)
    values["tagline"] = tagline
    for name in MARKDOWN_FIELDS:
        text = nfc(getattr(form, name)).replace("\r\n", "\n").strip()
        if len(text) > limits.MARKDOWN:
            problems.add(
                name, N_("Too long: at most %(limit)s characters."), limit=f"{limits.MARKDOWN:,}".replace(",", ".")
            )
        values[name] = text


async def _check_slug(form: ContestForm, title: str, contest_id: int | None, problems: _Problems) -> str:
    """The contest's address: typed, or made from the title; refused when reserved or taken."""
    typed = form.slug.strip()
    slug = slugify(typed) if typed else slugify(title)
    if not slug:
        if "title" not in problems.errors:
            problems.add("slug", N_("Please give an address made of letters and digits, e.g. y-tuong-2027."))
        return slug
    clash = Contest.slug == slug
    if contest_id is not None:
        clash = clash & (Contest.id != contest_id)
    if slug in RESERVED_SLUGS or await Contest.exists().where(clash):
        problems.add(
            "slug",
            N_("This address is already in use. You could use “%(suggestion)s”."),
            suggestion=await free_slug(slug, contest_id=contest_id),
        )
    return slug


def _check_numbers(form: ContestForm, problems: _Problems, values: dict[str, Any]) -> None:
    min_age = as_int(form.min_age, low=AGE_LOW, high=AGE_HIGH)
    max_age = as_int(form.max_age, low=AGE_LOW, high=AGE_HIGH)
    for name, age in (("min_age", min_age), ("max_age", max_age)):
        if age is None:
            problems.add(name, N_("Please give an age from %(low)s to %(high)s."), low=AGE_LOW, high=AGE_HIGH)
    if min_age is not None and max_age is not None and min_age > max_age:
        problems.add("max_age", N_("The oldest age cannot be lower than the youngest age."))
    values["min_age"], values["max_age"] = min_age, max_age
    ideas = as_int(form.max_ideas_per_person, low=IDEAS_LOW, high=IDEAS_HIGH)
    if ideas is None:
        problems.add(
            "max_ideas_per_person", N_("Please give a number from %(low)s to %(high)s."), low=IDEAS_LOW, high=IDEAS_HIGH
        )
    values["max_ideas_per_person"] = ideas
    values["residents_only"] = bool(form.residents_only)


def _check_categories(
    form: ContestForm, existing: dict[int, str], used: dict[int, int], problems: _Problems
) -> tuple[list[tuple[int, int, int | None, str]], list[int]]:
    """The contest's fields in their new order — (position, row, id, name) — and the ids removed."""
    kept: list[tuple[int, int, int | None, str]] = []
    removed: list[int] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(form.categories):
        entry = _check_category_row(index, row, existing, used, seen, problems)
        if isinstance(entry, int):
            removed.append(entry)
        elif entry is not None:
            kept.append(entry)
    mentioned = {cid for _, _, cid, _ in kept} | set(removed) | {as_id(row.id) for row in form.categories if row.id}
    for category_id, name in existing.items():  # fields the form did not list stay, after the others
        if category_id not in mentioned:
            if fold(name) in seen:
                problems.errors.setdefault(f"categories-{seen[fold(name)]}-name", N_("Two fields have the same name."))
            seen[fold(name)] = -1
            kept.append((10_000 + category_id, 10_000, category_id, name))
    if len(kept) > MAX_CATEGORIES:
        problems.add("categories", N_("At most %(limit)s fields per contest."), limit=MAX_CATEGORIES)
    return kept, removed


def _check_category_row(
    index: int,
    row: CategoryRow,
    existing: dict[int, str],
    used: dict[int, int],
    seen: dict[str, int],
    problems: _Problems,
) -> tuple[int, int, int | None, str] | int | None:
    """One row of the fields table: kept as (position, row, id, name), removed (its id), or None (refused, empty)."""
    key = f"categories-{index}-name"
    category_id = as_id(row.id) if row.id else None
    if row.id and category_id not in existing:
        problems.add(key, N_("This field does not belong to the contest any more. Please reload the page."))
        return None
    name = clean_line(row.name)
    if category_id is not None and row.remove:
        if used.get(category_id):
            problems.add(
                key,
                N_("“%(name)s” cannot be removed: %(count)s ideas use this field. You can rename it instead."),
                name=existing[category_id],
                count=used[category_id],
            )
            return None
        return category_id
    if not name:
        if category_id is not None:
            problems.add(key, N_("Please give the field a name, or tick “Remove”."))
        return None  # an empty new row adds nothing
    if visible_length(name) > CATEGORY_LENGTH:
        problems.add(key, N_("Too long: at most %(limit)s characters."), limit=CATEGORY_LENGTH)
        return None
    if fold(name) in seen:
        problems.add(key, N_("Two fields have the same name."))
        return None
    seen[fold(name)] = index
    position = as_int(row.position, low=-1000, high=1000) if row.position.strip() else None
    if row.position.strip() and position is None:
        problems.add(f"categories-{index}-position", N_("Please give the order as a number, e.g. 1, 2, 3."))
        return None
    return (position if position is not None else 1000 + index, index, category_id, name)


async def _write_categories(contest_id: int, checked: _Checked) -> dict[str, Any]:
    """Apply the fields: remove, rename and reorder (ids kept), add. Returns what changed, for the audit."""
    if checked.removed:
        # Refused before when ideas use them; checked again inside the transaction.
        in_use = await usage(contest_id)
        if any(in_use.get(category_id) for category_id in checked.removed):
            raise ValidationFailed(
                {"categories": N_("A field you removed is now used by an idea. Please reload the page.")}
            )
        await Category.delete().where(Category.id.is_in(checked.removed) & (Category.contest == contest_id))
    kept_ids = [category_id for category_id, _ in checked.categories if category_id is not None]
    if kept_ids:  # free every slug first, so that two fields may swap names within the transaction
        for category_id in kept_ids:
            await Category.update({Category.slug: f"~{category_id}"}).where(
                (Category.id == category_id) & (Category.contest == contest_id)
            )
    slugs: set[str] = set()
    added: list[str] = []
    for position, (category_id, name) in enumerate(checked.categories, start=1):
        slug = slugify(name, length=CATEGORY_LENGTH - 4) or "linh-vuc"
        candidate, n = slug, 2
        while candidate in slugs:
            candidate, n = f"{slug}-{n}", n + 1
        slugs.add(candidate)
        if category_id is None:
            await Category.insert(Category(contest=contest_id, name=name, slug=candidate, position=position))
            added.append(name)
        else:
            await Category.update({Category.name: name, Category.slug: candidate, Category.position: position}).where(
                (Category.id == category_id) & (Category.contest == contest_id)
            )
    return {"fields": [name for _, name in checked.categories], "added": added, "removed": checked.removed}


def _row(values: dict[str, Any]) -> dict[Any, Any]:
    return {getattr(Contest, name): value for name, value in values.items()}


# ---------------------------------------------------------------- writing


async def create_contest(
    form: ContestForm, *, scope: Scope, actor_id: int, now: dt.datetime, cover: StoredFile | None = None
) -> str:
    """Create a draft contest with its fields in a commune of ``scope``. Returns its slug.

    The commune is the organizer's only one, or the one picked on the form (required when they act
    in several). Raises ``ValidationFailed`` with every problem; nothing is written then.
    """
    choices = await commune_choices(scope)
    commune_id = as_id(form.commune) if form.commune.strip() else None
    errors: dict[str, str] = {}
    if commune_id is None and len(choices) == 1:
        commune_id = choices[0]["id"]
    if commune_id is None or commune_id not in {c["id"] for c in choices} or not scope.covers(commune_id):
        errors["commune"] = N_("Please choose the commune that organizes the contest.")
    try:
        checked = await _validate(form, contest_id=None, existing={}, used={})
    except ValidationFailed as exc:
        raise ValidationFailed({**errors, **exc.errors}, exc.field_params) from None
    if errors:
        raise ValidationFailed(errors)
    try:
        async with atomic(Contest._meta.db):
            if await Contest.exists().where(Contest.slug == checked.values["slug"]):
                raise await _slug_taken(checked.values["slug"], None)
            row = {
                **checked.values,
                "commune": commune_id,
                "published": False,
                "created_at": now,
                "cover": (cover.web_name or cover.stored_name) if cover else "",
            }
            inserted = await Contest.insert(Contest(**row)).returning(Contest.id)
            contest_id = inserted[0]["id"]
            fields_changed = await _write_categories(contest_id, checked)
            await audit.record(
                "contest.created",
                actor_id=actor_id,
                target_type="contest",
                target_id=contest_id,
                commune_id=commune_id,
                now=now,
                data={"slug": checked.values["slug"], "title": checked.values["title"], **fields_changed},
            )
    except Exception as exc:
        if isinstance(exc, ValidationFailed) or not _is_unique_violation(exc):
            raise
        raise await _slug_taken(checked.values["slug"], None) from None  # taken at the same moment
    return checked.values["slug"]


def _is_unique_violation(exc: Exception) -> bool:
    return "unique" in str(exc).lower() or type(exc).__name__ == "UniqueViolationError"


async def _slug_taken(slug: str, contest_id: int | None) -> ValidationFailed:
    return ValidationFailed(
        {"slug": N_("This address is already in use. You could use “%(suggestion)s”.")},
        {"slug": {"suggestion": await free_slug(slug, contest_id=contest_id)}},
    )


async def update_contest(
    slug: str,
    form: ContestForm,
    *,
    scope: Scope,
    actor_id: int,
    now: dt.datetime,
    cover: StoredFile | None = None,
    remove_cover: bool = False,
) -> tuple[str, str | None]:
    """Save the contest's form and its fields, within ``scope``. Returns the (possibly new) slug and
    the stored name of a cover that was replaced or removed (for the caller to delete), if any.

    Raises ``NotFound`` outside the scope, ``ValidationFailed`` with every problem (nothing written).
    """
    try:
        result = await _update(
            slug, form, scope=scope, actor_id=actor_id, now=now, cover=cover, remove_cover=remove_cover
        )
        await events.public_changed("contest.updated")
        return result
    except Exception as exc:
        if isinstance(exc, ValidationFailed) or not _is_unique_violation(exc):
            raise
        raise await _slug_taken(slugify(form.slug) or slugify(form.title), None) from None


async def _update(
    slug: str,
    form: ContestForm,
    *,
    scope: Scope,
    actor_id: int,
    now: dt.datetime,
    cover: StoredFile | None,
    remove_cover: bool,
) -> tuple[str, str | None]:
    async with atomic(Contest._meta.db):
        contest = await load(Contest, Contest.slug == slug, scope, Contest.all_columns(), missing=MISSING)
        existing = {c["id"]: c["name"] for c in await _categories(contest["id"])}
        checked = await _validate(form, contest_id=contest["id"], existing=existing, used=await usage(contest["id"]))
        values = _row(checked.values)
        old_cover = None
        if cover is not None:
            values[Contest.cover] = cover.web_name or cover.stored_name
            old_cover = contest["cover"] or None
        elif remove_cover and contest["cover"]:
            values[Contest.cover] = ""
            old_cover = contest["cover"]
        await Contest.update(values).where(Contest.id == contest["id"])
        fields_changed = await _write_categories(contest["id"], checked)
        changed = sorted(name for name, value in checked.values.items() if contest.get(name) != value)
        if Contest.cover in values:
            changed.append("cover")
        await audit.record(
            "contest.updated",
            actor_id=actor_id,
            target_type="contest",
            target_id=contest["id"],
            commune_id=contest["commune"],
            now=now,
            data={"changed": changed, **fields_changed},
        )
    return checked.values["slug"], old_cover
