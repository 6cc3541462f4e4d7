"""Walk every route with every role and compare what happens with the route's declared rule."""

from __future__ import annotations

import re

import httpx
import pytest

from accounts.rules import Access, Principal, allows
from accounts.tables import Role
from server.guards import access_of
from tests.conftest import login
from tests.support.factories import PASSWORD

pytestmark = pytest.mark.integration

ROLES: dict[str, tuple[Role, ...] | None] = {
    "anonymous": None,
    "citizen": (),
    "judge": (Role.judge,),
    "mentor": (Role.mentor,),
    "organizer": (Role.organizer,),
    "admin": (Role.admin,),
}
SKIP_PREFIXES = ("/static", "/schema", "/admin")


def declared_routes(app) -> list[tuple[str, str, Access]]:
    routes = []
    for route in app.routes:
        if route.path.startswith(SKIP_PREFIXES):
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(getattr(handler, "http_methods", ())):
                if method in ("OPTIONS", "HEAD"):
                    continue
                access = access_of(handler)
                assert access is not None, f"{method} {route.path} declares no access rule"
                routes.append((method, route.path, access))
    # Logging out ends the session, so it goes last.
    return sorted(routes, key=lambda r: (r[1] == "/logout", r[1], r[0]))


def concrete(path: str) -> str:
    path = re.sub(r"\{[^}:]+:int\}", "999999", path)
    return re.sub(r"\{[^}]+\}", "no-such-thing", path)


def outcome(response: httpx.Response) -> str:
    location = response.headers.get("location", "")
    if response.status_code in (302, 303) and location.startswith("/login"):
        return "login"
    if response.status_code == 403:
        return "forbidden"
    return "through"


async def test_every_route_declares_a_rule(app):
    assert declared_routes(app)


@pytest.mark.parametrize("role", list(ROLES))
async def test_every_route_for_every_role(app, commune, make_user, role):
    principal = None
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        if ROLES[role] is not None:
            user = await make_user(roles=ROLES[role])
            assert (await login(client, user.email, PASSWORD)).status_code == 303
            principal = Principal(id=user.id, roles=frozenset(
                (r.value, commune["id"] if r is Role.organizer else None) for r in ROLES[role]))
        checked = 0
        for method, path, access in declared_routes(app):
            token_page = await client.get("/password/forgot")
            token = re.search(r'name="_csrf_token" value="([^"]+)"', token_page.text)
            data = {"_csrf_token": token.group(1)} if token else {}
            response = await client.request(method, concrete(path), data=data if method != "GET" else None)
            got = outcome(response)
            if access is Access.anonymous and principal is not None:
                assert response.status_code == 303 and response.headers["location"] == "/", (method, path, role)
            elif allows(access, principal):
                assert got == "through", f"{role} should reach {method} {path}, got {response.status_code}"
            else:
                expected = "login" if principal is None else "forbidden"
                assert got == expected, f"{role} at {method} {path}: expected {expected}, got {response.status_code}"
            checked += 1
        assert checked >= 15
