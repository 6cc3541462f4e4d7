"""Language of each request, gettext in templates, and Vietnamese formatting of dates and numbers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import pass_context
from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Receive, Scope, Send
from markupsafe import Markup

from accounts.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, translate, translations

LANG_COOKIE = "lang"
LOCALES = {"vi": "vi_VN", "en": "en_GB"}
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")

__all__ = ["N_", "LanguageMiddleware", "lang_of", "t", "install"]


def negotiate(query_lang: str | None, cookie_lang: str | None, accept: str | None) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGUAGES:
            return candidate  # type: ignore[return-value]
    # Vietnamese first: only a browser that prefers English over Vietnamese gets English.
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


class LanguageMiddleware:
    """Sets ``scope["state"]["lang"]``; ``?lang=`` also sets a cookie to remember the choice."""

    def __init__(self, app: ASGIApp, secure_cookies: bool = False):
        self.app = app
        self.secure = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn: ASGIConnection = ASGIConnection(scope)
        query_lang = conn.query_params.get("lang")
        lang = negotiate(query_lang, conn.cookies.get(LANG_COOKIE), conn.headers.get("accept-language"))
        scope.setdefault("state", {})["lang"] = lang
        if query_lang not in LANGUAGES or conn.cookies.get(LANG_COOKIE) == query_lang:
            await self.app(scope, receive, send)
            return
        cookie = f"{LANG_COOKIE}={lang}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly"
        if self.secure:
            cookie += "; Secure"

        async def send_with_cookie(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"set-cookie", cookie.encode())]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def lang_of(conn: ASGIConnection) -> str:
    state = conn.scope.setdefault("state", {})
    if "lang" not in state:
        # Requests that match no route (404, 405) never pass through the middleware.
        state["lang"] = negotiate(
            conn.query_params.get("lang"), conn.cookies.get(LANG_COOKIE), conn.headers.get("accept-language")
        )
    return state["lang"]


def t(conn: ASGIConnection, message: str, **params: object) -> str:
    return translate(message, lang_of(conn), **params)


# How the commune writes a moment, ``30/11/2026 19:30`` (Babel's ``dd/MM/yyyy HH:mm``), in both languages.
DATETIME_STRFTIME = "%d/%m/%Y %H:%M"


def local(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(TIMEZONE)


def _newstyle(text: str, autoescape: bool, variables: dict) -> str:
    """As jinja2.ext's new-style gettext leaves a translated text: markup when the template escapes,
    then ``%``-filled (which also turns ``%%`` into ``%``)."""
    return (Markup(text) if autoescape else text) % variables


def install(env) -> None:
    """Install gettext callables and formatting filters into a Jinja environment."""

    def _lang(ctx) -> str:
        request = ctx.get("request")
        return lang_of(request) if request is not None else DEFAULT_LANGUAGE

    # What templates call as _(), gettext() and ngettext(): Jinja's new-style gettext (the text is
    # escaped as markup in HTML templates, then filled with the escaped variables), in one call
    # instead of two, with each language's texts without variables kept once made.
    kept: dict[tuple[str, str, bool], str] = {}

    @pass_context
    def template_gettext(ctx, message: str, **variables):
        autoescape = ctx.eval_ctx.autoescape
        if not variables:
            key = (_lang(ctx), message, autoescape)
            text = kept.get(key)
            if text is None:
                if len(kept) >= 5000:  # a few labels come from what people typed: keep the memory bounded
                    kept.clear()
                text = kept[key] = _newstyle(translate(message, key[0]), autoescape, {})
            return text
        return _newstyle(translate(message, _lang(ctx)), autoescape, variables)

    @pass_context
    def template_ngettext(ctx, singular: str, plural: str, num: int, **variables):
        variables.setdefault("num", num)
        text = translations(_lang(ctx)).ngettext(singular, plural, num)
        return _newstyle(text, ctx.eval_ctx.autoescape, variables)

    @pass_context
    def datetime_filter(ctx, value: dt.datetime | None, fmt: str = "medium") -> str:
        """Hà Nội time as people in the commune write it, ``30/11/2026 19:30``, in either language."""
        if not value:
            return ""
        if fmt in ("short", "medium"):
            # The commune's pattern has only digits, the same in both languages: no locale data needed
            # (Babel's formatter is a tenth of a millisecond per call, and a page may show dozens).
            return local(value).strftime(DATETIME_STRFTIME)
        return format_datetime(local(value), fmt, tzinfo=TIMEZONE, locale=LOCALES[_lang(ctx)])

    @pass_context
    def date_filter(ctx, value: dt.date | dt.datetime | None, fmt: str = "long") -> str:
        if not value:
            return ""
        if isinstance(value, dt.datetime):
            value = local(value).date()
        return format_date(value, fmt, locale=LOCALES[_lang(ctx)])

    @pass_context
    def number_filter(ctx, value) -> str:
        return "" if value is None else format_decimal(value, locale=LOCALES[_lang(ctx)])

    env.add_extension("jinja2.ext.i18n")  # {% trans %} and the gettext names, new-style
    env.newstyle_gettext = True  # the extension's own setting: texts are filled after translation
    env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
    env.filters["datetime"] = datetime_filter
    env.filters["date"] = date_filter
    env.filters["number"] = number_filter
    env.globals["LANGUAGES"] = LANGUAGES
