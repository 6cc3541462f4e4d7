"""Sign-up, sign-in, passwords and the personal account pages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from accounts import forms, messaging, notifications, services
from accounts.errors import NotFound
from accounts.i18n import N_
from accounts.rules import Access, is_organizer
from accounts.tables import User
from server.auth import client_ip, current_user, sign_in, sign_out, signed_in_user
from server.context import AppContext
from server.guards import access
from server.i18n import lang_of, t
from server.ratelimit import login_limits
from server.web import flash, form_page_on_refusal, parse_form, redirect, render, safe_next

LOGIN_FAILED = N_("The phone number/email or the password is not correct.")
TOO_MANY = N_("Too many attempts. Please wait %(minutes)s minutes and try again.")
RESET_SENT = N_(
    "If an account with this phone number or email exists, we have sent it a link to choose a new password. "
    "Check your email and your inbox on this site."
)
RESET_SENT_PHONE = N_(
    "If an account with this phone number exists, we have sent a link to choose a new password to it by text message."
)


async def _chosen_commune(slug: str) -> tuple[list[dict], dict | None]:
    """Every commune, and the one the person chose (by slug); the only one when there is just one."""
    communes = await services.communes()
    if not communes:
        raise NotFound(N_("No commune has been set up yet."))
    chosen = next((c for c in communes if c["slug"] == (slug or "").strip()), None)
    if chosen is None and len(communes) == 1:
        chosen = communes[0]
    return communes, chosen


async def _register_page(communes: list[dict], chosen: dict | None, this_year: int) -> dict:
    """The registration page: the communes to choose from and the chosen commune's hamlets."""
    hamlets = await services.hamlets_of(chosen["id"]) if chosen else []
    return {"communes": communes, "commune": chosen, "hamlets": hamlets, "this_year": this_year}


async def _rate_limited(ctx: NamedDependency[AppContext], request: Request, keys: list[str], limit: int) -> str | None:
    wait = 0
    for key in keys:
        wait = max(wait, await ctx.limiter.hit(key, limit, ctx.settings.rate_limit_window))
    if wait:
        return t(request, TOO_MANY, minutes=max(1, (wait + 59) // 60))
    return None


@dataclass
class LoginForm:
    """Signing in: the phone number or email (trimmed), the password and the page to go back to."""

    identifier: str = forms.text(strip=True)
    password: str = forms.text()
    next: str = forms.text()


@dataclass
class CommuneChoice:
    """The commune chosen on the registration form (its slug)."""

    commune: str = forms.text()


@dataclass
class ForgotForm:
    """Asking for a link to choose a new password: the phone number or email (trimmed)."""

    identifier: str = forms.text(strip=True)


@dataclass
class NewPasswordForm:
    """The new password chosen with a reset link."""

    new_password: str = forms.text()


@dataclass
class PasswordForm:
    """Changing one's password: the current one and the new one."""

    current_password: str = forms.text()
    new_password: str = forms.text()


@dataclass
class DeleteForm:
    """Deleting one's account: the box ticked to confirm, and the password."""

    confirm: bool = forms.checked()
    password: str = forms.text()


@dataclass
class NoticesForm:
    """The channels ticked for each group of notices (one field per ``messaging.NOTICE_GROUPS``), and
    "stop all"."""

    idea_result: list[str] = forms.texts()
    team: list[str] = forms.texts()
    mentoring: list[str] = forms.texts()
    office_hours: list[str] = forms.texts()
    vote: list[str] = forms.texts()
    stopped: bool = forms.checked()


# A group of notices without its field on the form would never be saved.
assert set(messaging.NOTICE_GROUPS) <= {f.name for f in fields(NoticesForm)}

CHANNEL_NAMES = {"email": N_("Email"), "sms": N_("SMS"), "zalo": N_("Zalo")}


async def _notices_page(request: Request, ctx: AppContext) -> Template:
    """Which notices reach the person by which channel (the channels this deployment has)."""
    me = signed_in_user(request)
    user = (
        await User.select(User.phone, User.email, User.birth_year, User.guardian_phone).where(User.id == me.id).first()
    )
    if user is None:
        raise NotFound(N_("Account not found."))
    prefs = await messaging.preferences(me.id)
    available = ["email", *[c for c in messaging.CHANNELS if c in messaging.config().channels]]
    return render(
        "accounts/notices.html",
        chosen=prefs["channels"],
        stopped=prefs["stopped"],
        groups=[(g, t(request, label)) for g, (label, _) in messaging.NOTICE_GROUPS.items()],
        channels=[(c, t(request, CHANNEL_NAMES[c])) for c in available],
        phone=user["phone"],
        minor=messaging.is_minor(user["birth_year"], ctx.now()),
        guardian_phone=user["guardian_phone"],
    )


class AuthController(Controller):
    path = "/"
    tags = ["accounts"]
    include_in_schema = False

    @get("/login", opt=access(Access.anonymous))
    async def login_form(self, request: Request, next: FromQuery[str | None] = None) -> Template:
        return render("accounts/login.html", values={"identifier": ""}, errors={}, next=safe_next(next, ""))

    @post("/login", opt=access(Access.anonymous))
    async def login(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        login = await parse_form(request, LoginForm)
        identifier, password = login.identifier, login.password
        next_url = safe_next(login.next, "/")
        values = {"identifier": identifier}
        ip = client_ip(request)
        errors: dict[str, str] = {}
        if not identifier:
            errors["identifier"] = t(request, N_("Please enter your phone number or email."))
        if not password:
            errors["password"] = t(request, N_("Please enter your password."))
        if errors:
            return render("accounts/login.html", status=400, values=values, errors=errors, next=next_url)
        # Only failures count (per account from this address, and per address): see server.ratelimit.
        limits = login_limits(ctx.settings)
        wait = await limits.wait(ctx.limiter, identifier, ip)
        if wait:
            return render(
                "accounts/login.html",
                status=429,
                values=values,
                next=next_url,
                errors={"__all__": t(request, TOO_MANY, minutes=max(1, (wait + 59) // 60))},
            )
        user = await services.authenticate(identifier, password, ip=ip, now=ctx.now())
        if user is None:
            await limits.failed(ctx.limiter, identifier, ip)
            return render(
                "accounts/login.html",
                status=400,
                values=values,
                errors={"__all__": t(request, LOGIN_FAILED)},
                next=next_url,
            )
        await limits.succeeded(ctx.limiter, identifier, ip)
        sign_in(request, user.id, user.session_version, lang_of(request))
        flash(request, N_("Welcome back, %(name)s!"), name=user.full_name)
        return redirect(next_url)

    @get("/register", opt=access(Access.anonymous))
    async def register_form(
        self, request: Request, ctx: NamedDependency[AppContext], commune: FromQuery[str] = ""
    ) -> Template:
        communes, chosen = await _chosen_commune(commune)
        values = asdict(services.Registration()) | {"commune": chosen["slug"] if chosen else ""}
        return render(
            "accounts/register.html", values=values, errors={}, **await _register_page(communes, chosen, ctx.now().year)
        )

    @post("/register", opt=access(Access.anonymous))
    async def register(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        communes, commune = await _chosen_commune((await parse_form(request, CommuneChoice)).commune)
        reg = await parse_form(request, services.Registration)
        values = asdict(reg) | {"password": "", "commune": commune["slug"] if commune else ""}
        page = await _register_page(communes, commune, ctx.now().year)
        if commune is None:
            return render(
                "accounts/register.html",
                status=400,
                values=values,
                errors={"commune": t(request, N_("Please choose the commune where you live."))},
                **page,
            )
        limited = await _rate_limited(
            ctx, request, [f"register:ip:{client_ip(request)}"], ctx.settings.register_rate_limit
        )
        if limited:
            return render("accounts/register.html", status=429, values=values, errors={"__all__": limited}, **page)
        async with form_page_on_refusal(
            request, lambda errors: render("accounts/register.html", values=values, errors=errors, **page)
        ):
            user = await services.register(reg, commune_id=commune["id"], now=ctx.now(), ip=client_ip(request))
        sign_in(request, user.id, user.session_version, lang_of(request))
        flash(request, N_("Your account is ready. Welcome to Sáng tạo, %(name)s!"), name=user.full_name)
        return redirect("/account")

    @get("/logout", opt=access(Access.public))
    async def logout_form(self, request: Request) -> Response:
        if current_user(request) is None:
            return redirect("/")
        return render("accounts/logout.html")

    @post("/logout", opt=access(Access.public))
    async def logout(self, request: Request) -> Response:
        sign_out(request)
        return redirect("/?signed_out=1")

    @get("/password/forgot", opt=access(Access.public))
    async def forgot_form(self, request: Request) -> Template:
        return render("accounts/forgot.html", values={"identifier": ""}, errors={}, sent=False)

    @post("/password/forgot", opt=access(Access.public))
    async def forgot(self, request: Request, ctx: NamedDependency[AppContext]) -> Template:
        identifier = (await parse_form(request, ForgotForm)).identifier
        if not identifier:
            return render(
                "accounts/forgot.html",
                status=400,
                values={"identifier": ""},
                sent=False,
                errors={"identifier": t(request, N_("Please enter your phone number or email."))},
            )
        limited = await _rate_limited(
            ctx, request, [f"reset:ip:{client_ip(request)}", f"reset:id:{identifier}"], ctx.settings.register_rate_limit
        )
        if limited:
            return render(
                "accounts/forgot.html",
                status=429,
                values={"identifier": identifier},
                sent=False,
                errors={"__all__": limited},
            )
        await services.request_password_reset(
            identifier,
            base_url=ctx.settings.base_url,
            lang=lang_of(request),
            valid_minutes=ctx.settings.reset_token_minutes,
            ip=client_ip(request),
            now=ctx.now(),
        )
        return render(
            "accounts/forgot.html",
            values={"identifier": identifier},
            errors={},
            sent=True,
            message=t(request, RESET_SENT if "@" in identifier else RESET_SENT_PHONE),
        )

    @get("/password/reset/{token:str}", opt=access(Access.public))
    async def reset_form(self, request: Request, token: FromPath[str], ctx: NamedDependency[AppContext]) -> Template:
        valid = await services.reset_token_valid(token, now=ctx.now())
        return render("accounts/reset.html", token=token, valid=valid, errors={})

    @post("/password/reset/{token:str}", opt=access(Access.public))
    async def reset(self, request: Request, token: FromPath[str], ctx: NamedDependency[AppContext]) -> Response:
        chosen = await parse_form(request, NewPasswordForm)

        async def again(errors: dict[str, str]) -> Template:
            valid = await services.reset_token_valid(token, now=ctx.now())
            return render("accounts/reset.html", token=token, valid=valid, errors=errors)

        async with form_page_on_refusal(request, again):
            await services.reset_password(token, chosen.new_password, ip=client_ip(request), now=ctx.now())
        flash(request, N_("Your password has been changed. Please sign in with the new password."))
        return redirect("/login")


class AccountController(Controller):
    path = "/account"
    tags = ["accounts"]
    include_in_schema = False
    opt = access(Access.authenticated)

    @get("/", opt=access(Access.authenticated))
    async def account(self, request: Request) -> Template:
        me = signed_in_user(request)
        user = await services.account_details(me.id)
        return render(
            "accounts/account.html",
            user=user,
            roles=sorted(me.role_names),
            can_admin=is_organizer(me),
            verified=user.verified_resident,
        )

    @get("/notices", opt=access(Access.authenticated))
    async def notices_form(self, request: Request, ctx: NamedDependency[AppContext]) -> Template:
        return await _notices_page(request, ctx)

    @post("/notices", opt=access(Access.authenticated))
    async def save_notices(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        notices = await parse_form(request, NoticesForm)
        chosen = {group: list(getattr(notices, group)) for group in messaging.NOTICE_GROUPS}
        await messaging.set_preferences(signed_in_user(request).id, chosen, stopped=notices.stopped, now=ctx.now())
        flash(request, N_("Your choices are saved."))
        return redirect("/account/notices")

    @get("/password", opt=access(Access.authenticated))
    async def password_form(self, request: Request) -> Template:
        return render("accounts/password.html", errors={})

    @post("/password", opt=access(Access.authenticated))
    async def change_password(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        me = signed_in_user(request)
        form = await parse_form(request, PasswordForm)
        user = await User.objects().where(User.id == me.id).first()
        if user is None:
            raise NotFound(N_("Account not found."))
        async with form_page_on_refusal(request, lambda errors: render("accounts/password.html", errors=errors)):
            version = await services.change_password(
                user,
                current=form.current_password,
                new=form.new_password,
                ip=client_ip(request),
                now=ctx.now(),
            )
        sign_in(request, me.id, version, lang_of(request))
        flash(request, N_("Your password has been changed."))
        return redirect("/account")

    @get("/export", opt=access(Access.authenticated))
    async def export(self, request: Request) -> Response:
        from accounts.personal_data import FORMAT, account_sections
        from contest.personal_data import contest_sections
        from mentoring.personal_data import mentoring_sections

        me = signed_in_user(request).id
        data = await services.export_data(me)  # profile, roles, notifications, activity
        data.update(
            format=FORMAT, **await account_sections(me), **await contest_sections(me), **await mentoring_sections(me)
        )
        return Response(
            services.dump(data).encode("utf-8"),
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="sangtao-du-lieu-ca-nhan.json"'},
        )

    @get("/delete", opt=access(Access.authenticated))
    async def delete_form(self, request: Request) -> Template:
        return render("accounts/delete.html", errors={})

    @post("/delete", opt=access(Access.authenticated))
    async def delete(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        form = await parse_form(request, DeleteForm)
        if not form.confirm:
            return render(
                "accounts/delete.html",
                status=400,
                errors={"confirm": t(request, N_("Please tick the box to confirm."))},
            )
        # An account gone meanwhile is told on the form as well (passes nothing to the 404 page).
        async with form_page_on_refusal(
            request, lambda errors: render("accounts/delete.html", errors=errors), passes=()
        ):
            await services.delete_account(
                signed_in_user(request).id, password=form.password, ip=client_ip(request), now=ctx.now()
            )
        sign_out(request)
        return redirect("/?deleted=1")


class InboxController(Controller):
    path = "/inbox"
    include_in_schema = False

    @get("/", opt=access(Access.authenticated))
    async def inbox(self, request: Request) -> Template:
        me = signed_in_user(request)
        items = await notifications.inbox(me.id)
        return render("accounts/inbox.html", items=items)

    @post("/read", opt=access(Access.authenticated))
    async def mark_read(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        await notifications.mark_all_read(signed_in_user(request).id, now=ctx.now())
        return redirect("/inbox")
