"""The Jinja2 environment: templates/ folder, autoescape, gettext and helpers."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined, pass_context, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine

from accounts.identifiers import display_phone
from server import i18n

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


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
    from server.static_assets import static_url

    env.globals["static_url"] = static_url  # /static/css/site.<hash>.css, cached for a year
    env.filters["languages"] = languages
    from accounts import limits

    env.globals["limits"] = limits  # maxlength and hints of text fields
    env.filters["phone"] = display_phone
    return env


def template_engine(*, strict: bool = False) -> JinjaTemplateEngine:
    return JinjaTemplateEngine.from_environment(build_environment(strict=strict))
