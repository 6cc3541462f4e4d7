import pytest

from server.settings import DEFAULT_SECRET, SettingsError, settings_from_env

pytestmark = pytest.mark.unit


def test_defaults_are_sqlite_and_vietnamese():
    settings = settings_from_env({})
    assert not settings.uses_postgres and settings.sqlite_path.name == "sangtao.sqlite3"
    assert settings.default_language == "vi" and settings.seed_demo
    assert settings.base_url == "http://127.0.0.1:8000"


def test_database_url_selects_postgres_and_host_port_are_honoured():
    settings = settings_from_env({"DATABASE_URL": "postgresql://u@db:5432/x", "HOST": "0.0.0.0", "PORT": "9000"})
    assert settings.uses_postgres and settings.port == 9000 and settings.base_url == "http://0.0.0.0:9000"


def test_production_refuses_the_default_secret():
    settings = settings_from_env({"APP_ENV": "production", "SEED_DEMO": "0"})
    assert settings.secret_key == DEFAULT_SECRET
    with pytest.raises(SettingsError):
        settings.check()


def test_production_refuses_demo_accounts():
    settings = settings_from_env({"APP_ENV": "production", "SECRET_KEY": "x" * 40, "SEED_DEMO": "1"})
    with pytest.raises(SettingsError):
        settings.check()


def test_production_defaults():
    settings = settings_from_env({"APP_ENV": "production", "SECRET_KEY": "x" * 40})
    settings.check()
    assert settings.production and not settings.seed_demo and settings.mail.backend == "smtp"
