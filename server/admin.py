"""piccolo-admin at /admin/: the same user table, sessions table, and Vietnamese labels.

The admin app is built once per application. A thin ASGI wrapper lets only organizers and
admins sign in, records admin logins and failed logins in the audit log, and (in
production) keeps admins without a second factor out of everything but the MFA setup.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlparse

from piccolo.columns import Column
from piccolo_admin.endpoints import FormConfig, TableConfig
from piccolo_api.crud.hooks import Hook, HookType
from piccolo_api.encryption.providers import FernetProvider
from piccolo_api.mfa.authenticator.tables import AuthenticatorSecret
from piccolo_api.rate_limiting.middleware import InMemoryLimitProvider
from piccolo_api.session_auth.tables import SessionsBase
from pydantic import BaseModel, Field
from starlette.requests import Request as StarletteRequest

from accounts import audit, services
from accounts.clock import Clock, system_clock
from accounts.i18n import N_
from accounts.identifiers import lookup_clause
from accounts.tables import AuditEvent, Commune, Hamlet, Notification, OutboxMail, OutboxMessage, Role, RoleGrant, User
from contest.phases import validate_dates
from contest.tables import Award, Category, Contest, Criterion, Idea, Round
from mentoring.tables import MentoringFeedback, MentorProfile, Mentorship, Organization, Workshop
from server.admin_mfa import SafeAuthenticatorProvider, reset_form, use_vietnamese_pages
from server.admin_scope import MSG_ROLE_FORM, MSG_SIGNED_OUT, Reach, ScopedAdminRouter, TablePolicy, bilingual
from server.admin_translations import TRANSLATIONS
from server.settings import Settings

ADMIN_PREFIX = "/admin"
MFA_EXEMPT = ("/api/mfa-setup/", "/api/user/", "/api/meta/", "/api/translations/", "/public/")


def _actor_id(request: StarletteRequest) -> int | None:
    user = getattr(request, "user", None)
    inner = getattr(user, "user", None)
    return getattr(inner, "id", None)


def _client_ip(request: StarletteRequest) -> str:
    return request.client.host if request.client else ""


def round_date_hooks() -> list[Hook]:
    """Refuse rounds whose phases are out of order, with the reason in both languages."""
    from fastapi import HTTPException

    from accounts.i18n import translate

    def check(values: dict[str, Any]) -> None:
        problems = validate_dates(values)
        if problems:
            raise HTTPException(status_code=422, detail=" ".join(f"{translate(p, 'vi')} / {p}" for p in problems))

    async def pre_save(row):
        check(row.to_dict())
        return row

    async def pre_patch(row_id, values: dict[str, Any]):
        names = {getattr(getattr(k, "_meta", None), "name", k): v for k, v in values.items()}
        current = await Round.select().where(Round.id == row_id).first() or {}
        merged = {**current, **names}
        for key in (
            "submission_opens",
            "submission_closes",
            "judging_closes",
            "vote_opens",
            "vote_closes",
            "results_at",
        ):
            if isinstance(merged.get(key), str):
                import datetime as dt

                merged[key] = dt.datetime.fromisoformat(merged[key])
        check(merged)
        return values

    return [Hook(HookType.pre_save, pre_save), Hook(HookType.pre_patch, pre_patch)]


MSG_USER_NOT_FOUND = N_("No such user.")
MSG_COMMUNE_NOT_FOUND = N_("No such commune.")
MSG_ONLY_ADMINS_REMOVE = N_("Only platform admins remove roles.")
MSG_CHOOSE_COMMUNE = N_("Choose the commune (its short name, e.g. an-khanh).")


class RoleChange(BaseModel):
    """Give or take away a role (judge, mentor, organizer, admin, city_organizer)."""

    person: str = Field(description="Email or phone number of the person / Email hoặc số điện thoại")
    role: Role = Field(
        description="judge, mentor, organizer, admin or city_organizer (the city's programme "
        "staff, no commune) / city_organizer: cán bộ Sở, không chọn xã"
    )
    commune_slug: str = Field(
        default="",
        description="Commune, e.g. an-khanh (organizers: yours by default) / "
        "Xã, ví dụ an-khanh (ban tổ chức: mặc định là xã của mình)",
    )
    remove: bool = Field(
        default=False, description="Tick to take the role away (admins only) / Đánh dấu để thu hồi (chỉ quản trị viên)"
    )


async def role_change_endpoint(request: StarletteRequest, data: RoleChange) -> str:
    """The one way roles change in the admin: checked by accounts.rules, audited by accounts.services.

    Organizers grant judge and mentor roles in their own commune; only admins take roles away.
    Refusals are audited too.
    """
    from accounts.clock import system_clock
    from accounts.errors import DomainError
    from accounts.rules import is_admin

    actor_id = _actor_id(request)
    actor = await services.load_principal(actor_id) if actor_id else None
    if actor is None:
        raise ValueError(bilingual(MSG_SIGNED_OUT))
    ip = _client_ip(request)

    async def refuse(message: str, **details: Any) -> ValueError:
        await audit.record(
            "role.change_refused",
            actor_id=actor.id,
            target_type="user",
            ip=ip,
            data={"role": data.role.value, "remove": data.remove, "reason": message, **details},
        )
        return ValueError(bilingual(message))

    clause = lookup_clause(User, data.person)
    target = await User.select(User.id).where(clause).first() if clause is not None else None
    if not target:
        raise ValueError(bilingual(MSG_USER_NOT_FOUND))
    if data.remove and not is_admin(actor):
        raise await refuse(MSG_ONLY_ADMINS_REMOVE, target=target["id"])
    commune_id = None
    if data.commune_slug.strip():
        commune = await Commune.select(Commune.id).where(Commune.slug == data.commune_slug.strip()).first()
        if not commune:
            raise ValueError(bilingual(MSG_COMMUNE_NOT_FOUND))
        commune_id = commune["id"]
    elif not is_admin(actor):
        own = sorted({c for role, c in actor.roles if role == Role.organizer.value and c is not None})
        if len(own) != 1:
            raise ValueError(bilingual(MSG_CHOOSE_COMMUNE))
        commune_id = own[0]
    change = services.revoke_role if data.remove else services.grant_role
    try:
        done = await change(target["id"], data.role, commune_id=commune_id, actor=actor, ip=ip, now=system_clock())
    except DomainError as error:
        raise await refuse(error.message, target=target["id"], commune=commune_id) from None
    if data.remove:
        return "Đã thu hồi vai trò. / Role removed." if done else "Người này không có vai trò đó. / No such role."
    return "Đã cấp vai trò. / Role granted." if done else "Người này đã có vai trò đó. / Already held."


def _contests(communes: Sequence[int]):
    return Contest.select(Contest.id).where(Contest.commune.is_in(list(communes)))


def _rounds(communes: Sequence[int]):
    return Round.select(Round.id).where(Round.contest.is_in(_contests(communes)))


def _ideas(communes: Sequence[int]):
    return Idea.select(Idea.id).where(Idea.contest.is_in(_contests(communes)))


def locked_round_guard(clock: Clock, column: str = "round"):
    """Refuse writes to a row of a round whose scores are frozen or results published (contest.rubric)."""
    from contest import rubric

    async def guard(row: dict[str, Any]) -> str | None:
        round_id = row.get(column)  # a row being created has no id yet: nothing to protect
        return await rubric.round_lock(round_id, clock()) if isinstance(round_id, int) else None

    return guard


def locked_awards_guard(clock: Clock):
    """Refuse writes to the awards of a contest whose final round is locked (contest.rubric)."""
    from contest import rubric

    async def guard(row: dict[str, Any]) -> str | None:
        return await rubric.contest_lock(row.get("contest"), clock())

    return guard


def admin_policies(clock: Clock = system_clock) -> dict[str, TablePolicy]:
    """Every table the admin serves, and who reaches which of its rows (DESIGN §2: the admin has the
    same boundaries as the site). Organizers: their communes' contest rows; admins: everything but
    secrets. A table missing here makes the admin refuse to start. The rubric and the awards of a
    locked round are refused to everyone, as on the site (``guard``)."""
    in_contest = lambda t: lambda c: t.contest.is_in(_contests(c))  # noqa: E731
    role_form: dict[str, Any] = dict(create=False, update=False, delete=False, refusal=MSG_ROLE_FORM)
    return {
        # Kernel: people, roles, messages, audit — admins only.
        Commune._meta.tablename: TablePolicy(Reach.pick, rows=lambda c: Commune.id.is_in(list(c))),
        Hamlet._meta.tablename: TablePolicy(Reach.pick, rows=lambda c: Hamlet.commune.is_in(list(c))),
        User._meta.tablename: TablePolicy(
            Reach.none,
            targets=lambda c: User.commune.is_in(list(c)),  # a team lead from their commune
            # Roles and residency change through their audited forms; the resident-list line is personal data.
            hidden=("resident",),
            locked=(
                "admin",
                "superuser",
                "verified_resident",
                "verified_method",
                "verified_by",
                "verified_at",
                "session_version",
            ),
            refusal=MSG_ROLE_FORM,
        ),
        RoleGrant._meta.tablename: TablePolicy(Reach.none, **role_form),
        # Messages are read-only: a mail re-addressed or re-queued would deliver its reset link elsewhere.
        Notification._meta.tablename: TablePolicy(Reach.none, hidden=("body", "link"), create=False, update=False),
        OutboxMail._meta.tablename: TablePolicy(Reach.none, hidden=("body",), create=False, update=False, delete=False),
        # Text messages: admins see who was sent what and how it went, never the code or link they carried.
        OutboxMessage._meta.tablename: TablePolicy(
            Reach.none, hidden=("secret", "params"), create=False, update=False, delete=False
        ),
        AuditEvent._meta.tablename: TablePolicy(Reach.none, create=False, update=False, delete=False),
        # Contests: each organizer their communes' rows.
        Contest._meta.tablename: TablePolicy(
            Reach.write, rows=lambda c: Contest.commune.is_in(list(c)), owner="commune"
        ),
        Round._meta.tablename: TablePolicy(
            Reach.write, rows=in_contest(Round), owner="contest", guard=locked_round_guard(clock, column="id")
        ),
        Category._meta.tablename: TablePolicy(Reach.write, rows=in_contest(Category), owner="contest"),
        Idea._meta.tablename: TablePolicy(Reach.write, rows=in_contest(Idea), owner="contest"),
        Award._meta.tablename: TablePolicy(
            Reach.write, rows=in_contest(Award), owner="contest", guard=locked_awards_guard(clock)
        ),
        Criterion._meta.tablename: TablePolicy(
            Reach.write,
            rows=lambda c: Criterion.round.is_in(_rounds(c)),
            owner="round",
            guard=locked_round_guard(clock),
        ),
        # Mentoring: the pool is city-wide (admins); workshops and feedback belong to a commune.
        Organization._meta.tablename: TablePolicy(Reach.pick),  # public directory names, for pickers
        MentorProfile._meta.tablename: TablePolicy(Reach.none),
        Mentorship._meta.tablename: TablePolicy(Reach.none),
        MentoringFeedback._meta.tablename: TablePolicy(
            Reach.read,
            rows=lambda c: MentoringFeedback.mentorship.is_in(
                Mentorship.select(Mentorship.id).where(Mentorship.idea.is_in(_ideas(c)))
            ),
        ),
        Workshop._meta.tablename: TablePolicy(
            Reach.write, rows=lambda c: Workshop.commune.is_in(list(c)), owner="commune"
        ),
    }


def build_admin(settings: Settings, *, clock: Clock = system_clock):
    mfa_key = base64.urlsafe_b64encode(hashlib.sha256(("mfa:" + settings.secret_key).encode()).digest())
    hidden_user_columns: list[Column] = [User.password]
    people, messages = "Người dùng", "Thông báo"
    tables = [
        TableConfig(Commune, menu_group="Xã"),
        TableConfig(
            Hamlet, menu_group="Xã", visible_columns=[Hamlet.id, Hamlet.name, Hamlet.commune, Hamlet.population]
        ),
        TableConfig(
            User,
            menu_group=people,
            exclude_visible_columns=hidden_user_columns,
            visible_filters=[User.full_name, User.email, User.phone, User.commune, User.hamlet, User.active],
        ),
        TableConfig(RoleGrant, menu_group=people),
        TableConfig(
            Notification,
            menu_group=messages,
            visible_columns=[
                Notification.id,
                Notification.user,
                Notification.kind,
                Notification.title,
                Notification.created_at,
                Notification.read_at,
            ],
        ),
        TableConfig(
            OutboxMail,
            menu_group=messages,
            visible_columns=[
                OutboxMail.id,
                OutboxMail.to_address,
                OutboxMail.subject,
                OutboxMail.status,
                OutboxMail.attempts,
                OutboxMail.created_at,
                OutboxMail.sent_at,
            ],
        ),
        TableConfig(
            OutboxMessage,
            menu_group=messages,
            visible_columns=[
                OutboxMessage.id,
                OutboxMessage.phone,
                OutboxMessage.channel,
                OutboxMessage.purpose,
                OutboxMessage.template,
                OutboxMessage.status,
                OutboxMessage.error_code,
                OutboxMessage.created_at,
                OutboxMessage.sent_at,
                OutboxMessage.delivered_at,
            ],
        ),
        TableConfig(AuditEvent, menu_group="Nhật ký", order_by=None),
    ]
    contest_group = "Cuộc thi"
    tables += [
        TableConfig(
            Contest,
            menu_group=contest_group,
            visible_columns=[Contest.id, Contest.title, Contest.slug, Contest.commune, Contest.published],
            rich_text_columns=[Contest.description, Contest.rules, Contest.prizes],
        ),
        TableConfig(
            Round,
            menu_group=contest_group,
            hooks=round_date_hooks(),
            visible_columns=[
                Round.id,
                Round.contest,
                Round.name,
                Round.submission_opens,
                Round.submission_closes,
                Round.results_at,
            ],
        ),
        TableConfig(
            Category,
            menu_group=contest_group,
            visible_columns=[Category.id, Category.contest, Category.name, Category.position],
        ),
        TableConfig(
            Idea,
            menu_group=contest_group,
            visible_columns=[Idea.id, Idea.code, Idea.title, Idea.contest, Idea.status, Idea.hidden],
            visible_filters=[Idea.contest, Idea.status, Idea.hidden, Idea.category, Idea.hamlet],
        ),
        TableConfig(
            Criterion,
            menu_group=contest_group,
            visible_columns=[
                Criterion.id,
                Criterion.round,
                Criterion.name,
                Criterion.weight,
                Criterion.scale_min,
                Criterion.scale_max,
            ],
        ),
        TableConfig(
            Award,
            menu_group=contest_group,
            visible_columns=[Award.id, Award.contest, Award.name, Award.basis, Award.rank, Award.idea],
        ),
    ]
    mentoring_group = "Cố vấn"
    tables += [
        TableConfig(Organization, menu_group=mentoring_group),
        TableConfig(
            MentorProfile,
            menu_group=mentoring_group,
            visible_columns=[
                MentorProfile.id,
                MentorProfile.user,
                MentorProfile.organization,
                MentorProfile.capacity,
                MentorProfile.approved,
            ],
        ),
        TableConfig(Mentorship, menu_group=mentoring_group),
        TableConfig(
            MentoringFeedback,
            menu_group=mentoring_group,
            visible_columns=[
                MentoringFeedback.id,
                MentoringFeedback.mentorship,
                MentoringFeedback.side,
                MentoringFeedback.rating,
                MentoringFeedback.text,
                MentoringFeedback.created_at,
            ],
        ),
        TableConfig(
            Workshop,
            menu_group=mentoring_group,
            visible_columns=[
                Workshop.id,
                Workshop.title,
                Workshop.commune,
                Workshop.starts_at,
                Workshop.capacity,
                Workshop.published,
            ],
        ),
    ]
    forms = [
        FormConfig(
            name="Cấp hoặc thu hồi vai trò",
            pydantic_model=RoleChange,
            endpoint=role_change_endpoint,
            description="Giám khảo, chuyên gia, ban tổ chức (theo xã) hoặc quản trị viên. Ban tổ chức cấp vai trò "
            "giám khảo và chuyên gia trong xã của mình; chỉ quản trị viên thu hồi vai trò. "
            "Judges, mentors, organizers (per commune) or admins. Organizers grant judge and mentor "
            "roles in their commune; only admins remove roles.",
        ),
        reset_form(),
    ]
    # Only the tables listed here: piccolo-admin would otherwise add every table these point at,
    # unconfigured (no policy, no audit).
    router = ScopedAdminRouter(
        *tables,
        policies=admin_policies(clock),
        forms=forms,
        auth_table=User,
        session_table=SessionsBase,
        site_name="Sáng tạo — Quản trị",
        production=settings.production,
        allowed_hosts=[urlparse(settings.base_url).hostname or "localhost"],
        rate_limit_provider=InMemoryLimitProvider(
            limit=settings.admin_login_limit, timespan=settings.admin_login_window
        ),
        default_language_code="vi",
        translations=TRANSLATIONS,
        mfa_providers=[SafeAuthenticatorProvider(encryption_provider=FernetProvider(encryption_key=mfa_key))],
    )
    use_vietnamese_pages()
    # The SPA reads its time zone from the browser's storage (default UTC): Hà Nội time instead,
    # set by a script that runs before the app (the CSP allows only scripts of our own).
    router.template = (
        router.template.replace('<html lang="en">', '<html lang="vi">')
        .replace(
            "<title>Piccolo Admin</title>",
            '<title>Sáng tạo — Quản trị</title>\n  <script src="/static/admin/timezone.js"></script>'
            + _table_names_block(),
        )
        .replace(
            "We're sorry but the Piccolo Admin doesn't work properly without JavaScript enabled.",
            "Trang quản trị cần bật JavaScript. Các trang của ban tổ chức trên trang chính dùng được không cần "
            "JavaScript.",
        )
    )
    return router


def _table_names_block() -> str:
    """The tables' Vietnamese names, for ``static/js/admin-labels.js`` to show in the admin's side
    menu and headings in place of the database names (this piccolo-admin has no setting for them)."""
    import json

    from server.admin_labels import table_names
    from server.static_assets import static_url

    names = json.dumps(table_names(), ensure_ascii=False).replace("<", "\\u003c")
    return (
        f'\n  <script type="application/json" id="sangtao-admin-labels">{names}</script>'
        f'\n  <script src="{static_url("js/admin-labels.js")}" defer></script>'
    )


async def _read_body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive):
    """A ``receive`` that hands ``body`` to the wrapped app once, then the connection's own messages."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def login_fields(body: bytes, content_type: str) -> dict[str, str]:
    """The fields of an admin sign-in (username, password, and the second factor's code when sent)
    sent as JSON or as an urlencoded form, the content type compared without case; {} for anything
    else, so that no other parser ever decides what was sent."""
    from urllib.parse import parse_qs

    kind = content_type.split(";", 1)[0].strip().lower()
    try:
        if kind == "application/json":
            fields = json.loads(body or b"{}")
        elif kind == "application/x-www-form-urlencoded":
            fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), strict_parsing=False).items()}
        else:
            return {}
    except ValueError:
        return {}
    if not isinstance(fields, dict):
        return {}
    fields = {k: v for k, v in fields.items() if isinstance(k, str) and isinstance(v, str)}
    if not fields.get("username") or not fields.get("password"):
        return {}
    return fields


async def _json(send, status: int, payload: dict) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AdminGate:
    """Wraps the piccolo-admin ASGI app (paths arrive without the /admin prefix).

    The admin is built at its first request (``build``): building it makes a FastAPI route and
    pydantic models for every table, nearly a second of CPU that each worker would otherwise spend
    at start-up for a screen few people open."""

    def __init__(self, build: Callable[[], Any], settings: Settings):
        self.build = build
        self._app: Any = None
        self.settings = settings

    @property
    def app(self) -> Any:
        if self._app is None:  # no await in between: one build per process
            from server.admin_errors import PlainRefusals

            self._app = PlainRefusals(self.build())  # refused saves read as a sentence, in Vietnamese
        return self._app

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "/")[len(scope.get("root_path", "")) :]
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if scope["type"] == "http" and path.startswith("/public/login") and scope.get("method") == "POST":
            await self._login(scope, receive, send, headers)
            return
        if (
            self.settings.production
            and scope["type"] == "http"
            and path.startswith("/api/")
            and not path.startswith(MFA_EXEMPT)
        ) and await self._admin_without_mfa(headers.get("cookie", "")):
            await _json(
                send,
                403,
                {
                    "detail": "Quản trị viên cần bật xác thực hai lớp (MFA) trước. "
                    "Admins must set up two-factor authentication first."
                },
            )
            return
        await self.app(scope, receive, send)

    async def _login(self, scope, receive, send, headers) -> None:
        """Sign-in to the admin: the site's limits and store, and one answer for every refusal.

        An unknown account, an account that may not use the admin and a wrong password get the
        same status and body, after the same password check (no answer or timing tells which
        accounts exist). Failures count in the site's shared limiter with the site's rules
        (``server.ratelimit.LoginLimits``); piccolo-admin's in-memory limit stays as a second line.
        """
        from server.ratelimit import login_limits, rate_limiter_for

        fields = login_fields(await _read_body(receive), headers.get("content-type", ""))
        identifier, password = fields.get("username", ""), fields.get("password", "")
        if not fields:
            # Answered here: piccolo-admin is only ever handed the credentials checked below.
            await _json(
                send, 400, {"detail": "Hãy nhập tên đăng nhập và mật khẩu. Please give a username and a password."}
            )
            return
        ip = (scope.get("client") or ("",))[0]
        ctx = getattr(getattr(scope.get("litestar_app"), "state", None), "ctx", None)
        limiter = (
            ctx.limiter
            if ctx is not None
            else self.__dict__.setdefault("_limiter", rate_limiter_for(self.settings.redis_url))
        )
        limits = login_limits(self.settings)
        wait = await limits.wait(limiter, identifier, ip)
        if wait:
            minutes = max(1, (wait + 59) // 60)
            await _json(
                send,
                429,
                {
                    "detail": f"Quá nhiều lần thử. Vui lòng chờ {minutes} phút rồi thử lại. "
                    f"Too many attempts. Please wait {minutes} minutes and try again."
                },
            )
            return
        clause = lookup_clause(User, identifier)
        row = await User.select(User.id, User.admin).where(clause).first() if clause is not None else None
        user_id = await User.login(identifier, password)  # the same argon2 work for unknown accounts
        if user_id is None or row is None or not row["admin"] or row["id"] != user_id:
            await limits.failed(limiter, identifier, ip)
            refused = bool(row and user_id is not None and not row["admin"])
            await audit.record(
                "admin.login_refused" if refused else "admin.login_failed", actor_id=row["id"] if row else None, ip=ip
            )
            await _json(
                send,
                401,
                {
                    "detail": "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản này không được vào "
                    "trang quản trị (chỉ dành cho ban tổ chức và quản trị viên). "
                    "Wrong username or password, or this account may not use the "
                    "admin (organizers and admins only)."
                },
            )
            return
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        # piccolo-admin checks the password again, then the second factor, on exactly what was checked here.
        canonical = json.dumps(fields).encode()
        inner = {
            **scope,
            "headers": [
                (k, v) for k, v in scope.get("headers", []) if k.lower() not in (b"content-type", b"content-length")
            ]
            + [(b"content-type", b"application/json"), (b"content-length", str(len(canonical)).encode())],
        }
        await self.app(inner, _replay(canonical, receive), watch)
        if status.get("code", 500) in (200, 303):
            await limits.succeeded(limiter, identifier, ip)
            await audit.record("admin.login", actor_id=row["id"], ip=ip)
        elif status.get("code") == 401 and fields.get("mfa_code"):
            # A wrong second-factor code counts like a wrong password (codes are short).
            await limits.failed(limiter, identifier, ip)
            await audit.record("admin.mfa_failed", actor_id=row["id"], ip=ip)

    async def _admin_without_mfa(self, cookie_header: str) -> bool:
        token = ""
        for part in cookie_header.split(";"):
            name, _, value = part.strip().partition("=")
            if name == "id":
                token = value
        if not token:
            return False
        user_id = await SessionsBase.get_user_id(token)
        if not user_id:
            return False
        row = await User.select(User.superuser).where(User.id == user_id).first()
        if not row or not row["superuser"]:
            return False
        return not await AuthenticatorSecret.is_user_enrolled(user_id=user_id)
