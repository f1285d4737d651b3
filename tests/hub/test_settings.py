import pytest
from pydantic import ValidationError

from hub.settings import DEMO_SECRET_KEY, Settings, async_url


@pytest.mark.parametrize("secret", ["", "change-me", DEMO_SECRET_KEY, "short"])
def test_default_or_weak_secret_is_refused_outside_demo(secret: str) -> None:
    with pytest.raises(ValidationError, match="HUB_SECRET_KEY"):
        Settings(secret_key=secret, demo=False)  # type: ignore[arg-type]


def test_demo_gets_a_secret() -> None:
    assert Settings(demo=True).secret_key.get_secret_value() == DEMO_SECRET_KEY


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("HUB_REFERENCE_PREFIX", "TUN")
    monkeypatch.setenv("HUB_TWILIO_ACCOUNT_SID", "AC123")
    settings = Settings()
    assert settings.reference_prefix == "TUN"
    assert settings.channel_status()["sms"] == "off"  # no auth token: the channel is off


def test_plain_urls_map_to_async_drivers() -> None:
    assert async_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert async_url("sqlite:///./data/hub.db") == "sqlite+aiosqlite:///./data/hub.db"
    assert async_url("postgresql+asyncpg://u@h/db") == "postgresql+asyncpg://u@h/db"
