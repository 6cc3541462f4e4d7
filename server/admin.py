"""piccolo-admin at /admin/: the same user table, sessions table, and Vietnamese labels.

The admin app is built once per application. A thin ASGI wrapper lets only organizers and
admins sign in, records admin logins and failed logins in the audit log, and (in
production) keeps admins without a second factor out of everything but the MFA setup.
"""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import urlparse
from typing import Any

from piccolo_admin.endpoints import FormConfig, TableConfig, create_admin
from piccolo_api.crud.hooks import Hook, HookType
from piccolo_api.encryption.providers import FernetProvider
from piccolo_api.mfa.authenticator.provider import AuthenticatorProvider
from piccolo_api.mfa.authenticator.tables import AuthenticatorSecret
from piccolo_api.rate_limiting.middleware import InMemoryLimitProvider
from piccolo_api.session_auth.tables import SessionsBase
from pydantic import BaseModel, Field
from starlette.requests import Request as StarletteRequest

from accounts import audit, services
from accounts.identifiers import lookup_clause
from accounts.tables import AuditEvent, Commune, Hamlet, Notification, OutboxMail, Role, RoleGrant, User
from contest.phases import validate_dates
from contest.tables import Award, Category, Contest, Criterion, Idea, Round
from mentoring.tables import MentoringFeedback, MentorProfile, Organization, Workshop
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


def audit_hooks(table: type) -> list[Hook]:
    """Record every create, edit and delete made in the admin (field names, not secrets)."""
    name = table._meta.tablename

    async def pre_save(row, request: StarletteRequest):
        await audit.record("admin.create", actor_id=_actor_id(request), target_type=name, ip=_client_ip(request),
                           data={"fields": sorted(k for k in row.to_dict() if k != "password")})
        return row

    async def pre_patch(row_id, values: dict[str, Any], request: StarletteRequest):
        names = {getattr(getattr(k, "_meta", None), "name", k): v for k, v in values.items()}
        changed = {k: (None if k == "password" else v) for k, v in names.items()}
        await audit.record("admin.update", actor_id=_actor_id(request), target_type=name, target_id=row_id,
                           ip=_client_ip(request), data={"changed": json.loads(json.dumps(changed, default=str))})
        return values

    async def pre_delete(row_id, request: StarletteRequest):
        await audit.record("admin.delete", actor_id=_actor_id(request), target_type=name, target_id=row_id,
                           ip=_client_ip(request))

    return [Hook(HookType.pre_save, pre_save), Hook(HookType.pre_patch, pre_patch),
            Hook(HookType.pre_delete, pre_delete)]


def round_date_hooks() -> list[Hook]:
    """Refuse rounds whose phases are out of order, with the reason in both languages."""
    from fastapi import HTTPException

    from accounts.i18n import translate

    def check(values: dict[str, Any]) -> None:
        problems = validate_dates(values)
        if problems:
            raise HTTPException(status_code=422, detail=" ".join(
                f"{translate(p, 'vi')} / {p}" for p in problems))

    async def pre_save(row):
        check(row.to_dict())
        return row

    async def pre_patch(row_id, values: dict[str, Any]):
        names = {getattr(getattr(k, "_meta", None), "name", k): v for k, v in values.items()}
        current = await Round.select().where(Round.id == row_id).first() or {}
        merged = {**current, **names}
        for key in ("submission_opens", "submission_closes", "judging_closes", "vote_opens", "vote_closes",
                    "results_at"):
            if isinstance(merged.get(key), str):
                import datetime as dt

                merged[key] = dt.datetime.fromisoformat(merged[key])
        check(merged)
        return values

    return [Hook(HookType.pre_save, pre_save), Hook(HookType.pre_patch, pre_patch)]


class RoleChange(BaseModel):
    """Give or take away a role (judge, mentor, organizer, admin)."""

    person: str = Field(description="Email or phone number of the person / Email hoặc số điện thoại")
    role: Role = Field(description="judge, mentor, organizer or admin")
    commune_slug: str = Field(default="", description="Commune (for organizers), e.g. an-khanh")
    remove: bool = Field(default=False, description="Tick to take the role away / Đánh dấu để thu hồi")


async def role_change_endpoint(request: StarletteRequest, data: RoleChange) -> str:
    clause = lookup_clause(User, data.person)
    target = await User.select(User.id).where(clause).first() if clause is not None else None
    if not target:
        raise ValueError("Không tìm thấy người dùng / No such user")
    commune_id = None
    if data.commune_slug:
        commune = await Commune.select(Commune.id).where(Commune.slug == data.commune_slug.strip()).first()
        if not commune:
            raise ValueError("Không có xã này / No such commune")
        commune_id = commune["id"]
    actor_id = _actor_id(request)
    actor = await services.load_principal(actor_id) if actor_id else None
    if actor is None:
        raise ValueError("Not signed in")
    change = services.revoke_role if data.remove else services.grant_role
    from accounts.clock import system_clock

    done = await change(target["id"], data.role, commune_id=commune_id, actor=actor, ip=_client_ip(request),
                        now=system_clock())
    if data.remove:
        return "Đã thu hồi vai trò. / Role removed." if done else "Người này không có vai trò đó. / No such role."
    return "Đã cấp vai trò. / Role granted." if done else "Người này đã có vai trò đó. / Already held."


def _read_only(*_: Any, **__: Any) -> None:
    from fastapi import HTTPException

    raise HTTPException(status_code=405, detail="Dùng biểu mẫu «Cấp / thu hồi vai trò». Use the role form.")


def build_admin(settings: Settings):
    from piccolo_api.crud.endpoints import Validators

    mfa_key = base64.urlsafe_b64encode(hashlib.sha256(("mfa:" + settings.secret_key).encode()).digest())
    hidden_user_columns = [User.password]
    tables = [
        TableConfig(Commune, menu_group="Xã / Communes", hooks=audit_hooks(Commune)),
        TableConfig(Hamlet, menu_group="Xã / Communes", hooks=audit_hooks(Hamlet),
                    visible_columns=[Hamlet.id, Hamlet.name, Hamlet.commune, Hamlet.population]),
        TableConfig(
            User,
            menu_group="Người dùng / People",
            hooks=audit_hooks(User),
            exclude_visible_columns=hidden_user_columns,
            visible_filters=[User.full_name, User.email, User.phone, User.commune, User.hamlet, User.active],
        ),
        TableConfig(
            RoleGrant, menu_group="Người dùng / People",
            validators=Validators(post_single=[_read_only], patch_single=[_read_only], put_single=[_read_only]),
            hooks=audit_hooks(RoleGrant),
        ),
        TableConfig(Notification, menu_group="Thông báo / Messages", hooks=audit_hooks(Notification)),
        TableConfig(OutboxMail, menu_group="Thông báo / Messages", hooks=audit_hooks(OutboxMail)),
        TableConfig(
            AuditEvent, menu_group="Nhật ký / Audit",
            validators=Validators(post_single=[_read_only], patch_single=[_read_only], put_single=[_read_only],
                                  delete_single=[_read_only], delete_all=[_read_only]),
            order_by=None,
        ),
    ]
    contest_group = "Cuộc thi / Contests"
    tables += [
        TableConfig(Contest, menu_group=contest_group, hooks=audit_hooks(Contest),
                    visible_columns=[Contest.id, Contest.title, Contest.slug, Contest.commune, Contest.published],
                    rich_text_columns=[Contest.description, Contest.rules, Contest.prizes]),
        TableConfig(Round, menu_group=contest_group, hooks=[*audit_hooks(Round), *round_date_hooks()],
                    visible_columns=[Round.id, Round.contest, Round.name, Round.submission_opens,
                                     Round.submission_closes, Round.results_at]),
        TableConfig(Category, menu_group=contest_group, hooks=audit_hooks(Category),
                    visible_columns=[Category.id, Category.contest, Category.name, Category.position]),
        TableConfig(Idea, menu_group=contest_group, hooks=audit_hooks(Idea),
                    visible_columns=[Idea.id, Idea.code, Idea.title, Idea.contest, Idea.status, Idea.hidden],
                    visible_filters=[Idea.contest, Idea.status, Idea.hidden, Idea.category, Idea.hamlet]),
    ]
    mentoring_group = "Cố vấn / Mentoring"
    tables += [
        TableConfig(Criterion, menu_group=contest_group, hooks=audit_hooks(Criterion),
                    visible_columns=[Criterion.id, Criterion.round, Criterion.name, Criterion.weight,
                                     Criterion.scale_min, Criterion.scale_max]),
        TableConfig(Award, menu_group=contest_group, hooks=audit_hooks(Award),
                    visible_columns=[Award.id, Award.contest, Award.name, Award.basis, Award.rank, Award.idea]),
        TableConfig(Organization, menu_group=mentoring_group, hooks=audit_hooks(Organization)),
        TableConfig(MentorProfile, menu_group=mentoring_group, hooks=audit_hooks(MentorProfile),
                    visible_columns=[MentorProfile.id, MentorProfile.user, MentorProfile.organization,
                                     MentorProfile.capacity, MentorProfile.approved]),
        TableConfig(MentoringFeedback, menu_group=mentoring_group, hooks=audit_hooks(MentoringFeedback),
                    visible_columns=[MentoringFeedback.id, MentoringFeedback.mentorship, MentoringFeedback.side,
                                     MentoringFeedback.rating, MentoringFeedback.text, MentoringFeedback.created_at]),
        TableConfig(Workshop, menu_group=mentoring_group, hooks=audit_hooks(Workshop),
                    visible_columns=[Workshop.id, Workshop.title, Workshop.starts_at, Workshop.capacity,
                                     Workshop.published]),
    ]
    forms = [
        FormConfig(
            name="Cấp hoặc thu hồi vai trò (Grant or remove a role)",
            pydantic_model=RoleChange,
            endpoint=role_change_endpoint,
            description="Giám khảo, chuyên gia, ban tổ chức (theo xã) hoặc quản trị viên. "
                        "Judges, mentors, organizers (per commune) or admins.",
        )
    ]
    return create_admin(
        tables,
        forms=forms,
        auth_table=User,
        session_table=SessionsBase,
        site_name="Sáng tạo — Quản trị",
        production=settings.production,
        allowed_hosts=[urlparse(settings.base_url).hostname or "localhost"],
        rate_limit_provider=InMemoryLimitProvider(limit=settings.admin_login_limit,
                                                  timespan=settings.admin_login_window),
        default_language_code="vi",
        translations=TRANSLATIONS,
        mfa_providers=[AuthenticatorProvider(encryption_provider=FernetProvider(encryption_key=mfa_key),
                                             issuer_name="Sáng tạo")],
    )


async def _read_body(receive) -> tuple[bytes, Any]:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _login_identifier(body: bytes, content_type: str) -> str:
    try:
        if "json" in content_type:
            return str(json.loads(body or b"{}").get("username", ""))
        from urllib.parse import parse_qs

        return parse_qs(body.decode("utf-8", "replace")).get("username", [""])[0]
    except (ValueError, AttributeError):
        return ""


async def _json(send, status: int, payload: dict) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class AdminGate:
    """Wraps the piccolo-admin ASGI app (paths arrive without the /admin prefix)."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "/")[len(scope.get("root_path", "")):]
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if scope["type"] == "http" and path.startswith("/public/login") and scope.get("method") == "POST":
            await self._login(scope, receive, send, headers)
            return
        if (self.settings.production and scope["type"] == "http" and path.startswith("/api/")
                and not path.startswith(MFA_EXEMPT)):
            if await self._admin_without_mfa(headers.get("cookie", "")):
                await _json(send, 403, {"detail": "Quản trị viên cần bật xác thực hai lớp (MFA) trước. "
                                                  "Admins must set up two-factor authentication first."})
                return
        await self.app(scope, receive, send)

    async def _login(self, scope, receive, send, headers) -> None:
        body, replay = await _read_body(receive)
        identifier = _login_identifier(body, headers.get("content-type", ""))
        clause = lookup_clause(User, identifier)
        row = await User.select(User.id, User.admin).where(clause).first() if clause is not None else None
        ip = (scope.get("client") or ("",))[0]
        if row and not row["admin"]:
            await audit.record("admin.login_refused", actor_id=row["id"], ip=ip)
            await _json(send, 401, {"detail": "Chỉ ban tổ chức và quản trị viên được vào trang quản trị. "
                                              "Only organizers and admins may sign in here."})
            return
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, replay, watch)
        code = status.get("code", 500)
        if code in (200, 303) and row:
            await audit.record("admin.login", actor_id=row["id"], ip=ip)
        elif code == 401:
            await audit.record("admin.login_failed", actor_id=row["id"] if row else None, ip=ip)

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

