"""Reporter contact details never sit in the database in clear."""

import subprocess
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from hub.intake.service import accept
from hub.petition import Channel
from hub.privacy import Vault
from hub.state import HubState
from tests.conftest import StaffFactory, settings_for
from tests.factories import case_body, petition

PHONE_DIGITS = "98123456"
EMAIL = "amel.bensalah@example.tn"
NAME = "Amel Ben Salah"


async def dump_every_row(state: HubState) -> str:
    """Every value of every table, as text: what a stolen dump would show."""
    tables = list(SQLModel.metadata.tables)
    lines = []
    async with state.engine.connect() as conn:
        for table in tables:
            for row in (await conn.execute(text(f"SELECT * FROM {table}"))).all():
                lines.append(" ".join(str(v) for v in row))
    return "\n".join(lines)


async def test_raw_rows_hold_no_contact_in_clear(
    client: httpx.AsyncClient, staff: StaffFactory, state: HubState
) -> None:
    _, auth = await staff("clerk", "kef-municipality")
    body = case_body(phone="98 123 456", email=EMAIL, name=NAME)
    assert (await client.post("/api/v1/cases", json=body, headers=auth)).status_code == 201
    dump = await dump_every_row(state)
    assert "Nid de poule" in dump  # the dump is real
    for secret in (PHONE_DIGITS, "+216" + PHONE_DIGITS, EMAIL, "bensalah", NAME, "Amel"):
        assert secret not in dump


async def test_postgres_dump_file_holds_no_contact(pg_url: str, tmp_path: Path) -> None:
    state = HubState.build(settings_for(pg_url, tmp_path))
    walk_in = petition(
        channel=Channel.counter,
        sender=None,
        phone="+216" + PHONE_DIGITS,
        email=EMAIL,
        name=NAME,
        text="Nid de poule devant l'école",
    )
    async with state.sessions() as session:
        await accept(session, walk_in, state.intake_context())
        await session.commit()
    await state.engine.dispose()
    dump = subprocess.run(
        ["pg_dump", "--data-only", pg_url], capture_output=True, text=True, check=True
    ).stdout
    assert "Nid de poule" in dump
    for secret in (PHONE_DIGITS, EMAIL, NAME):
        assert secret not in dump


def test_vault_round_trip_and_keyed_hash() -> None:
    vault = Vault("k" * 40)
    token = vault.encrypt("+21698123456")
    assert token and "98123456" not in token
    assert vault.decrypt(token) == "+21698123456"
    assert vault.lookup_hash("phone", "+21698123456") == vault.lookup_hash("phone", "+21698123456")
    # another deployment's key gives another hash: a dump cannot be joined across hubs
    assert Vault("z" * 40).lookup_hash("phone", "+21698123456") != vault.lookup_hash(
        "phone", "+21698123456"
    )
    with pytest.raises(ValueError, match="HUB_SECRET_KEY"):
        Vault("z" * 40).decrypt(token)
