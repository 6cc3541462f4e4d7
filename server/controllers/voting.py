"""The public vote, published results, vote log, certificates, posters and resident verification."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from typing import cast

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from markupsafe import Markup

from accounts import forms, memo, verification
from accounts.errors import DomainError, NotFound
from accounts.i18n import N_, ntranslate
from accounts.rules import Access, Principal
from accounts.scope import load
from accounts.tables import User
from city import final, sponsors
from contest import judging, phases, results_cache, rubric, services, voting
from contest.tables import Idea
from server.auth import client_ip, current_user, signed_in_user
from server.context import AppContext
from server.controllers.api import (
    NOT_FOUND,
    SLUG,
    AwardOut,
    CorrectionOut,
    RankingRowOut,
    ResultsOut,
    VoteLogEntryOut,
    VoteLogLinksOut,
    VoteLogOut,
)
from server.guards import access
from server.i18n import lang_of, t
from server.mail import caps_for
from server.uploads import chosen_file
from server.web import (
    flash,
    form_data,
    form_page_on_refusal,
    home_commune,
    organizer_scope,
    parse_form,
    redirect,
    refuse_to,
    render,
)


def alias_key(ctx: AppContext) -> bytes:
    return ("vote-alias:" + ctx.settings.secret_key).encode()


async def vote_round(slug: str, ctx: AppContext) -> tuple[services.ContestRow, dict]:
    """The contest and the round whose public vote people act in now."""
    round_ = await voting.vote_round(slug, ctx.now())
    return await services.contest_by_slug(slug), round_


def as_voter(me: Principal) -> voting.Voter:
    """The signed-in person as the vote's rules see them (the principal is loaded for every request)."""
    return voting.Voter(id=me.id, verified_resident=me.verified_resident, commune=me.commune_id)


@dataclass
class ReceiptForm:
    """A vote's receipt code, as typed (its first characters: a receipt is shorter)."""

    receipt: str = forms.text(limit=64)


@dataclass
class CodeForm:
    """The code sent to the person's phone, as typed (the domain checks it)."""

    code: str = forms.text()


@dataclass
class ResidentsImportForm:
    """Whether an imported list of residents replaces the commune's list (the file is read apart)."""

    replace: bool = forms.checked()


@dataclass
class SearchKept:
    """The search of the residents page, kept when a person is verified from its results."""

    q: str = forms.text()


class VoteLabels(dict):
    """The label of a count of votes ("12 phiếu bình chọn"), translated once per count shown on a page."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def __missing__(self, n: int) -> str:
        label = self[n] = ntranslate("%(num)s vote", "%(num)s votes", n, self.lang)
        return label


async def _card_heads(request: Request, ideas: list[voting.BallotIdea]) -> list[Markup]:
    """The part of each idea's card on the vote page that every reader sees the same, rendered once
    while the ideas stay as they are (kept with them, see ``accounts.memo``)."""
    engine = cast("JinjaTemplateEngine", request.app.template_engine)
    macros = engine.engine.get_template("voting/_card_head.html").module
    head = macros.card_head  # pyright: ignore[reportAttributeAccessIssue] — a macro the template defines
    return [head(idea) for idea in ideas]


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


class VoteController(Controller):
    path = "/contests/{slug:str}"
    include_in_schema = False

    @get("/vote", opt=access(Access.public))
    async def page(self, request: Request, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Template:
        contest, round_ = await vote_round(slug, ctx)
        now = ctx.now()
        rules = round_["rules"]
        me = current_user(request)
        refusal = voting.refusal_for(round_, as_voter(me), now) if me else None
        ideas = await voting.ballot_ideas(round_["id"])
        card_heads = await memo.read(("vote_card_heads", round_["id"]), lambda: _card_heads(request, ideas))
        open_ = phases.is_open(round_, phases.Phase.voting, now)
        mine, used, counts = await voting.ballot_page(
            round_["id"], me.id if me else None, with_tally=rules["live_tally"] or not open_
        )
        labels = VoteLabels(lang_of(request))
        cards = [
            (head, labels[counts.get(idea.id, 0)] if counts is not None else None, mine.get(idea.id), idea)
            for head, idea in zip(card_heads, ideas, strict=True)
        ]
        return render(
            "voting/vote.html",
            contest=contest,
            round=round_,
            rules=rules,
            cards=cards,
            left=rules["votes_per_voter"] - used,
            refusal=t(request, refusal) if refusal else None,
            open=open_,
            now=now,
            vote_left=phases.countdown(round_["vote_closes"], now),
        )

    @post("/vote/{code:str}", opt=access(Access.authenticated))
    async def cast(
        self, request: Request, slug: FromPath[str], code: FromPath[str], ctx: NamedDependency[AppContext]
    ) -> Response:
        # The busiest route while a vote is open: the round, its rules and the voter from this worker's
        # copies (server.memo.MemoMiddleware; a change to them made through the site or the admin moves
        # the shared generation on before its answer leaves, so a copy is never older than what the
        # voter could have seen), one round trip for both rate limits, one statement for the vote,
        # which checks the resident line in the database (see contest.voting.cast_vote).
        round_ = await voting.vote_round(slug, ctx.now())
        me = signed_in_user(request)
        code = code.upper()
        message, ok, already, result = "", False, False, None
        wait = await ctx.limiter.hit_many(
            [
                (f"vote:user:{me.id}", ctx.settings.vote_rate_limit, 60),
                (f"vote:ip:{client_ip(request)}", ctx.settings.vote_ip_rate_limit, 60),
            ]
        )
        if wait:
            message = t(request, N_("Too many attempts. Please wait %(minutes)s minutes and try again."), minutes=1)
        else:
            try:
                result = await voting.cast_vote(
                    round_, code, voter=as_voter(me), now=ctx.now(), alias_key=alias_key(ctx), ip=client_ip(request)
                )
                ok = True
                message = t(
                    request,
                    N_("Your vote for %(code)s has been counted. Receipt: %(receipt)s. You have %(left)s votes left."),
                    code=code,
                    receipt=result["receipt"],
                    left=result["left"],
                )
            except voting.AlreadyVoted:
                already = True
                message = t(request, N_("You have already voted for this idea."))
            except DomainError as exc:
                message = t(request, exc.message, **exc.params)
        if _wants_json(request):
            return Response(
                {
                    "ok": ok,
                    "message": message,
                    "voted": ok or already,
                    "left": result["left"] if result else None,
                    "receipt": result["receipt"] if result else None,
                },
                status_code=200 if ok else (429 if wait else 409),
                media_type=MediaType.JSON,
            )
        flash(request, message, "success" if ok else "error")
        return redirect(f"/contests/{slug}/vote#idea-{code}")

    @post("/vote/{code:str}/withdraw", opt=access(Access.authenticated))
    async def withdraw(
        self, request: Request, slug: FromPath[str], code: FromPath[str], ctx: NamedDependency[AppContext]
    ) -> Response:
        contest, round_ = await vote_round(slug, ctx)
        idea = await services.idea_by_code(code)
        back = f"/contests/{slug}/vote#idea-{idea.code}"
        refuse_to(request, back)
        await voting.withdraw(
            round_["id"], idea.id, voter_id=signed_in_user(request).id, now=ctx.now(), alias_key=alias_key(ctx)
        )
        flash(request, N_("Your vote for %(code)s has been taken back; you can vote again."), code=idea.code)
        return redirect(back)

    async def _published_log(self, slug: str, ctx: AppContext) -> tuple[dict, list[dict]]:
        contest, round_ = await vote_round(slug, ctx)
        if ctx.now() < round_["vote_closes"]:
            raise NotFound(N_("The vote log is published when the vote closes."))
        await voting.seal_log(round_["id"], now=ctx.now())
        return round_, await voting.log_rows(round_["id"])

    @get(
        "/vote-log.csv",
        opt=access(Access.public),
        include_in_schema=True,
        tags=["open data"],
        media_type="text/csv",
        summary=N_("Vote log of a contest (CSV)"),
        description=N_(
            "Every cast, withdrawn and voided vote of the contest's public vote, hash-chained, "
            "published once the vote has closed: anyone can recount it."
        ),
        response_description=N_("A CSV file (UTF-8, with a header row)."),
        responses=NOT_FOUND,
    )
    async def log_csv(self, slug: SLUG, ctx: NamedDependency[AppContext]) -> Response[bytes]:
        round_, rows = await self._published_log(slug, ctx)
        return Response(
            voting.log_csv(rows),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{slug}-vote-log.csv"'},
        )

    @get(
        "/vote-log.json",
        opt=access(Access.public),
        include_in_schema=True,
        tags=["open data"],
        summary=N_("Vote log of a contest (JSON)"),
        description=N_("The same log as the CSV file, with the head hash and the totals it adds up to."),
        responses=NOT_FOUND,
    )
    async def log_json(self, slug: SLUG, ctx: NamedDependency[AppContext]) -> Response[VoteLogOut]:
        round_, rows = await self._published_log(slug, ctx)
        check = voting.verify_log(rows)
        body = VoteLogOut(
            contest=slug,
            round=round_["id"],
            head_hash=check.get("head"),
            entry_count=len(rows),
            entries=[VoteLogEntryOut(**row) for row in rows],
            totals=check["totals"],
        )
        return Response(
            body,
            media_type=MediaType.JSON,
            headers={"Content-Disposition": f'attachment; filename="{slug}-vote-log.json"'},
        )

    async def _results(self, slug: str, ctx: AppContext) -> dict:
        contest = await services.contest_by_slug(slug)
        rounds = await services.rounds_of(contest.id)
        round_ = rounds[-1] if rounds else None
        if round_ is None:
            raise NotFound(N_("This contest has no round yet."))
        now = ctx.now()
        published = now >= round_["results_at"]
        data = {
            "contest": contest,
            "round": round_,
            "published": published,
            "rows": [],
            "awards": [],
            "corrections": [],
        }
        if not published:
            return data
        # Computed once when published, again only after an audited change (contest.results_cache).
        kept = await results_cache.published_results(
            round_["id"], contest.commune, round_["results_at"], lambda: self._published_results(data, round_, now)
        )
        return {**kept, "contest": contest, "round": round_}  # the contest as it reads now

    async def _published_results(self, data: dict, round_: dict, now) -> dict:
        contest = data["contest"]
        data["corrections"] = await rubric.corrections(round_)
        judged = await judging.results(round_["id"])
        group_of = {row["result"].entry: row["group"] for row in judged["ranking"]}  # None: one group
        method = judged["method"]
        jury = {row["result"].entry: getattr(row["result"], method) or row["result"].mean for row in judged["ranking"]}
        rules = await voting.rules_of(round_["id"]) if round_["vote_opens"] else None
        votes = await voting.tally(round_["id"]) if rules else {}
        has_jury = bool(jury)
        alpha = (rules["jury_weight"] if rules else 1.0) if has_jury else 0.0
        combined = voting.combine(jury, {k: float(v) for k, v in votes.items()}, alpha)
        ideas = {
            i["id"]: i
            for i in await Idea.select(Idea.id, Idea.code, Idea.title, Idea.category.name, Idea.hamlet.name).where(
                Idea.id.is_in(list(combined) or [-1])
            )
        }
        criteria = await judging.rubric(round_["id"])
        per_criterion = await judging.criterion_averages(round_["id"])
        jury_n, public_n = voting.normalise(jury), voting.normalise({k: float(v) for k, v in votes.items()})
        order = sorted(combined, key=lambda e: (-combined[e], -jury.get(e, 0), e))
        rows = [
            {
                "rank": i + 1,
                "idea": ideas[e],
                "jury": jury_n.get(e, 0.0),
                "votes": votes.get(e, 0),
                "public": public_n.get(e, 0.0),
                "combined": combined[e],
                "criteria": per_criterion.get(e, {}),
            }
            for i, e in enumerate(order)
            if e in ideas
        ]
        for row in rows:
            row["group"] = group_of.get(row["idea"]["id"])
        data["jury_groups"] = judged["groups"]  # entry codes per group, when the sheets are not all linked
        public_order = sorted(votes, key=lambda e: (-votes[e], e))
        jury_order = sorted(jury, key=lambda e: (-jury[e], e))
        awards = await rubric.awarded(contest.id, combined=order, jury=jury_order, public=public_order, ideas=ideas)
        winners = voting.winner_by_alpha(jury, {k: float(v) for k, v in votes.items()})
        sealed = await voting.seal_log(round_["id"], now=now) if rules else None
        data.update(
            vote_log=sealed,
            rows=rows,
            awards=awards,
            alpha=alpha,
            method=method,
            criteria=criteria,
            has_vote=bool(rules),
            has_jury=has_jury,
            sensitivity=[(a, ideas[w]["code"] if w in ideas else "—") for a, w in winners.items()],
            method_label=judging.METHOD_LABELS[method],
        )
        return data

    @get("/results", opt=access(Access.public))
    async def results(self, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Template:
        data = await self._results(slug, ctx)
        return render(
            "voting/results.html",
            **data,
            pledges=await sponsors.pledges_of_contest(data["contest"].id),
            pledge_kinds=sponsors.PLEDGE_KINDS,
            finalists=await final.finalist_communes([r["idea"]["id"] for r in data.get("rows") or []]),
        )

    @get(
        "/results.json",
        opt=access(Access.public),
        include_in_schema=True,
        tags=["open data"],
        summary=N_("Published results of a contest"),
        description=N_(
            "The ranking of the contest's last round (jury score, votes, combined score), its awards, "
            "any corrections and the sealed vote log, once the results are published."
        ),
        responses=NOT_FOUND,
    )
    async def results_json(self, slug: SLUG, ctx: NamedDependency[AppContext]) -> ResultsOut:
        data = await self._results(slug, ctx)
        if not data["published"]:
            raise NotFound(N_("The results are not published yet."))
        return ResultsOut(
            contest=slug,
            formula="alpha * jury + (1 - alpha) * public",
            alpha=data["alpha"],
            jury_method=data["method"],
            ranking=[
                RankingRowOut(
                    rank=r["rank"],
                    code=r["idea"]["code"],
                    title=r["idea"]["title"],
                    jury=round(r["jury"], 2),
                    votes=r["votes"],
                    public=round(r["public"], 2),
                    combined=round(r["combined"], 2),
                    jury_group=r.get("group"),
                )
                for r in data["rows"]
            ],
            jury_groups=data.get("jury_groups", []),
            awards=[AwardOut(award=a.name, code=a.idea_code, prize=a.prize) for a in data["awards"]],
            corrections=[CorrectionOut(at=c["at"], reason=c["reason"]) for c in data["corrections"]],
            vote_log=_vote_log_json(slug, data.get("vote_log"), ctx),
        )

    @get(
        "/results.csv",
        opt=access(Access.public),
        include_in_schema=True,
        tags=["open data"],
        media_type="text/csv",
        summary=N_("Published results of a contest (CSV)"),
        description=N_("The ranking of results.json as a spreadsheet, with column names in the reader's language."),
        response_description=N_("A CSV file (UTF-8, with a header row)."),
        responses=NOT_FOUND,
    )
    async def results_csv(self, request: Request, slug: SLUG, ctx: NamedDependency[AppContext]) -> Response[bytes]:
        from contest.reports import csv_bytes

        data = await self._results(slug, ctx)
        if not data["published"]:
            raise NotFound(N_("The results are not published yet."))
        headers = [
            t(request, h)
            for h in (
                N_("Rank"),
                N_("Code"),
                N_("Title"),
                N_("Jury (0–100)"),
                N_("Votes"),
                N_("Public (0–100)"),
                N_("Combined score"),
            )
        ]
        grouped = bool(data.get("jury_groups"))  # the jury's scores compare only within a group
        headers += [t(request, N_("Jury group (scores comparable within a group)"))] if grouped else []
        body = csv_bytes(
            headers,
            [
                [
                    r["rank"],
                    r["idea"]["code"],
                    r["idea"]["title"],
                    round(r["jury"], 2),
                    r["votes"],
                    round(r["public"], 2),
                    round(r["combined"], 2),
                ]
                + ([r.get("group")] if grouped else [])
                for r in data["rows"]
            ],
        )
        return Response(
            body, media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{slug}-ket-qua.csv"'}
        )

    @get("/awards/{award_id:int}/certificate", opt=access(Access.public))
    async def certificate(
        self, slug: FromPath[str], award_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Template:
        data = await self._results(slug, ctx)
        award = next((a for a in data["awards"] if a.id == award_id and a.idea), None)
        if award is None or award.idea_code is None:
            raise NotFound(N_("This award has not been given yet."))
        idea = await services.idea_by_code(award.idea_code)
        team = await services.team(idea.id)
        return render(
            "voting/certificate.html",
            contest=data["contest"],
            award=award,
            idea=idea,
            team=[idea.lead_name, *team],
            vote_log=data.get("vote_log"),
            issued=data["round"]["results_at"],
        )  # the day the results were published

    @get("/recount", opt=access(Access.public))
    async def recount(self, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Template:
        return render("voting/recount.html", **await self._recount(slug, ctx))

    @post("/recount", opt=access(Access.public))
    async def find_receipt(self, request: Request, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Template:
        data = await self._recount(slug, ctx)
        receipt = (await parse_form(request, ReceiptForm)).receipt
        errors, found = {}, None
        if not data["closed"]:
            errors["receipt"] = t(request, N_("You can look up your receipt once the vote has closed."))
        elif not "".join(receipt.split()):
            errors["receipt"] = t(request, N_("Please type the receipt code shown when you voted."))
        else:
            found = voting.find_receipt(await voting.log_rows(data["round"]["id"]), receipt)
            if not found:
                errors["receipt"] = t(
                    request,
                    N_(
                        "No vote with this receipt is in the published log. "
                        "Check the code (10 characters, digits and A–F)."
                    ),
                )
        data.update(receipt=receipt, found=found, errors=errors)
        return render("voting/recount.html", **data, status=200 if found else 400)

    @get(
        "/recount.py",
        opt=access(Access.public),
        include_in_schema=True,
        tags=["open data"],
        media_type="text/x-python",
        summary=N_("Recount script of a contest's vote"),
        description=N_(
            "A stand-alone Python script that checks a downloaded vote log and recounts it; "
            "once the vote has closed it carries the published head hash."
        ),
        response_description=N_("A Python 3 script (UTF-8)."),
        responses=NOT_FOUND,
    )
    async def recount_script(self, slug: SLUG, ctx: NamedDependency[AppContext]) -> Response[bytes]:
        data = await self._recount(slug, ctx)
        return Response(
            voting_script(data["vote_log"]),
            media_type="text/x-python",
            headers={"Content-Disposition": f'attachment; filename="{slug}-recount.py"'},
        )

    async def _recount(self, slug: str, ctx: AppContext) -> dict:
        contest, round_ = await vote_round(slug, ctx)
        now = ctx.now()
        closed = now >= round_["vote_closes"]
        sealed = await voting.seal_log(round_["id"], now=now) if closed else None
        return {
            "contest": contest,
            "round": round_,
            "closed": closed,
            "vote_log": sealed,
            "fields": voting.LOG_FIELDS,
            "receipt": "",
            "found": None,
            "errors": {},
        }


def _vote_log_json(slug: str, sealed: dict | None, ctx: AppContext) -> VoteLogLinksOut | None:
    if not sealed:
        return None
    base = f"{ctx.settings.base_url}/contests/{slug}"
    return VoteLogLinksOut(
        head_hash=sealed["head"],
        entries=sealed["entries"],
        totals=sealed["totals"],
        sealed_at=sealed["sealed_at"],
        csv=f"{base}/vote-log.csv",
        json=f"{base}/vote-log.json",
        recount=f"{base}/recount",
        script=f"{base}/recount.py",
    )


def voting_script(sealed: dict | None) -> bytes:
    """The stand-alone recount script, with the published head and entry count written in."""
    from pathlib import Path

    import contest

    text = (Path(contest.__file__).parent / "recount_script.py").read_text(encoding="utf-8")
    if sealed:
        text = text.replace('PUBLISHED_HEAD = ""', f'PUBLISHED_HEAD = "{sealed["head"]}"', 1).replace(
            "PUBLISHED_ENTRIES = None", f"PUBLISHED_ENTRIES = {int(sealed['entries'])}", 1
        )
    return text.encode("utf-8")


def qr_svg(url: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title=url, dark="#000000", omitsize=True
    )
    return buffer.getvalue().decode()


@get("/ideas/{code:str}/poster", opt=access(Access.public), include_in_schema=False)
async def poster(request: Request, code: FromPath[str], ctx: NamedDependency[AppContext]) -> Template:
    """A printable A4 poster with a QR code to the idea's stable address, for notice boards."""
    idea = await services.idea_by_code(code)
    from contest import rules

    if not rules.is_public(idea):
        raise NotFound(N_("There is no idea with this code."))
    url = f"{ctx.settings.base_url}/ideas/{idea.code}"
    from contest.tables import Round

    has_vote = await Round.exists().where((Round.id == idea.round) & Round.vote_opens.is_not_null())
    sealed = await voting.seal_log(idea.round, now=ctx.now()) if has_vote else None
    return render(
        "voting/poster.html",
        idea=idea,
        url=url,
        qr=qr_svg(url),
        vote_log=sealed,
        recount_url=f"{ctx.settings.base_url}/contests/{idea.contest_slug}/recount",
    )


class VerificationController(Controller):
    path = "/account/verify"
    include_in_schema = False

    @get("/", opt=access(Access.authenticated))
    async def page(self, request: Request) -> Template:
        user = (
            await User.select(User.verified_resident, User.verified_method, User.verified_at, User.phone)
            .where(User.id == signed_in_user(request).id)
            .first()
        )
        return render("voting/verify.html", user=user, errors={}, sent=False)

    @post("/send", opt=access(Access.authenticated, refuse_to="/account/verify"))
    async def send(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        me = signed_in_user(request)
        if await ctx.limiter.hit(f"sms:{me.id}", 3, 3600):
            flash(request, N_("Too many attempts. Please wait %(minutes)s minutes and try again."), "error", minutes=60)
            return redirect("/account/verify")
        await verification.send_phone_code(me.id, ctx.messengers, now=ctx.now(), caps=caps_for(ctx.settings))
        flash(request, N_("We sent a 6-digit code to your phone."))
        return redirect("/account/verify?sent=1")

    @post("/check", opt=access(Access.authenticated))
    async def check(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        me = signed_in_user(request)
        form = await parse_form(request, CodeForm)

        async def again(errors: dict[str, str]) -> Template:
            user = (
                await User.select(User.verified_resident, User.verified_method, User.verified_at, User.phone)
                .where(User.id == me.id)
                .first()
            )
            return render("voting/verify.html", user=user, errors=errors, sent=True)

        async with form_page_on_refusal(request, again):
            await verification.check_phone_code(me.id, form.code, now=ctx.now())
        flash(request, N_("Your phone number is verified: you can vote."))
        return redirect("/account/verify")


class ResidentsController(Controller):
    path = "/organizer/residents"
    include_in_schema = False

    @get("/", opt=access(Access.organizer))
    async def page(self, request: Request, q: FromQuery[str] = "") -> Template:
        commune_id = home_commune(organizer_scope(request))
        from accounts.tables import ResidentRecord

        return render(
            "voting/residents.html",
            q=q,
            people=await verification.find_residents(commune_id, q),
            listed=await ResidentRecord.count().where(ResidentRecord.commune == commune_id),
            verified=await User.count().where((User.commune == commune_id) & (User.verified_resident == True)),  # noqa: E712
            refused=[],
            errors={},
        )

    @post("/import", opt=access(Access.organizer), request_max_body_size=20 * 1024 * 1024)
    async def upload(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        commune_id = home_commune(organizer_scope(request))
        upload = chosen_file(await form_data(request), "file")
        if upload is None:
            flash(request, N_("Please choose a CSV or Excel file."), "error")
            return redirect("/organizer/residents")
        rows, refused = verification.parse_resident_file(await upload.read(), upload.filename)
        if not rows:
            message = refused[0][1] if refused else N_("The file is empty.")
            flash(request, message, "error")
            return redirect("/organizer/residents")
        result = await verification.import_residents(
            commune_id,
            rows,
            replace=(await parse_form(request, ResidentsImportForm)).replace,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
        )
        flash(
            request,
            N_("%(rows)s residents imported; %(verified)s accounts verified; %(refused)s lines refused."),
            rows=result["rows"],
            verified=result["verified"],
            refused=len(refused),
        )
        return redirect("/organizer/residents")

    @post("/{user_id:int}/verify", opt=access(Access.organizer, refuse_to="/organizer/residents"))
    async def verify(self, request: Request, user_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        # The person is looked up within the organizer's communes: one of another commune is not found.
        person = await load(User, user_id, organizer_scope(request), User.commune, missing=N_("Account not found."))
        await verification.verify_at_office(
            user_id, actor_id=signed_in_user(request).id, commune_id=person["commune"], now=ctx.now()
        )
        flash(request, N_("Verified at the commune office."))
        return redirect(f"/organizer/residents?q={(await parse_form(request, SearchKept)).q}")


@dataclass
class RulesForm:
    """The rules of a round's public vote (the domain checks their ranges)."""

    votes_per_voter: int = forms.integer(N_("Please enter a whole number."), required=True)
    jury_weight: float = forms.decimal(N_("Please enter a number from 0 to 1, for example 0.7."))
    change_allowed: bool = forms.checked()
    live_tally: bool = forms.checked()
    residents_only: bool = forms.checked()


class OrganizerVoteController(Controller):
    path = "/organizer/rounds/{round_id:int}/vote"
    include_in_schema = False

    @get("/", opt=access(Access.organizer))
    async def page(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Template:
        data = await voting.review(
            round_id, scope=organizer_scope(request, round_id=round_id), alias_key=alias_key(ctx), now=ctx.now()
        )
        return render("voting/organizer.html", **data, errors={})

    @post("/rules", opt=access(Access.organizer))
    async def rules(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        scope = organizer_scope(request, round_id=round_id)
        typed = forms.typed(RulesForm, await form_data(request))

        async def again(errors: dict[str, str]) -> Template:
            data = await voting.review(round_id, scope=scope, alias_key=alias_key(ctx), now=ctx.now())
            data["rules"] = {**data["rules"], **typed}
            return render("voting/organizer.html", **data, errors=errors)

        async with form_page_on_refusal(
            request, again, status=lambda exc: 409 if isinstance(exc, rubric.Locked) else 400
        ):
            rules = asdict(await parse_form(request, RulesForm))
            await voting.update_rules(round_id, rules, actor_id=signed_in_user(request).id, now=ctx.now(), scope=scope)
        flash(request, N_("The vote's rules are saved."))
        return redirect(f"/organizer/rounds/{round_id}/vote/")

    @post(
        "/votes/{vote_id:int}/void", opt=access(Access.organizer, refuse_to="/organizer/rounds/{round_id}/vote/#votes")
    )
    async def void(
        self, request: Request, round_id: FromPath[int], vote_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        form = await parse_form(request, forms.ReasonForm)
        await voting.void(
            vote_id,
            reason=form.reason,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            alias_key=alias_key(ctx),
            scope=organizer_scope(request, round_id=round_id),
        )
        flash(request, N_("The vote is voided; it stays in the public log, marked."))
        return redirect(f"/organizer/rounds/{round_id}/vote/#votes")
