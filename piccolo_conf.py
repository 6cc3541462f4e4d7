"""Piccolo configuration: the database engine comes from the settings.

``DATABASE_URL=postgresql://…`` selects PostgreSQL; otherwise SQLite at ``SQLITE_PATH``
(``var/sangtao.sqlite3`` by default).
"""

from piccolo.conf.apps import AppRegistry

from accounts.engine import engine_for
from server.settings import get_settings

DB = engine_for(get_settings().database_url, get_settings().sqlite_path)

APP_REGISTRY = AppRegistry(
    apps=[
        "accounts.piccolo_app",
        "contest.piccolo_app",
        "mentoring.piccolo_app",
        "city.piccolo_app",
        "server.piccolo_app",
        "piccolo_api.session_auth.piccolo_app",
        "piccolo_api.mfa.authenticator.piccolo_app",
    ]
)
