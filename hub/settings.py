"""All settings of the hub, from `HUB_*` environment variables and a `.env` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_SECRET_KEY = "demo-secret-key-not-for-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", env_file=".env", extra="ignore")

    demo: bool = False
    secret_key: SecretStr = SecretStr("")
    database_url: str = "sqlite:///./data/hub.db"
    database_pool_size: int = 20  # connections per process
    redis_url: str | None = None
    public_url: str = "http://127.0.0.1:8000"
    reference_prefix: str = "KEF"
    data_dir: Path = Path("./data")
    attachments_dir: Path | None = None

    max_body_bytes: int = 25 * 1024 * 1024
    max_attachment_bytes: int = 10 * 1024 * 1024
    max_attachments: int = 5
    max_text_chars: int = 5000

    track_max_failures: int = 5
    track_lock_seconds: int = 900
    sign_in_max_failures: int = 10  # per e-mail address, then locked for sign_in_lock_seconds
    sign_in_lock_seconds: int = 900
    token_ttl_seconds: int = 8 * 3600
    default_language: str = "ar"
    report_rate_limit_per_hour: int = 10  # public web form, per client address
    triage_rate_limit_per_minute: int = 30  # anonymous triage previews, per client address
    petition_flag_threshold: int = 50  # supporters that flag a case to the supervisor
    metrics_token: SecretStr | None = None  # when set, /metrics asks for it as a bearer token

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from: str | None = None
    twilio_api_base: str = "https://api.twilio.com"

    telegram_token: SecretStr | None = None
    telegram_secret: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"

    mail_from: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: bool = True
    inbound_smtp_port: int | None = None
    imap_url: str | None = None

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        secret = self.secret_key.get_secret_value()
        if self.demo and not secret:
            self.secret_key = SecretStr(DEMO_SECRET_KEY)
        elif not self.demo and secret in ("", DEMO_SECRET_KEY, "changeme", "change-me"):
            raise ValueError(
                "HUB_SECRET_KEY is empty or a known default: set a long random value "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
                "or run `hub demo` for the demonstration"
            )
        elif not self.demo and len(secret) < 32:
            raise ValueError("HUB_SECRET_KEY must be at least 32 characters long")
        return self

    @property
    def async_database_url(self) -> str:
        return async_url(self.database_url)

    @property
    def attachments_path(self) -> Path:
        return self.attachments_dir or self.data_dir / "attachments"

    @property
    def is_sqlite(self) -> bool:
        return self.async_database_url.startswith("sqlite")

    def channel_status(self) -> dict[str, str]:
        """Which channels are configured ('on') and which are 'off'."""
        return {
            "sms": "on" if self.twilio_account_sid and self.twilio_auth_token else "off",
            "telegram": "on" if self.telegram_token and self.telegram_secret else "off",
            "email_out": "on" if self.smtp_host and self.mail_from else "off",
            "email_in": "on" if self.inbound_smtp_port or self.imap_url else "off",
        }


def async_url(url: str) -> str:
    """Map plain database URLs to the async drivers the hub uses."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql+psycopg://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
