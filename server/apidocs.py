"""The open-data API's documentation page at /schema, rendered by the site itself from the OpenAPI document.

No script, font or style from another origin (the site's CSP allows none): the page is plain HTML in the
site's layout and language, built from the same document that /schema/openapi.json serves.
"""

from __future__ import annotations

import html
from typing import Any

from litestar import MediaType, Request, Router
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers import BaseRouteHandler
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin
from litestar.utils.empty import value_or_default
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup, escape

from accounts.i18n import N_
from server.i18n import t

TAG_TITLES = {"open data": N_("Open data"), "system": N_("System")}
LOCATIONS = {"path": N_("in the address"), "query": N_("after ? in the address")}
LITESTAR_SUCCESS = "Request fulfilled, document follows"

# What the fields of the published formats mean (the document itself names them only).
FIELD_HELP = {
    ("ContestOut", "slug"): N_("The contest's short name, used in its addresses."),
    ("ContestOut", "phase"): N_("Where the contest is now: upcoming, submission, judging, voting or results."),
    ("ContestOut", "url"): N_("The contest's page on the site."),
    ("ContestOut", "categories"): N_("The categories ideas are entered in."),
    ("RoundOut", "takes_entries"): N_("False when the round takes no new ideas (its two dates are its start)."),
    ("RoundOut", "has_judging"): N_("False when the round has no jury."),
    ("IdeaOut", "code"): N_("The idea's code, as shown on its page."),
    ("IdeaOut", "status"): N_("submitted, shortlisted, finalist or awarded."),
    ("IdeaDetailOut", "budget_vnd"): N_("Estimated budget in đồng, when the team gave one."),
    ("IdeaDetailOut", "stage"): N_("How far the idea has come: idea, prototype, pilot or launched."),
    ("IdeaPage", "total"): N_("How many ideas match, over all pages."),
    ("RankingRowOut", "jury"): N_("The jury's score, scaled to 0–100 within the round."),
    ("RankingRowOut", "public"): N_("The votes, scaled to 0–100 within the round."),
    ("RankingRowOut", "combined"): N_("alpha × jury + (1 − alpha) × public."),
    ("RankingRowOut", "jury_group"): N_("Jury scores compare only within one group; null when there is one group."),
    ("ResultsOut", "alpha"): N_("The weight of the jury in the combined score (0 to 1)."),
    ("ResultsOut", "vote_log"): N_("The sealed vote log and where to download it; null when there was no public vote."),
    ("AwardOut", "code"): N_("The winning idea's code; null while the award is not given."),
    ("VoteLogEntryOut", "voter_alias"): N_("An anonymous alias of the voter, the same within one contest."),
    ("VoteLogEntryOut", "action"): N_("cast, withdraw or void."),
    ("VoteLogEntryOut", "time_bucket"): N_("The hour of the action (UTC), not the exact time."),
    ("VoteLogEntryOut", "hash"): N_("SHA-256 of the previous hash and this entry: the chain anyone can check."),
    ("VoteLogOut", "head_hash"): N_("The hash of the last entry, as sealed when the vote closed."),
    ("VoteLogOut", "totals"): N_("Votes per idea code that the log adds up to."),
    ("ErrorOut", "status"): N_("The HTTP status code."),
    ("ErrorOut", "title"): N_("What went wrong, in a few words."),
    ("ErrorOut", "detail"): N_("What went wrong and what to do."),
}


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _link(name: str) -> Markup:
    return Markup('<a href="#model-{0}"><code>{0}</code></a>').format(name)


def type_of(request: Request, schema: dict[str, Any]) -> Markup:
    """A schema node in words: "list of <a>IdeaOut</a>", "text or null"."""
    if "$ref" in schema:
        return _link(_ref_name(schema["$ref"]))
    variants = schema.get("oneOf") or schema.get("anyOf")
    kinds = schema.get("type")
    if variants or isinstance(kinds, list):
        parts = variants or [{**schema, "type": kind} for kind in kinds or []]
        nullable = any(part.get("type") == "null" for part in parts)
        shown = [type_of(request, part) for part in parts if part.get("type") != "null"]
        joined = Markup(" | ").join(shown)
        return Markup(escape(t(request, N_("%(type)s or null")))).replace("%(type)s", joined) if nullable else joined
    if kinds == "array":
        return Markup(escape(t(request, N_("list of %(item)s")))).replace(
            "%(item)s", type_of(request, schema.get("items", {}))
        )
    if kinds == "object":
        values = schema.get("additionalProperties")
        if isinstance(values, dict) and values:
            return Markup(escape(t(request, N_("map from text to %(value)s")))).replace(
                "%(value)s", type_of(request, values)
            )
        return escape(t(request, N_("object")))
    if kinds == "string" and schema.get("format") == "date-time":
        return escape(t(request, N_("date and time (ISO 8601)")))
    words = {
        "string": N_("text"),
        "integer": N_("whole number"),
        "number": N_("number"),
        "boolean": N_("true or false"),
    }
    return escape(t(request, words[kinds])) if kinds in words else escape(t(request, N_("any value")))


def _operations(request: Request, document: dict[str, Any]) -> list[dict[str, Any]]:
    operations = []
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            parameters = [
                {
                    "name": p["name"],
                    "where": t(request, LOCATIONS.get(p["in"], str(p["in"]))),
                    "type": type_of(request, p.get("schema", {})),
                    "required": p.get("required", False),
                    "default": p.get("schema", {}).get("default"),
                    "description": t(request, p["description"]) if p.get("description") else "",
                }
                for p in operation.get("parameters", [])
            ]
            responses = []
            for status, response in sorted(operation.get("responses", {}).items()):
                description = response.get("description", "")
                if description == LITESTAR_SUCCESS:
                    description = N_("Success")
                content = response.get("content", {})
                responses.append(
                    {
                        "status": status,
                        "description": t(request, description) if description else "",
                        "formats": [
                            {
                                "media_type": media_type,
                                "type": type_of(request, body.get("schema", {})) if "json" in media_type else None,
                            }
                            for media_type, body in content.items()
                        ],
                    }
                )
            operations.append(
                {
                    "id": operation.get("operationId") or f"{method}-{path}",
                    "method": method.upper(),
                    "path": path,
                    "tag": (operation.get("tags") or ["open data"])[0],
                    "summary": t(request, operation["summary"]) if operation.get("summary") else path,
                    "description": t(request, operation["description"]) if operation.get("description") else "",
                    "parameters": parameters,
                    "responses": responses,
                }
            )
    return sorted(operations, key=lambda op: (op["tag"] != "open data", op["path"]))


def _models(request: Request, document: dict[str, Any]) -> list[dict[str, Any]]:
    models = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        models.append(
            {
                "name": name,
                "fields": [
                    {
                        "name": field,
                        "type": type_of(request, node),
                        "required": field in required,
                        "description": t(request, FIELD_HELP[(name, field)]) if (name, field) in FIELD_HELP else "",
                    }
                    for field, node in schema.get("properties", {}).items()
                ],
            }
        )
    return models


def page_context(request: Request, document: dict[str, Any]) -> dict[str, Any]:
    operations = _operations(request, document)
    groups = []
    for tag in dict.fromkeys(op["tag"] for op in operations):
        groups.append(
            {
                "tag": tag,
                "title": t(request, TAG_TITLES.get(tag, str(tag))),
                "operations": [op for op in operations if op["tag"] == tag],
            }
        )
    return {
        "groups": groups,
        "models": _models(request, document),
        "version": document.get("info", {}).get("version", ""),
        "openapi": document.get("openapi", ""),
    }


class DocsPage(OpenAPIRenderPlugin):
    """Serves the documentation page at the schema's root (``/schema``)."""

    def __init__(self) -> None:
        super().__init__(path="/", media_type=MediaType.HTML)

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        engine = request.app.template_engine
        assert engine is not None  # the app is built with its templates
        template = engine.get_template("api/docs.html")
        csrf_token = value_or_default(ScopeState.from_scope(request.scope).csrf_token, "")
        return template.render(
            request=request,
            csrf_input=f'<input type="hidden" name="_csrf_token" value="{html.escape(csrf_token)}" />',
            **page_context(request, openapi_schema),
        ).encode("utf-8")


RENDER_PLUGINS = [JsonRenderPlugin(), DocsPage()]


def _unknown_address(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Litestar answers an unknown ``/schema/…`` address with a bare page of its own; the only route of
    the docs with a ``path`` parameter is that one, so such an address gets the site's 404 page instead."""
    if "path" in connection.path_params:
        raise NotFoundException()


def docs_router() -> Router:
    """The router under ``/schema`` to which Litestar adds the documentation's routes."""
    return Router(
        "/schema", route_handlers=[], include_in_schema=False, dto=None, return_dto=None, guards=[_unknown_address]
    )


API_DESCRIPTION = (
    "Open data of the commune innovation contests: published contests, public ideas, results, awards and the "
    "vote log (no personal data). Errors answer with their status code and a JSON body {status, title, detail}. "
    "Documentation in Vietnamese: /schema"
)
