"""Organizer pages: dashboard, contest figures with charts, exports, moderation, deadlines."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from accounts import forms, messaging
from accounts.i18n import N_
from accounts.rules import Access, is_admin
from accounts.text import as_id
from contest import reports, services, stats
from contest.forms import FIELD_LABELS
from contest.labels import STAGE_LABELS, STATUS_LABELS
from server.auth import current_user, signed_in_user
from server.context import AppContext
from server.guards import access
from server.i18n import t
from server.web import flash, organizer_scope, parse_form, redirect, refuse_to, render

NEW_WINDOW = dt.timedelta(days=7)


@dataclass
class PublishForm:
    """Whether a contest is shown to the public (the button sends published=1) or hidden."""

    published: bool = forms.checked("1")


class OrganizerController(Controller):
    path = "/organizer"
    include_in_schema = False

    @get("/", opt=access(Access.organizer))
    async def dashboard(self, request: Request, ctx: NamedDependency[AppContext]) -> Template:
        scope = organizer_scope(request)
        contests = await stats.new_submission_counts(
            None if scope.everywhere else sorted(scope.communes), since=ctx.now() - NEW_WINDOW
        )
        return render("organizer/dashboard.html", contests=contests)

    @get("/contests/{slug:str}", opt=access(Access.organizer))
    async def contest(self, request: Request, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Template:
        contest = await services.contest_for_organizer(slug, scope=organizer_scope(request))
        rows = await stats.submissions(contest.id)
        categories, hamlets = await stats.names(contest.id, contest.commune)
        figures = stats.summarise(rows, year=ctx.now().year, categories=categories, hamlets=hamlets)
        status_rows = [(t(request, STATUS_LABELS[s]), n) for s, n in figures["by_status"]]
        unknown = t(request, N_("Not given"))
        charts = [
            reports.bar_chart_svg(
                t(request, N_("Ideas by status")), status_rows, empty_text=t(request, N_("No ideas yet"))
            ),
            reports.bar_chart_svg(
                t(request, N_("Ideas by field")),
                [(name if name != "?" else unknown, n) for name, n in figures["by_category"]],
            ),
            reports.bar_chart_svg(
                t(request, N_("Ideas by hamlet of the team lead")),
                [(name if name != "?" else unknown, n) for name, n in figures["by_hamlet"]],
            ),
            reports.bar_chart_svg(
                t(request, N_("Ideas by age of the team lead")),
                [(name if name != "?" else unknown, n) for name, n in figures["by_age"]],
            ),
        ]
        return render(
            "organizer/contest.html",
            contest=contest,
            rows=rows,
            figures=figures,
            charts=charts,
            rounds=await services.rounds_of(contest.id),
            status_labels=STATUS_LABELS,
        )

    @get("/contests/{slug:str}/messages", opt=access(Access.organizer))
    async def messages(self, request: Request, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Template:
        """Text messages about this contest (sent, delivered, failed) and their estimated cost; and the
        commune's codes and password resets, which belong to no contest."""
        contest = await services.contest_for_organizer(slug, scope=organizer_scope(request))
        m = ctx.settings.messaging
        costs = {"sms": m.sms_cost, "zalo": m.zalo_cost}
        return render(
            "organizer/messages.html",
            contest=contest,
            costs=costs,
            about_contest=await messaging.figures(contest_id=contest.id, costs=costs),
            commune_wide=await messaging.figures(commune_id=contest.commune, costs=costs),
            caps=await messaging.current_caps(messaging.Caps(per_phone=m.per_phone_per_day, per_day=m.per_day)),
            can_set_caps=is_admin(current_user(request)),
        )

    async def _export_rows(self, request: Request, slug: str) -> tuple[services.ContestRow, list[str], list[list]]:
        contest = await services.contest_for_organizer(slug, scope=organizer_scope(request))
        rows = await stats.submissions(contest.id)
        headers = [
            t(request, h)
            for h in (
                N_("Code"),
                N_("Title"),
                N_("Status"),
                N_("Field (category)"),
                N_("Hamlet"),
                N_("Team lead"),
                N_("Year of birth"),
                N_("Stage"),
                N_("Estimated budget (VND)"),
                N_("Round"),
                N_("Created"),
                N_("Submitted"),
                N_("Hidden"),
            )
        ]
        data = [
            [
                r.code,
                r.title,
                t(request, STATUS_LABELS[r.status]),
                r.category_name,
                r.hamlet_name,
                r.lead_name,
                r.lead_birth_year,
                t(request, STAGE_LABELS[r.stage]) if r.stage in STAGE_LABELS else r.stage,
                r.budget_vnd,
                r.round_name,
                r.created_at,
                r.submitted_at,
                t(request, N_("yes")) if r.hidden else "",
            ]
            for r in rows
        ]
        return contest, headers, data

    @get("/contests/{slug:str}/export.csv", opt=access(Access.organizer))
    async def export_csv(self, request: Request, slug: FromPath[str]) -> Response:
        contest, headers, data = await self._export_rows(request, slug)
        return Response(
            reports.csv_bytes(headers, data),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{contest.slug}-y-tuong.csv"'},
        )

    @get("/contests/{slug:str}/export.xlsx", opt=access(Access.organizer))
    async def export_xlsx(self, request: Request, slug: FromPath[str]) -> Response:
        contest, headers, data = await self._export_rows(request, slug)
        return Response(
            reports.xlsx_bytes(contest.title, headers, data),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{contest.slug}-y-tuong.xlsx"'},
        )

    @post("/contests/{slug:str}/publish", opt=access(Access.organizer, refuse_to="/organizer/contests/{slug}"))
    async def publish(self, request: Request, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Response:
        scope = organizer_scope(request)
        contest = await services.contest_for_organizer(slug, scope=scope)
        published = (await parse_form(request, PublishForm)).published
        await services.set_published(  # refused e.g. while no round has dates
            contest.id, published, actor_id=signed_in_user(request).id, now=ctx.now(), scope=scope
        )
        flash(request, N_("The contest is now public.") if published else N_("The contest is now hidden."))
        return redirect(f"/organizer/contests/{slug}")

    @get("/ideas/{idea_id:int}/revisions", opt=access(Access.organizer))
    async def revisions(self, request: Request, idea_id: FromPath[int]) -> Template:
        scope = organizer_scope(request)
        idea = await services.idea_full(idea_id, scope=scope)
        revisions = await services.revisions_of(idea_id, scope=scope)
        category_names = {c["id"]: c["name"] for c in await services.categories_of(idea.contest)}

        def shown(name: str, value: object) -> object:  # names, not the stored codes and ids
            if name == "category" and value is not None:
                return category_names.get(as_id(value) or 0, t(request, N_("(a field that was removed)")))
            if name == "stage" and isinstance(value, str) and value in STAGE_LABELS:
                return t(request, STAGE_LABELS[value])
            return value

        changes = []
        for before, after in zip(revisions, revisions[1:], strict=False):
            fields = []
            for name, value in after.snapshot.items():
                old = before.snapshot.get(name)
                if old != value:
                    old, value = shown(name, old), shown(name, value)
                    diff = list(
                        difflib.unified_diff(
                            str(old or "").splitlines(), str(value or "").splitlines(), lineterm="", n=1
                        )
                    )[2:]
                    fields.append({"name": name, "old": old, "new": value, "diff": diff})
            changes.append({"revision": after, "fields": fields})
        return render(
            "organizer/revisions.html",
            idea=idea,
            revisions=revisions,
            changes=changes,
            field_labels={
                **FIELD_LABELS,
                "category": FIELD_LABELS["category_id"],
                "budget_vnd": FIELD_LABELS["budget"],
            },
        )

    @post("/ideas/{idea_id:int}/hide", opt=access(Access.organizer))
    async def hide(self, request: Request, idea_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        scope = organizer_scope(request)
        idea = await services.idea_full(idea_id, scope=scope)
        refuse_to(request, f"/ideas/{idea.code}#moderation")
        form = await parse_form(request, forms.ReasonForm)
        await services.hide(
            idea_id, reason=form.reason, actor_id=signed_in_user(request).id, now=ctx.now(), scope=scope
        )
        flash(request, N_("The idea is hidden and the team has been told why."))
        return redirect(f"/ideas/{idea.code}")

    @post("/ideas/{idea_id:int}/unhide", opt=access(Access.organizer))
    async def unhide(self, request: Request, idea_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        scope = organizer_scope(request)
        idea = await services.idea_full(idea_id, scope=scope)
        await services.unhide(idea_id, actor_id=signed_in_user(request).id, now=ctx.now(), scope=scope)
        flash(request, N_("The idea is public again."))
        return redirect(f"/ideas/{idea.code}")
