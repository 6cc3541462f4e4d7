"""Judges' pages (panel invitations, declaration, blind score sheets) and organizers' judging pages."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from accounts import forms
from accounts.errors import PermissionDenied, ValidationFailed
from accounts.i18n import N_
from accounts.rules import Access
from accounts.scope import PLATFORM
from accounts.text import as_id
from contest import judging
from contest.labels import STATUS_LABELS
from contest.markdown import render as markdown
from server.auth import signed_in_user
from server.context import AppContext
from server.controllers.contests import STAGE_LABELS
from server.guards import access
from server.i18n import lang_of, t
from server.web import (
    flash,
    form_data,
    form_page_on_refusal,
    organizer_scope,
    parse_form,
    redirect,
    refuse_to,
    render,
)


def _lines(text: str) -> list[str]:
    return [line for line in (text or "").replace(",", "\n").splitlines() if line.strip()]


@dataclass
class DeclarationForm:
    """A judge's declaration of interests: the statement, the related entries and relatives (a line
    each), and the box ticked to confirm."""

    statement: str = forms.text()
    related: str = forms.text()
    relatives: str = forms.text()
    confirm: bool = forms.checked()


@dataclass
class SheetButtons:
    """The score sheet's overall comment and the button pressed (save or submit); the scores and notes,
    named by criterion, are read with the round's rubric."""

    overall_comment: str = forms.text()
    action: str = forms.text()


class JudgeController(Controller):
    path = "/judge"
    include_in_schema = False

    @get("/", opt=access(Access.authenticated))
    async def home(self, request: Request, ctx: NamedDependency[AppContext]) -> Template:
        me = signed_in_user(request)
        rounds = []
        for r in await judging.judge_rounds(me.id):
            queue = await judging.my_queue(r.id, me.id)
            rounds.append(
                {
                    "round": r,
                    "queue": queue,
                    "declared": await judging.declaration(r.id, me.id) is not None,
                    "done": sum(1 for q in queue if q.status in ("submitted", "abstained")),
                }
            )
        return render("judging/home.html", rounds=rounds, invitations=await judging.panel_invitations(me.id))

    @post("/panels/{member_id:int}/accept", opt=access(Access.authenticated))
    async def accept(self, request: Request, member_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        round_id = await judging.accept_panel(member_id, user_id=signed_in_user(request).id, now=ctx.now())
        flash(request, N_("Thank you for joining the panel. Please sign the declaration before scoring."))
        return redirect(f"/judge/rounds/{round_id}/declaration")

    @get("/rounds/{round_id:int}/declaration", opt=access(Access.judge))
    async def declaration_form(self, request: Request, round_id: FromPath[int]) -> Template:
        me = signed_in_user(request)
        round_ = await judging.round_row(round_id, scope=PLATFORM)
        if not await judging.on_panel(round_id, me.id):
            raise PermissionDenied(N_("You are not on this round's panel."))
        return render(
            "judging/declaration.html",
            round=round_,
            signed=await judging.declaration(round_id, me.id),
            values={},
            errors={},
        )

    @post("/rounds/{round_id:int}/declaration", opt=access(Access.judge))
    async def declare(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        me = signed_in_user(request)
        declared = await parse_form(request, DeclarationForm)
        values = {"statement": declared.statement, "related": declared.related, "relatives": declared.relatives}

        async def again(errors: dict[str, str]) -> Template:
            return render(
                "judging/declaration.html",
                round=await judging.round_row(round_id, scope=PLATFORM),
                signed=None,
                values=values,
                errors=errors,
            )

        async with form_page_on_refusal(request, again):
            if not declared.confirm:
                raise ValidationFailed({"confirm": N_("Please confirm the declaration.")})
            await judging.sign_declaration(
                round_id,
                me.id,
                statement=values["statement"],
                related_codes=_lines(values["related"]),
                relatives=_lines(values["relatives"]),
                now=ctx.now(),
            )
        flash(request, N_("Your declaration is signed. You can now score your entries."))
        return redirect("/judge")

    async def _sheet_page(
        self,
        request: Request,
        ctx: AppContext,
        assignment_id: int,
        *,
        status: int = 200,
        values: dict | None = None,
        errors: dict | None = None,
    ) -> Template:
        me = signed_in_user(request)
        try:
            assignment = await judging.assignment_for_judge(assignment_id, me.id)
        except PermissionDenied:
            if await judging.judges_round_of(assignment_id, me.id) is not None:
                flash(request, N_("Please sign the conflict-of-interest declaration first."), "info")
            raise
        round_ = await judging.round_row(assignment["round"], scope=PLATFORM)
        settings = await judging.settings_of(assignment["round"])
        criteria = await judging.rubric(assignment["round"])
        sheet = await judging.sheet(assignment["round"], me.id, assignment["idea"])
        queue = await judging.my_queue(assignment["round"], me.id)
        if values is None:
            values = {"overall_comment": sheet["overall_comment"] if sheet else ""}
            for c in criteria:
                item = (sheet or {}).get("scores", {}).get(c["id"])
                values[f"c{c['id']}"] = "" if not item or item["value"] is None else str(item["value"])
                values[f"n{c['id']}"] = item["comment"] if item else ""
        entry = await judging.blind_entry(assignment["idea"])
        return render(
            "judging/sheet.html",
            status=status,
            assignment=assignment,
            round=round_,
            entry=entry,
            body=markdown(entry.body),
            criteria=criteria,
            sheet=sheet,
            values=values,
            errors=errors or {},
            open=judging.scoring_open(round_, settings, ctx.now()),
            stage_labels=STAGE_LABELS,
            scoring=judging.scoring_state(round_, settings, ctx.now()),
            others=await judging.others_scores(assignment["round"], me.id, assignment["idea"]),
            done=sum(1 for q in queue if q.status in ("submitted", "abstained")),
            total=len(queue),
            next_id=next(
                (q.id for q in queue if q.status not in ("submitted", "abstained") and q.id != assignment_id),
                None,
            ),
        )

    @get("/assignments/{assignment_id:int}", opt=access(Access.judge))
    async def sheet(self, request: Request, assignment_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        try:
            return await self._sheet_page(request, ctx, assignment_id)
        except PermissionDenied:
            round_id = await judging.judges_round_of(assignment_id, signed_in_user(request).id)
            if round_id is not None:
                return redirect(f"/judge/rounds/{round_id}/declaration")
            raise

    @post("/assignments/{assignment_id:int}", opt=access(Access.judge))
    async def save(self, request: Request, assignment_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        me = signed_in_user(request)
        form = await form_data(request)
        assignment = await judging.assignment_for_judge(assignment_id, me.id)
        criteria = await judging.rubric(assignment["round"])
        scores = {c["id"]: (form.get(f"c{c['id']}", ""), form.get(f"n{c['id']}", "")) for c in criteria}
        values = {k: v for k, v in form.items()}
        sheet = await parse_form(request, SheetButtons)
        submit = sheet.action == "submit"
        async with form_page_on_refusal(
            request, lambda errors: self._sheet_page(request, ctx, assignment_id, values=values, errors=errors)
        ):
            result = await judging.save_sheet(
                assignment_id,
                judge_id=me.id,
                scores=scores,
                overall_comment=sheet.overall_comment,
                submit=submit,
                now=ctx.now(),
            )
        if submit:
            flash(request, N_("Score sheet submitted (total %(total)s / 100)."), total=f"{result['total']:.1f}")
            queue = await judging.my_queue(assignment["round"], me.id)
            nxt = next((q.id for q in queue if q.status not in ("submitted", "abstained")), None)
            return redirect(f"/judge/assignments/{nxt}" if nxt else "/judge")
        flash(request, N_("Draft saved."))
        return redirect(f"/judge/assignments/{assignment_id}")

    @post(
        "/assignments/{assignment_id:int}/abstain",
        opt=access(Access.judge, refuse_to="/judge/assignments/{assignment_id}#abstain"),
    )
    async def abstain(
        self, request: Request, assignment_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        form = await parse_form(request, forms.ReasonForm)
        await judging.abstain(assignment_id, judge_id=signed_in_user(request).id, reason=form.reason, now=ctx.now())
        flash(request, N_("Recorded: you did not score this entry."))
        return redirect("/judge")

    @post(
        "/assignments/{assignment_id:int}/recuse",
        opt=access(Access.judge, refuse_to="/judge/assignments/{assignment_id}#recuse"),
    )
    async def recuse(
        self, request: Request, assignment_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        form = await parse_form(request, forms.ReasonForm)
        await judging.recuse(assignment_id, judge_id=signed_in_user(request).id, reason=form.reason, now=ctx.now())
        flash(request, N_("You stepped back from this entry; it has been given to another judge."))
        return redirect("/judge")


@dataclass
class SettingsForm:
    """How a round's entries are given to its judges (the domain checks the numbers together)."""

    judges_per_entry: int = forms.whole(0)
    min_per_judge: int = forms.whole(0)
    max_per_judge: int | None = forms.whole(None)
    anchors: int = forms.whole(0)
    method: str = forms.text()


@dataclass
class JudgeForm:
    """A judge added to the panel: a phone number or email, and the fields of expertise ticked."""

    contact: str = forms.text()
    expertise: list[int] = forms.identifiers()


@dataclass
class LockForm:
    """Whether the assignments are locked (the button sends locked=1) or opened again."""

    locked: bool = forms.checked("1")


@dataclass
class ReleaseForm:
    """Whether a judge's comment is released to the team (release=1) or held back, and the page of comments
    to go back to."""

    release: bool = forms.checked("1")
    page: int | None = forms.identifier()


@dataclass
class MoveForm:
    """The judge an assignment moves to, and the page of the list to go back to."""

    judge: int = forms.whole(0)
    page: int | None = forms.identifier()


@dataclass
class ReopenForm:
    """Reopening a round's scoring: why, and for how many hours (the domain checks them)."""

    reason: str = forms.text()
    hours: int = forms.whole(0)


@dataclass
class ShortlistForm:
    """The entries an organizer shortlists: ticked one by one, or the ``top`` of the ranking."""

    ideas: list[int] = forms.identifiers()
    top: int = forms.whole(0)
    reason: str = forms.text()


# Rows per page: the ranking (compact rows, one shortlist form), the assignments (each with a move
# form and the panel's dropdown) and the sheets whose comments are approved (one form each).
RANKING_PER_PAGE = 50
JUDGING = "/organizer/rounds/{round_id}/judging/"  # where a refused action of the organizer goes back to
ASSIGNMENTS_PER_PAGE = 50
COMMENTS_PER_PAGE = 50


class OrganizerJudgingController(Controller):
    path = "/organizer/rounds/{round_id:int}/judging"
    include_in_schema = False

    async def _page(
        self,
        request: Request,
        ctx: AppContext,
        round_id: int,
        *,
        method: str | None = None,
        page: int | None = 1,
        status: int = 200,
        errors: dict | None = None,
        view_error: str | None = None,
    ) -> Template:
        scope = organizer_scope(request, round_id=round_id)
        round_ = await judging.round_row(round_id, scope=scope)
        settings = await judging.ensure_frozen(
            round_id, now=ctx.now(), actor_id=signed_in_user(request).id, scope=scope
        )
        from contest.services import categories_of

        results = await judging.results(round_id, method=method)
        page, pages = judging.page_bounds(len(results["ranking"]), page, RANKING_PER_PAGE)
        offset = (page - 1) * RANKING_PER_PAGE
        return render(
            "judging/organizer.html",
            status=status,
            round=round_,
            settings=settings,
            criteria=await judging.rubric(round_id),
            panel=await judging.panel(round_id),
            counts=await judging.counts(round_id),
            results=results,
            ranking=results["ranking"][offset : offset + RANKING_PER_PAGE],
            offset=offset,
            page=page,
            pages=pages,
            methods=judging.METHOD_LABELS,
            categories=await categories_of(round_.contest),
            status_labels=STATUS_LABELS,
            open=judging.scoring_open(round_, settings, ctx.now()),
            errors=errors or {},
            view_error=view_error,
            scoring=judging.scoring_state(round_, settings, ctx.now()),
            view_method=method,
        )

    @get("/", opt=access(Access.organizer))
    async def page(
        self,
        request: Request,
        round_id: FromPath[int],
        ctx: NamedDependency[AppContext],
        method: FromQuery[str] = "",
        page: FromQuery[str] = "1",
    ) -> Template:
        if method and method not in judging.METHODS:  # refused, never silently replaced by the default
            return await self._page(
                request,
                ctx,
                round_id,
                status=400,
                view_error=t(
                    request, N_("“%(method)s” is not a ranking method: choose one from the list."), method=method[:40]
                ),
            )
        return await self._page(request, ctx, round_id, method=method or None, page=as_id(page))

    @get("/assignments", opt=access(Access.organizer))
    async def assignments(
        self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext], page: FromQuery[str] = "1"
    ) -> Template:
        """Assignment management: run or lock the assignment, hand an entry to another judge (paginated)."""
        round_ = await judging.round_row(round_id, scope=organizer_scope(request, round_id=round_id))
        return render(
            "judging/organizer_assignments.html",
            round=round_,
            settings=await judging.settings_of(round_id),
            panel=await judging.panel(round_id),
            conflicts=len(await judging.conflicts(round_id)),
            listing=await judging.assignments_page(round_id, page=as_id(page), per_page=ASSIGNMENTS_PER_PAGE),
        )

    @get("/comments", opt=access(Access.organizer))
    async def comments(
        self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext], page: FromQuery[str] = "1"
    ) -> Template:
        """The judges' overall comments, approved one by one before the teams read them (paginated)."""
        round_ = await judging.round_row(round_id, scope=organizer_scope(request, round_id=round_id))
        return render(
            "judging/organizer_comments.html",
            round=round_,
            listing=await judging.sheets_for_review_page(round_id, page=as_id(page), per_page=COMMENTS_PER_PAGE),
        )

    @post("/judges", opt=access(Access.organizer, refuse_to=JUDGING + "#panel"))
    async def add_judge(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        judge = await parse_form(request, JudgeForm)
        await judging.add_judge(
            round_id,
            judge.contact,
            expertise=judge.expertise,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            lang=lang_of(request),
            scope=organizer_scope(request, round_id=round_id),
        )
        flash(request, N_("The judge has been added to the panel and told."))
        return redirect(f"/organizer/rounds/{round_id}/judging/#panel")

    @post("/settings", opt=access(Access.organizer))
    async def settings(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        values = asdict(await parse_form(request, SettingsForm))
        async with form_page_on_refusal(request, lambda errors: self._page(request, ctx, round_id, errors=errors)):
            await judging.update_settings(
                round_id,
                values=values,
                actor_id=signed_in_user(request).id,
                now=ctx.now(),
                scope=organizer_scope(request, round_id=round_id),
            )
        flash(request, N_("Settings saved."))
        return redirect(f"/organizer/rounds/{round_id}/judging/#assignment")

    @post("/assign", opt=access(Access.organizer, refuse_to=JUDGING + "assignments#assignments"))
    async def assign(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        result = await judging.run_assignment(
            round_id,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=organizer_scope(request, round_id=round_id),
        )
        flash(
            request,
            N_("%(pairs)s assignments made in %(seconds)s s."),
            pairs=result["pairs"],
            seconds=f"{result['seconds']:.2f}",
        )
        if result["note"]:  # the panel stays split into groups: say why, and what links it
            flash(request, result["note"], "info", **result["note_params"])
        return redirect(f"/organizer/rounds/{round_id}/judging/assignments#assignments")

    @post("/lock", opt=access(Access.organizer))
    async def lock(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        locking = await parse_form(request, LockForm)
        await judging.set_assignments_locked(
            round_id,
            locking.locked,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=organizer_scope(request, round_id=round_id),
        )
        return redirect(f"/organizer/rounds/{round_id}/judging/assignments#assignments")

    @post("/assignments/{assignment_id:int}/move", opt=access(Access.organizer))
    async def move(
        self, request: Request, round_id: FromPath[int], assignment_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        move = await parse_form(request, MoveForm)
        back = f"/organizer/rounds/{round_id}/judging/assignments?page={move.page or 1}#assignment"
        refuse_to(request, back)
        await judging.move_assignment(
            assignment_id,
            move.judge,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=organizer_scope(request, round_id=round_id),
        )
        return redirect(back)

    @post("/reopen", opt=access(Access.organizer, refuse_to=JUDGING + "#freeze"))
    async def reopen(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        reopening = await parse_form(request, ReopenForm)
        await judging.reopen(
            round_id,
            actor_id=signed_in_user(request).id,
            reason=reopening.reason,
            hours=reopening.hours,
            now=ctx.now(),
            scope=organizer_scope(request, round_id=round_id),
        )
        flash(request, N_("Scoring is reopened; the judges can change their sheets until the new time."))
        return redirect(f"/organizer/rounds/{round_id}/judging/#freeze")

    @post("/shortlist", opt=access(Access.organizer, refuse_to=JUDGING + "#results"))
    async def shortlist(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        chosen = await parse_form(request, ShortlistForm)
        ids = chosen.ideas
        if chosen.top:
            ranking = (await judging.results(round_id))["ranking"]
            ids = [row["result"].entry for row in ranking[: chosen.top]]
        count = await judging.shortlist(
            round_id,
            ids,
            actor_id=signed_in_user(request).id,
            reason=chosen.reason,
            now=ctx.now(),
            scope=organizer_scope(request, round_id=round_id),
        )
        flash(request, N_("%(count)s entries shortlisted."), count=count)
        return redirect(f"/organizer/rounds/{round_id}/judging/#results")

    @post("/sheets/{sheet_id:int}/release", opt=access(Access.organizer))
    async def release(
        self, request: Request, round_id: FromPath[int], sheet_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        releasing = await parse_form(request, ReleaseForm)
        await judging.set_comment_release(
            round_id,
            sheet_id,
            releasing.release,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=organizer_scope(request, round_id=round_id),
        )
        return redirect(f"/organizer/rounds/{round_id}/judging/comments?page={releasing.page or 1}#comments")
