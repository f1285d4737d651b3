"""The `hub` command line, run as a real process."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from hub.models import Case, Message, User
from hub.state import HubState
from tests.conftest import SECRET, settings_for


def hub(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hub.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
    )


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    env.update(extra)
    return env


def test_migrate_and_users_create(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = clean_env(HUB_SECRET_KEY=SECRET, HUB_DATABASE_URL=url)
    assert hub("migrate", env=env, cwd=tmp_path).returncode == 0
    made = hub(
        "users",
        "create",
        "--email",
        "o@kef.tn",
        "--password",
        "long enough pw",
        "--role",
        "officer",
        "--structure",
        "sonede-kef",
        env=env,
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    assert "created officer o@kef.tn" in made.stdout
    no_structure = hub(
        "users",
        "create",
        "--email",
        "p@kef.tn",
        "--password",
        "long enough pw",
        "--role",
        "officer",
        env=env,
        cwd=tmp_path,
    )
    assert no_structure.returncode == 2 and "--structure" in no_structure.stderr
    bad_role = hub(
        "users",
        "create",
        "--email",
        "q@kef.tn",
        "--password",
        "long enough pw",
        "--role",
        "king",
        env=env,
        cwd=tmp_path,
    )
    assert bad_role.returncode == 2 and "unknown role" in bad_role.stderr


def test_default_secret_is_refused(tmp_path: Path) -> None:
    result = hub("migrate", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2
    assert "HUB_SECRET_KEY" in result.stderr


def test_demo_prepares_users_and_cases(tmp_path: Path) -> None:
    result = hub("demo", "--no-serve", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for role in ("administrator", "supervisor", "officer", "investigator", "clerk", "monitor"):
        assert role in result.stdout
    settings = settings_for(f"sqlite:///{tmp_path / 'data' / 'hub.db'}", tmp_path / "data")

    async def inspect() -> tuple[int, set[str], set[str], int]:
        state = HubState.build(settings)
        async with state.sessions() as session:
            users = await session.scalar(select(func.count()).select_from(User))
            channels = set((await session.scalars(select(Case.channel))).all())
            statuses = set((await session.scalars(select(Case.status))).all())
            replies = await session.scalar(
                select(func.count()).select_from(Message).where(Message.direction == "outbound")
            )
        await state.engine.dispose()
        return int(users or 0), channels, statuses, int(replies or 0)

    users, channels, statuses, replies = asyncio.run(inspect())
    assert users == 6
    assert channels == {"sms", "telegram", "email", "web", "counter", "phone", "letter"}
    assert {
        "routed",
        "assigned",
        "in_progress",
        "awaiting_citizen",
        "resolved",
        "closed",
        "rejected",
        "duplicate",
        "transferred",
        "reopened",
    } <= statuses
    assert replies > 0
    again = hub("demo", "--no-serve", env=clean_env(), cwd=tmp_path)  # idempotent restart
    assert again.returncode == 0, again.stderr
    verify = hub("audit", "verify", env=clean_env(HUB_DEMO="1"), cwd=tmp_path)
    assert verify.returncode == 0 and "56 case histories" in verify.stdout
