"""Settings, read once from the environment (and a `.env` file in development).

Nothing else in the code base reads ``os.environ``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "dev-only-secret-change-me-0123456789abcdef"


class SettingsError(RuntimeError):
    """Raised when the configuration cannot be used (e.g. default secret in production)."""


def _load_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class MailSettings:
    backend: str = "console"  # console | file | smtp
    from_address: str = "Sáng tạo <no-reply@sangtao.local>"
    file_dir: Path = BASE_DIR / "var" / "mail"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    max_attempts: int = 5


@dataclass(frozen=True)
class MessagingSettings:
    """Text messages (SMS and Zalo ZNS): providers, channels per purpose, caps and costs (README)."""

    sms_provider: str = "console"  # console | brandname
    sms_api_url: str = ""
    sms_api_key: str = ""
    sms_secret_key: str = ""
    sms_brandname: str = ""
    sms_unicode: bool = False  # False: Vietnamese without diacritics (one 160-character segment)
    zalo_app_id: str = ""
    zalo_secret_key: str = ""
    zalo_access_token: str = ""
    zalo_refresh_token: str = ""
    zalo_api_url: str = "https://business.openapi.zalo.me/message/template"
    zalo_oauth_url: str = "https://oauth.zaloapp.com/v4/oa/access_token"
    zalo_templates: str = ""  # "phone_code=123456,password_reset=…,team_invitation=…,notice=…"
    code_channel: str = "sms"  # sms | zalo
    reset_channel: str = "sms"
    per_phone_per_day: int = 5  # messages to one phone per Hà Nội day
    per_day: int = 500  # messages in all per Hà Nội day
    max_attempts: int = 5
    sms_cost: int = 800  # VND per SMS, for the organizers' estimate
    zalo_cost: int = 300  # VND per ZNS message
    sms_callback_secret: str = ""  # signs the gateway's delivery receipts (empty: receipts refused)
    zalo_webhook_secret: str = ""  # the OA's webhook secret key, signs Zalo's delivery events
    callback_rate_limit: int = 600  # delivery reports per minute from one IP address

    @property
    def zalo_configured(self) -> bool:
        return bool(self.zalo_app_id and (self.zalo_access_token or self.zalo_refresh_token))


@dataclass(frozen=True)
class Settings:
    environment: str = "development"  # development | production | test
    secret_key: str = DEFAULT_SECRET
    database_url: str = ""
    sqlite_path: Path = BASE_DIR / "var" / "sangtao.sqlite3"
    redis_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = "http://127.0.0.1:8000"
    default_language: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    seed_demo: bool = True
    max_request_body: int = 12 * 1024 * 1024
    login_rate_limit: int = 10  # failed sign-ins per window, per account from one IP address
    login_ip_failure_limit: int = 50  # failed sign-ins per window from one IP address, all accounts together
    register_rate_limit: int = 5
    rate_limit_window: int = 300  # seconds
    admin_login_limit: int = 300
    admin_login_window: int = 300
    reset_token_minutes: int = 60
    session_days: int = 14
    upload_dir: Path = BASE_DIR / "var" / "uploads"
    report_threshold: int = 3
    vote_rate_limit: int = 30  # votes per account per minute
    vote_ip_rate_limit: int = 300  # votes per IP address per minute (a commune office may share one)
    clock_offset: int = 0  # seconds added to the clock (demos and browser tests; refused in production)
    page_cache_seconds: int = 30  # anonymous public pages kept this long at most (0: no page cache)
    # A template that reads a name it was not given fails instead of showing an empty cell. The test
    # suite turns it on (STRICT_TEMPLATES=1) so that a typo fails a test; production stays lenient,
    # because a resident should still get the page if an optional value is missing in a path no
    # test reaches.
    strict_templates: bool = False
    mail: MailSettings = field(default_factory=MailSettings)
    messaging: MessagingSettings = field(default_factory=MessagingSettings)

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    def check(self) -> None:
        if self.production:
            if self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32:
                raise SettingsError("SECRET_KEY must be set to a random value of at least 32 characters in production.")
            if self.seed_demo:
                raise SettingsError("SEED_DEMO must be off in production: demo accounts are public.")
            if self.clock_offset:
                raise SettingsError("CLOCK_OFFSET is for demonstrations and tests, never for production.")


def settings_from_env(env: dict[str, str] | None = None) -> Settings:
    """Build settings from a mapping (the process environment by default)."""
    if env is None:
        merged = _load_dotenv(BASE_DIR / ".env")
        merged.update(os.environ)  # the real environment always wins over .env
        env = merged
    environment = env.get("APP_ENV", "development")
    mail = MailSettings(
        backend=env.get("MAIL_BACKEND", "console" if environment != "production" else "smtp"),
        from_address=env.get("MAIL_FROM", MailSettings.from_address),
        file_dir=Path(env.get("MAIL_FILE_DIR", str(MailSettings.file_dir))),
        smtp_host=env.get("SMTP_HOST", "127.0.0.1"),
        smtp_port=int(env.get("SMTP_PORT", "25")),
        smtp_user=env.get("SMTP_USER", ""),
        smtp_password=env.get("SMTP_PASSWORD", ""),
        smtp_starttls=_bool(env.get("SMTP_STARTTLS")),
        max_attempts=int(env.get("MAIL_MAX_ATTEMPTS", "5")),
    )
    defaults = MessagingSettings()
    messaging = MessagingSettings(
        sms_provider=env.get("SMS_PROVIDER", "console"),
        sms_api_url=env.get("SMS_API_URL", ""),
        sms_api_key=env.get("SMS_API_KEY", ""),
        sms_secret_key=env.get("SMS_SECRET_KEY", ""),
        sms_brandname=env.get("SMS_BRANDNAME", ""),
        sms_unicode=_bool(env.get("SMS_UNICODE")),
        zalo_app_id=env.get("ZALO_APP_ID", ""),
        zalo_secret_key=env.get("ZALO_SECRET_KEY", ""),
        zalo_access_token=env.get("ZALO_ACCESS_TOKEN", ""),
        zalo_refresh_token=env.get("ZALO_REFRESH_TOKEN", ""),
        zalo_api_url=env.get("ZALO_API_URL", defaults.zalo_api_url),
        zalo_oauth_url=env.get("ZALO_OAUTH_URL", defaults.zalo_oauth_url),
        zalo_templates=env.get("ZALO_TEMPLATES", ""),
        code_channel=env.get("MESSAGE_CODE_CHANNEL", "sms"),
        reset_channel=env.get("MESSAGE_RESET_CHANNEL", "sms"),
        per_phone_per_day=int(env.get("MESSAGES_PER_PHONE_PER_DAY", str(defaults.per_phone_per_day))),
        per_day=int(env.get("MESSAGES_PER_DAY", str(defaults.per_day))),
        max_attempts=int(env.get("MESSAGE_MAX_ATTEMPTS", "5")),
        sms_cost=int(env.get("SMS_COST_VND", str(defaults.sms_cost))),
        zalo_cost=int(env.get("ZALO_COST_VND", str(defaults.zalo_cost))),
        sms_callback_secret=env.get("SMS_CALLBACK_SECRET", ""),
        zalo_webhook_secret=env.get("ZALO_WEBHOOK_SECRET", ""),
        callback_rate_limit=int(env.get("MESSAGE_CALLBACK_RATE_LIMIT", str(defaults.callback_rate_limit))),
    )
    host = env.get("HOST", "127.0.0.1")
    port = int(env.get("PORT", "8000"))
    return Settings(
        environment=environment,
        secret_key=env.get("SECRET_KEY", DEFAULT_SECRET),
        database_url=env.get("DATABASE_URL", ""),
        sqlite_path=Path(env.get("SQLITE_PATH", str(Settings.sqlite_path))),
        redis_url=env.get("REDIS_URL", ""),
        host=host,
        port=port,
        base_url=env.get("BASE_URL", f"http://{host}:{port}").rstrip("/"),
        default_language=env.get("DEFAULT_LANGUAGE", "vi"),
        seed_demo=_bool(env.get("SEED_DEMO"), default=environment != "production"),
        max_request_body=int(env.get("MAX_REQUEST_BODY", str(12 * 1024 * 1024))),
        login_rate_limit=int(env.get("LOGIN_RATE_LIMIT", "10")),
        login_ip_failure_limit=int(env.get("LOGIN_IP_FAILURE_LIMIT", "50")),
        register_rate_limit=int(env.get("REGISTER_RATE_LIMIT", "5")),
        rate_limit_window=int(env.get("RATE_LIMIT_WINDOW", "300")),
        admin_login_limit=int(env.get("ADMIN_LOGIN_LIMIT", "300")),
        admin_login_window=int(env.get("ADMIN_LOGIN_WINDOW", "300")),
        reset_token_minutes=int(env.get("RESET_TOKEN_MINUTES", "60")),
        session_days=int(env.get("SESSION_DAYS", "14")),
        upload_dir=Path(env.get("UPLOAD_DIR", str(Settings.upload_dir))),
        report_threshold=int(env.get("REPORT_THRESHOLD", "3")),
        clock_offset=int(env.get("CLOCK_OFFSET", "0")),
        # Off in the test suite unless asked for: tests change the database behind the site's back.
        page_cache_seconds=int(env.get("PAGE_CACHE_SECONDS", "0" if environment == "test" else "30")),
        strict_templates=_bool(env.get("STRICT_TEMPLATES")),
        vote_rate_limit=int(env.get("VOTE_RATE_LIMIT", "30")),
        vote_ip_rate_limit=int(env.get("VOTE_IP_RATE_LIMIT", "300")),
        mail=mail,
        messaging=messaging,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings = settings_from_env()
    settings.check()
    return settings
