"""The Jinja2 environment: templates/ folder, autoescape, gettext and helpers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined, pass_context, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup, escape

from accounts.identifiers import display_phone
from server import i18n

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


_CSRF_MARK = "\x00csrf\x00"


def _lang_mark(code: str) -> str:
    return f"\x00lang:{code}\x00"


@dataclass(frozen=True)
class _RolesOnly:
    """What the kept header knows of its reader."""

    role_names: frozenset[str]


class _LanguageOnly:
    """What the kept header and footer know of the request: its language (read by ``i18n.lang_of``)."""

    def __init__(self, code: str) -> None:
        self.scope = {"state": {"lang": code}}


def build_environment(*, strict: bool = False) -> Environment:
    """``strict``: reading a name the template was not given raises (``StrictUndefined``) instead of
    rendering nothing — the test suite's setting (``Settings.strict_templates``)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        enable_async=False,
        undefined=StrictUndefined if strict else Undefined,
        # Templates change only with a new release (the server restarts): without this, every page
        # asks the file system whether each of its templates (layout, header, footer…) has changed.
        auto_reload=False,
    )
    i18n.install(env)

    @pass_context
    def me(ctx):
        request = ctx.get("request")
        return request.scope.get("user") if request is not None else None

    @pass_context
    def lang(ctx) -> str:
        request = ctx.get("request")
        return i18n.lang_of(request) if request is not None else "vi"

    @pass_context
    def url_with_lang(ctx, code: str) -> str:
        request = ctx.get("request")
        params = dict(request.query_params) if request is not None else {}
        params["lang"] = code
        from urllib.parse import urlencode

        path = request.url.path if request is not None else "/"
        return f"{path}?{urlencode(params)}"

    @pass_context
    def flashes(ctx):
        from server.web import take_flashes

        request = ctx.get("request")
        return take_flashes(request) if request is not None else []

    @pass_context
    def languages(ctx, codes) -> str:
        """Language codes as their names in the reader's language: "Tiếng Việt, Tiếng Anh"."""
        from contest.labels import language_names

        return language_names(codes, lambda msgid: i18n.translate(msgid, lang(ctx)))

    env.globals.update(me=me, lang=lang, url_with_lang=url_with_lang, flashes=flashes)

    # The site's header and footer read the same for everyone with the same language and roles: each
    # is rendered once per (language, roles) and kept, with marks where the parts that belong to one
    # request go (the CSRF field of the log-out form, the link to the page in the other language).
    shells: dict[tuple[str, str, frozenset[str] | None], str] = {}

    def shell(name: str, code: str, roles: frozenset[str] | None) -> str:
        key = (name, code, roles)
        kept = shells.get(key)
        if kept is None:
            if len(shells) >= 256:  # roles come in a handful of combinations; bound it all the same
                shells.clear()
            # The template sees a reader made of roles only: nothing personal can end up in a copy
            # that other people are shown.
            reader = None if roles is None else _RolesOnly(roles)
            kept = shells[key] = env.get_template(name).render(
                request=_LanguageOnly(code), me=lambda: reader, csrf_input=_CSRF_MARK, url_with_lang=_lang_mark
            )
        return kept

    @pass_context
    def site_header(ctx) -> Markup:
        request = ctx.get("request")
        user = request.scope.get("user") if request is not None else None
        code = lang(ctx)
        html = shell("_partials/header.html", code, user.role_names if user is not None else None)
        if _CSRF_MARK in html:
            html = html.replace(_CSRF_MARK, str(ctx.get("csrf_input", "")))
        for other in i18n.LANGUAGES:
            mark = _lang_mark(other)
            if mark in html:
                html = html.replace(mark, str(escape(url_with_lang(ctx, other))))
        return Markup(html)  # noqa: S704 — rendered by the autoescaping environment, marks filled escaped

    @pass_context
    def site_footer(ctx) -> Markup:
        return Markup(shell("_partials/footer.html", lang(ctx), None))  # noqa: S704 — rendered, autoescaped

    env.globals.update(site_header=site_header, site_footer=site_footer)
    from server.static_assets import static_url

    env.globals["static_url"] = static_url  # /static/css/site.<hash>.css, cached for a year
    env.filters["languages"] = languages
    from accounts import limits

    env.globals["limits"] = limits  # maxlength and hints of text fields
    env.filters["phone"] = display_phone
    return env


def template_engine(*, strict: bool = False) -> JinjaTemplateEngine:
    return JinjaTemplateEngine.from_environment(build_environment(strict=strict))
