"""The application factory: ``create_app(settings)`` builds the Litestar app."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator
from urllib.parse import unquote

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.handlers import asgi
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.static_files import create_static_files_router
from litestar.stores.memory import MemoryStore
from litestar.template.config import TemplateConfig
from litestar.types import Receive, Scope, Send

from accounts import events, memo, notifications
from accounts.clock import Clock, shifted_clock
from accounts.engine import close_connections, pool_options
from city import final
from contest import judging, results_cache, voting
from mentoring import mentorships
from server import admin as admin_module
from server.apidocs import API_DESCRIPTION, RENDER_PLUGINS, docs_router
from server.auth import PrincipalMiddleware, principal_on_unmatched
from server.badinput import EXCEPTION_HANDLERS as BAD_INPUT_HANDLERS
from server.badinput import BadInputMiddleware, SafeRequest
from server.compression import CompressionMiddleware
from server.context import AppContext
from server.controllers.accounts import AccountController, AuthController, InboxController
from server.controllers.api import OpenDataController
from server.controllers.city import CityController, SponsorsController, sponsor_logo
from server.controllers.city_final import CityFinalOrganizerController, CityNominationsController
from server.controllers.contests import ContestController, IdeaController, MyIdeasController, serve_file
from server.controllers.home import HomeController, healthz
from server.controllers.judging import JudgeController, OrganizerJudgingController
from server.controllers.mentoring import CONTROLLERS as MENTORING_CONTROLLERS
from server.controllers.messaging import DeliveryReportController, MessageCapsController
from server.controllers.organizer import OrganizerController
from server.controllers.organizer_contests import OrganizerContestsController
from server.controllers.organizer_progress import OrganizerProgressController
from server.controllers.organizer_rounds import OrganizerRoundsController
from server.controllers.organizer_rubric import AwardsController, RubricController
from server.controllers.voting import (
    OrganizerVoteController,
    ResidentsController,
    VerificationController,
    VoteController,
    poster,
)
from server.errors import EXCEPTION_HANDLERS, check_refusal_targets
from server.guards import access_guard, access_of
from server.i18n import LanguageMiddleware
from server.mail import configure_messaging, messengers_for
from server.mail import worker as mail_worker
from server.memo import MemoMiddleware
from server.memo import configure as configure_memo
from server.page_cache import PageCache, PageCacheMiddleware
from server.ratelimit import rate_limiter_for
from server.security import security_headers
from server.sessions import RotatingSessionConfig, SessionStore
from server.settings import BASE_DIR, Settings, get_settings
from server.static_assets import StaticAssetsMiddleware, default_assets
from server.templating import template_engine
from server.uploads import UploadCleanupMiddleware

log = logging.getLogger("sangtao")
CSRF_COOKIE = "sangtao_csrf"
SESSION_COOKIE = "sangtao_session"


def _check_access_declared(app: Litestar) -> None:
    """Every HTTP route must say who may use it (see ``server.guards``)."""
    missing = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if getattr(handler, "is_mount", False) or route.path.startswith(("/static", "/schema")):
                continue
            if access_of(handler) is None and set(getattr(handler, "http_methods", ())) != {"OPTIONS"}:
                missing.append(f"{route.path} {sorted(getattr(handler, 'http_methods', []))}")
    if missing:
        raise RuntimeError("routes without an access rule: " + ", ".join(missing))


def register_hooks() -> None:
    """Hooks by which one domain package acts on another without importing it, registered here
    rather than as a side effect of importing a module (registering twice changes nothing)."""
    # Published results kept by this process are dropped when the domain announces a public change.
    events.listen(results_cache.forget_on_change)
    # A judge who mentors a team is in conflict with its entry.
    judging.add_conflict_source(mentorships.mentor_conflicts)
    # The city final: a judge is in conflict with the entries of the communes they live in or organize
    # (or whose idea they scored there), and its vote takes the residents of every commune with a finalist.
    judging.add_conflict_source(final.city_conflicts)
    voting.add_voter_communes(final.participating_communes)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None, run_workers: bool = True) -> Litestar:
    settings = settings or get_settings()
    notifications.use_base_url(settings.base_url)  # links in notices and mails are absolute
    settings.check()
    clock = clock or shifted_clock(settings.clock_offset)
    admin_app = admin_module.AdminGate(functools.partial(admin_module.build_admin, settings, clock=clock), settings)

    @asgi(
        admin_module.ADMIN_PREFIX,
        is_mount=True,
        is_static=True,
        copy_scope=True,
        opt={"access": "public"},
        include_in_schema=False,
    )
    async def admin_mount(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("raw_path", b"").rstrip(b"?") == b"/admin" or scope["path"] == "":
            query = scope.get("query_string", b"")
            location = b"/admin/" + (b"?" + query if query else b"")
            await send({"type": "http.response.start", "status": 308, "headers": [(b"location", location)]})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        # Hand piccolo-admin (Starlette) the full path with /admin as root_path, as Starlette expects;
        # Litestar's mount path drops the trailing slash that its routes need.
        full_path = unquote(scope.get("raw_path", b"").decode("latin-1")) or admin_module.ADMIN_PREFIX + scope["path"]
        scope["root_path"] = admin_module.ADMIN_PREFIX
        scope["path"] = full_path
        await admin_app(scope, receive, send)

    stores = {}
    if settings.redis_url:
        stores["sessions"] = SessionStore.for_url(settings.redis_url, namespace="sangtao:sessions")
    else:
        stores["sessions"] = MemoryStore()
    ctx = AppContext(settings=settings, limiter=rate_limiter_for(settings.redis_url), clock=clock)
    configure_messaging(settings)
    ctx.messengers = messengers_for(settings, console=ctx.sms)

    session_config = RotatingSessionConfig(
        key=SESSION_COOKIE,
        store="sessions",
        max_age=settings.session_days * 24 * 3600,
        secure=settings.production,
        httponly=True,
        samesite="lax",
        exclude=["/static", "/admin", "/healthz", "/schema/openapi"],  # /schema shows who is signed in
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        engine = admin_module.User._meta.db
        pooled = settings.uses_postgres
        if pooled:
            await engine.start_connection_pool(**pool_options())
        task = asyncio.create_task(mail_worker(settings, clock)) if run_workers else None
        try:
            yield
        finally:
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await close_connections(engine)

    app = Litestar(
        route_handlers=[
            HomeController,
            AuthController,
            AccountController,
            InboxController,
            ContestController,
            IdeaController,
            MyIdeasController,
            OrganizerController,
            OrganizerContestsController,
            OrganizerRoundsController,
            RubricController,
            AwardsController,
            JudgeController,
            OrganizerJudgingController,
            OrganizerProgressController,
            VoteController,
            VerificationController,
            ResidentsController,
            OrganizerVoteController,
            poster,
            *MENTORING_CONTROLLERS,
            OpenDataController,
            DeliveryReportController,
            MessageCapsController,
            CityController,
            SponsorsController,
            CityFinalOrganizerController,
            CityNominationsController,
            sponsor_logo,
            serve_file,
            healthz,
            admin_mount,
            create_static_files_router(
                path="/static", directories=[BASE_DIR / "static"], opt={"access": "public"}, include_in_schema=False
            ),
        ],
        dependencies={"ctx": Provide(lambda: ctx, use_cache=True, sync_to_thread=False)},
        guards=[access_guard],
        middleware=[
            DefineMiddleware(LanguageMiddleware, secure_cookies=settings.production),
            session_config.middleware,
            PrincipalMiddleware,
            BadInputMiddleware,
            UploadCleanupMiddleware,
        ],
        request_class=SafeRequest,
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=CSRF_COOKIE,
            header_name="x-csrf-token",
            cookie_secure=settings.production,
            cookie_httponly=True,
            exclude=["/admin"],
        ),
        template_config=TemplateConfig(instance=template_engine(strict=settings.strict_templates)),
        openapi_config=OpenAPIConfig(
            title="Sáng tạo API",
            version="1.0.0",
            path="/schema",
            render_plugins=RENDER_PLUGINS,
            openapi_router=docs_router(),
            description=API_DESCRIPTION,
        ),
        exception_handlers={**EXCEPTION_HANDLERS, **BAD_INPUT_HANDLERS},
        before_send=[security_headers(hsts=settings.production)],
        after_exception=[principal_on_unmatched(session_config, CSRF_COOKIE)],
        stores=stores,
        request_max_body_size=settings.max_request_body,
        lifespan=[lifespan],
        state=State({"ctx": ctx}),
        debug=False,
    )
    _check_access_declared(app)
    check_refusal_targets(app)
    register_hooks()
    # In front of routing: anonymous public pages from the shared page cache, static files from
    # memory (hashed names cached for a year), and compression of everything else that is text.
    handler = app.asgi_handler
    if settings.page_cache_seconds > 0:
        # Each page may use this worker's copies of the contest structure (accounts.memo); a change
        # made through the site, the admin or announced by the domain starts a new shared generation.
        configure_memo(settings.redis_url)
        events.listen(memo.on_public_change)
        handler = MemoMiddleware(handler)
        page_cache = PageCache(
            settings.redis_url,
            ttl=settings.page_cache_seconds,
            session_cookie=SESSION_COOKIE,
            csrf_cookie=CSRF_COOKIE,
            now=lambda: clock().timestamp(),
        )
        page_cache.listen()
        app.state["page_cache"] = page_cache
        handler = PageCacheMiddleware(handler, page_cache)
    app.asgi_handler = CompressionMiddleware(StaticAssetsMiddleware(handler, default_assets()))
    return app
