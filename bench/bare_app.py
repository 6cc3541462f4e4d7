"""The yardstick: a bare Litestar route, served the same way as the application."""

from litestar import Litestar, get


@get("/bare", sync_to_thread=False)
def bare() -> str:
    return "ok"


app = Litestar(route_handlers=[bare], debug=False)
