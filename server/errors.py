"""One place maps exceptions to what a person sees: a friendly page in their language."""

from __future__ import annotations

import logging
from string import Formatter
from urllib.parse import quote

from litestar import Litestar, MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from accounts.errors import DomainError, NotFound, PermissionDenied, RateLimited
from accounts.i18n import N_
from server.guards import AlreadySignedIn
from server.i18n import t
from server.web import REFUSE_TO, FormRefused, flash_error, redirect

log = logging.getLogger("sangtao.errors")

TITLES = {
    400: N_("The request could not be understood"),
    403: N_("You do not have access to this page"),
    404: N_("Page not found"),
    405: N_("This action is not available here"),
    413: N_("The upload is too large"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
}
EXPLANATIONS = {
    400: N_("Please go back, check what you entered and try again."),
    403: N_("If you think you should have access, sign in with the right account or contact the commune's organizers."),
    404: N_("The address may be mistyped, or the page has been moved or removed."),
    405: N_("Please go back and use the buttons on the page."),
    413: N_("Files may be at most 10 MB each. Please choose a smaller file."),
    429: N_("Please wait a few minutes before trying again."),
    500: N_("We have been notified. Please try again in a moment."),
}
CSRF_MESSAGE = N_("This form has expired or was sent from another site. Please reload the page and try again.")


# The public data downloads of a contest (results, vote log, recount script): a program gets the JSON
# error body the API documents; a browser (which asks for text/html) gets the page. Organizer exports
# keep sending a signed-out visitor to the login page.
DOWNLOAD_SUFFIXES = (".json", ".csv", ".py")


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return (
        request.url.path.startswith(("/api/", "/healthz", "/schema/openapi"))
        or "text/html" not in accept
        and (
            "application/json" in accept
            or request.url.path.startswith("/contests/")
            and request.url.path.endswith(DOWNLOAD_SUFFIXES)
        )
    )


def error_page(request: Request, status: int, detail: str | None = None) -> Response:
    title = t(request, TITLES.get(status, TITLES[400]))
    explanation = detail or t(request, EXPLANATIONS.get(status, EXPLANATIONS[400]))
    if wants_json(request):
        return Response(
            {"status": status, "title": title, "detail": explanation}, status_code=status, media_type=MediaType.JSON
        )
    return Template(
        template_name="errors/error.html",
        context={"status": status, "title": title, "explanation": explanation},
        status_code=status,
    )


def handle_http(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    detail = None
    if status == 403 and "csrf" in str(exc.detail).lower():
        detail = t(request, CSRF_MESSAGE)
    return error_page(request, status if status in TITLES else (500 if status >= 500 else 400), detail)


def handle_not_authorized(request: Request, exc: NotAuthorizedException) -> Response:
    if wants_json(request):
        return error_page(request, 403)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = request.headers.get("referer", "/")
    return Redirect(path=f"/login?next={quote(target, safe='')}", status_code=HTTP_303_SEE_OTHER)


def handle_already_signed_in(request: Request, exc: AlreadySignedIn) -> Response:
    return Redirect(path="/", status_code=HTTP_303_SEE_OTHER)


# One way to refuse. The domain raises ``NotFound`` (the site's 404 page), ``PermissionDenied`` (403) or
# any other ``DomainError``: a refusal with a message for the person (``ValidationFailed``: one message per
# field; ``RateLimited``: 429). An HTML form post whose route declares where to go back,
# ``opt=access(..., refuse_to="/organizer/rounds/{round_id}/rubric/")`` (path parameters filled in; or
# ``web.refuse_to(request, path)`` once the handler has loaded its object), shows the refusal as a flash
# message there (category ``refuse_as``, "error" unless the route says otherwise; ``refuse_forbidden=True``:
# forbidden as well). A form whose page shows the messages beside its fields wraps the domain call in
# ``async with web.form_page_on_refusal(request, page)``: the page again, status 400, with what the person
# typed. Everything else gets the error page, or the JSON error body ``{status, title, detail}`` that the
# API documents.
REFUSE_AS = "refuse_as"
REFUSE_FORBIDDEN = "refuse_forbidden"  # a route whose refusals for want of a right are shown there too


def refusal_target(request: Request) -> str | None:
    """The page a refused form post of this request goes back to, if its handler declares one."""
    target = request.state.get(REFUSE_TO)
    if target is not None:
        return target
    handler = request.scope.get("route_handler")
    template = handler.opt.get(REFUSE_TO) if handler is not None else None
    return template.format_map(request.path_params) if template else None


def handle_domain(request: Request, exc: DomainError) -> Response:
    handler = request.scope.get("route_handler")
    own_page = (
        (NotFound,) if handler is not None and handler.opt.get(REFUSE_FORBIDDEN) else (NotFound, PermissionDenied)
    )
    if not isinstance(exc, own_page) and not wants_json(request):
        target = refusal_target(request)
        if target is not None:
            flash_error(request, exc, handler.opt.get(REFUSE_AS, "error") if handler is not None else "error")
            return redirect(target)
    status = (
        404
        if isinstance(exc, NotFound)
        else 403
        if isinstance(exc, PermissionDenied)
        else (429 if isinstance(exc, RateLimited) else 400)
    )
    return error_page(request, status, t(request, exc.message, **exc.params))


def handle_form_refused(request: Request, exc: FormRefused) -> Response:
    """The form page again, with the person's values and the messages beside the fields
    (``web.form_page_on_refusal``)."""
    return exc.response


def check_refusal_targets(app: Litestar) -> None:
    """A route's ``refuse_to`` may only name the route's own path parameters (checked at start-up)."""
    wrong = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            template = handler.opt.get(REFUSE_TO)
            if not template:
                continue
            names = {name for _, name, _, _ in Formatter().parse(template) if name is not None}
            if not template.startswith("/") or not names <= set(route.path_parameters):
                wrong.append(f"{route.path}: {template}")
    if wrong:
        raise RuntimeError("refuse_to names a page the route cannot fill in: " + ", ".join(wrong))


def handle_server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(request, 500)


EXCEPTION_HANDLERS = {
    NotAuthorizedException: handle_not_authorized,
    PermissionDeniedException: handle_http,
    NotFoundException: handle_http,
    HTTPException: handle_http,
    AlreadySignedIn: handle_already_signed_in,
    DomainError: handle_domain,
    FormRefused: handle_form_refused,
    500: handle_server_error,
    Exception: handle_server_error,
}
