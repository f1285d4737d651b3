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


def _digest(fields: dict[str, Any]) -> str:
    hashed = {name: fields[name] for name in HASHED}
    hashed["created_at"] = hashed["created_at"].isoformat(timespec="microseconds")
    canonical = json.dumps(
        hashed,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _next_row(case: Case, kind: str, actor: str, data: dict[str, Any] | None) -> dict[str, Any]:
    """The next event's columns, hash included; moves the case's chain head onto it."""
    assert case.id is not None
    row: dict[str, Any] = {
        "case_id": case.id,
        "seq": case.last_event_seq + 1,
        "kind": kind,
        "actor": actor,
        "data": json.dumps(data or {}, sort_keys=True, ensure_ascii=False),
        "created_at": utcnow(),
        "prev_hash": case.last_event_hash or GENESIS,
    }
    row["hash"] = _digest(row)
    case.last_event_seq, case.last_event_hash = row["seq"], row["hash"]
    case.updated_at = row["created_at"]
    return row


def append_event(
    session: AsyncSession, case: Case, kind: str, actor: str, data: dict[str, Any] | None = None
) -> CaseEvent:
    """Add the next event of a case. The caller holds the case row (locked for update)."""
    event = CaseEvent(**_next_row(case, kind, actor, data))
    session.add(event)
    session.add(case)
    return event


def chain_rows(case: Case, entries: list[Entry]) -> list[dict[str, Any]]:
    """Rows of a case's next events, chained in order, to be written in one INSERT.

    Only the case object's chain head moves: the caller writes the rows and the head
    (a new case does it once for all its intake events instead of once per event).
    """
    return [_next_row(case, kind, actor, data) for kind, actor, data in entries]


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
