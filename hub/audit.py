"""The case event history: append-only, hash-chained per case, verifiable.

One chain per case: a global chain would serialise every write in the hub.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.models import Case, CaseEvent, utcnow

GENESIS = "0" * 64


# What an event's hash covers: its canonical fields and the previous event's hash.
HASHED = ("case_id", "seq", "kind", "actor", "data", "created_at", "prev_hash")

# kind, actor, data: an event not yet chained.
Entry = tuple[str, str, dict[str, Any]]


def event_hash(event: CaseEvent) -> str:
    return _digest({name: getattr(event, name) for name in HASHED})


# json.dumps with options builds an encoder per call; these are built once and give the
# very same text (the hashes of stored events must not change).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_DATA = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def _digest(fields: dict[str, Any]) -> str:
    hashed = {name: fields[name] for name in HASHED}
    hashed["created_at"] = hashed["created_at"].isoformat(timespec="microseconds")
    return hashlib.sha256(_CANONICAL.encode(hashed).encode()).hexdigest()


def _row(case_id: int, seq: int, prev_hash: str, entry: Entry) -> dict[str, Any]:
    """An event's columns, hash included, following the event whose hash is `prev_hash`."""
    kind, actor, data = entry
    row: dict[str, Any] = {
        "case_id": case_id,
        "seq": seq,
        "kind": kind,
        "actor": actor,
        "data": _DATA.encode(data or {}),
        "created_at": utcnow(),
        "prev_hash": prev_hash,
    }
    row["hash"] = _digest(row)
    return row


def append_event(
    session: AsyncSession, case: Case, kind: str, actor: str, data: dict[str, Any] | None = None
) -> CaseEvent:
    """Add the next event of a case. The caller holds the case row (locked for update)."""
    (row,) = chain_rows(case, [(kind, actor, data or {})])
    event = CaseEvent(**row)
    session.add(event)
    session.add(case)
    return event


def chain_rows(case: Case, entries: list[Entry]) -> list[dict[str, Any]]:
    """Rows of a case's next events, chained in order, and the case's chain head moved
    onto the last; the caller writes both (a new case writes its intake events in one
    INSERT, and its head with its own row).
    """
    assert case.id is not None
    seq, prev_hash = case.last_event_seq, case.last_event_hash or GENESIS
    rows = []
    for entry in entries:
        seq += 1
        rows.append(_row(case.id, seq, prev_hash, entry))
        prev_hash = rows[-1]["hash"]
    if rows:
        case.last_event_seq, case.last_event_hash = seq, prev_hash
        case.updated_at = rows[-1]["created_at"]
    return rows


@dataclass(frozen=True)
class ChainBreak:
    reference: str
    event_id: int | None
    seq: int
    reason: str

    def __str__(self) -> str:
        row = f"event id {self.event_id}" if self.event_id is not None else "case row"
        return f"case {self.reference}, {row} (seq {self.seq}): {self.reason}"


async def _cases(session: AsyncSession, batch: int = 500) -> AsyncIterator[Case]:
    last_id = 0
    while True:
        rows = (
            await session.scalars(
                select(Case).where(col(Case.id) > last_id).order_by(col(Case.id)).limit(batch)
            )
        ).all()
        if not rows:
            return
        for case in rows:
            yield case
        last_id = rows[-1].id or last_id


async def verify_case(session: AsyncSession, case: Case) -> ChainBreak | None:
    events = (
        await session.scalars(
            select(CaseEvent).where(col(CaseEvent.case_id) == case.id).order_by(col(CaseEvent.seq))
        )
    ).all()
    prev, expected_seq = GENESIS, 1
    for event in events:
        if event.seq != expected_seq:
            return ChainBreak(case.reference, event.id, event.seq, f"expected seq {expected_seq}")
        if event.prev_hash != prev:
            return ChainBreak(case.reference, event.id, event.seq, "link to previous event broken")
        if event_hash(event) != event.hash:
            return ChainBreak(case.reference, event.id, event.seq, "row altered: hash mismatch")
        prev, expected_seq = event.hash, expected_seq + 1
    if case.last_event_seq != expected_seq - 1 or (case.last_event_hash or GENESIS) != prev:
        return ChainBreak(case.reference, None, case.last_event_seq, "events missing at the end")
    return None


async def verify_all(session: AsyncSession) -> tuple[int, ChainBreak | None]:
    """Walk every case chain; return how many cases were checked and the first break."""
    checked = 0
    async for case in _cases(session):
        checked += 1
        broken = await verify_case(session, case)
        if broken:
            return checked, broken
    return checked, None
