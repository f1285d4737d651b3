"""The deadline tick, and the deadlines a case gets when it opens, moves or reopens.

The tick reads only cases whose `next_deadline_at` has come (a partial index),
in batches, locked with SKIP LOCKED so that two workers never act on one case.
Its cost follows the number of due cases, not the size of the store.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit import append_event
from hub.deadlines import repository as repo
from hub.models import Case, Structure, utcnow
from hub.outbox.service import queue_staff_notice
from workflows import deadlines
from workflows.deadlines import Calendar, Clock, Policy, Step

if TYPE_CHECKING:
    from hub.state import HubState

_CACHE_SECONDS = 30.0


@dataclass
class Rules:
    policies: dict[tuple[str | None, str | None], Policy]
    calendar: Calendar
    at: float = field(default_factory=time.monotonic)

    def policy(self, category: str, structure: str | None) -> Policy:
        merged = {**deadlines.DEFAULT_POLICIES, **self.policies}
        return deadlines.policy_for(category, structure, merged)


_rules: dict[int, Rules] = {}


async def rules(session: AsyncSession) -> Rules:
    key = id(session.get_bind())
    found = _rules.get(key)
    if found is None or time.monotonic() - found.at > _CACHE_SECONDS:
        found = Rules(await repo.policies(session), Calendar(await repo.days_off(session)))
        _rules[key] = found
    return found


def forget_cached_rules() -> None:
    _rules.clear()


# ------------------------------------------------------------ setting deadlines


def start_clock(case: Case, policy: Policy, calendar: Calendar, since: datetime) -> None:
    """Fresh deadlines from `since` (a new case, a transfer that restarts, a reopening)."""
    case.first_response_due_at, case.due_at = deadlines.deadlines_for(since, policy, calendar)
    if case.responded_at is not None:
        case.first_response_due_at = None
    case.reminders_sent, case.overdue, case.paused_at = 0, False, None
    schedule(case, policy, can_escalate=True, since=since)


def clock_of(case: Case, can_escalate: bool, since: datetime | None = None) -> Clock:
    return Clock(
        responded=case.responded_at is not None,
        first_response_due=case.first_response_due_at,
        due=case.due_at,
        reminders_sent=case.reminders_sent,
        overdue=case.overdue,
        escalation_level=case.escalation_level,
        paused=case.paused_at is not None,
        can_escalate=can_escalate,
        since=since or case.received_at,
    )


def schedule(case: Case, policy: Policy, can_escalate: bool, since: datetime | None = None) -> None:
    step = deadlines.next_step(clock_of(case, can_escalate, since), policy)
    case.next_deadline_at = step.at if step else None


# ------------------------------------------------------------------- the tick


@dataclass
class TickReport:
    handled: int = 0
    reminders: int = 0
    overdue: int = 0
    escalated: int = 0


@dataclass
class _Digest:
    """Staff hear once per tick and structure, not once per case."""

    by_structure: dict[tuple[int, bool, str], list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, structure_id: int, sealed: bool, what: str, reference: str) -> None:
        self.by_structure[(structure_id, sealed, what)].append(reference)


async def tick(state: HubState, now: datetime | None = None, batch: int = 500) -> TickReport:
    report = TickReport()
    now = now or utcnow()
    while True:
        async with state.sessions() as session:
            handled = await _tick_batch(session, now, batch, report)
            await session.commit()
        if handled < batch:
            return report


async def _tick_batch(session: AsyncSession, now: datetime, batch: int, report: TickReport) -> int:
    cases = await repo.lock_due_cases(session, now, batch)
    if not cases:
        return 0
    current = await rules(session)
    structures = await repo.structures_by_id(session)
    digest = _Digest()
    for case in cases:
        _advance(session, case, current, structures, now, report, digest)
    await _tell_staff(session, digest, structures)
    report.handled += len(cases)
    return len(cases)


def _advance(
    session: AsyncSession,
    case: Case,
    current: Rules,
    structures: dict[int, Structure],
    now: datetime,
    report: TickReport,
    digest: _Digest,
) -> None:
    structure = structures.get(case.structure_id or -1)
    policy = current.policy(case.category, structure.code if structure else None)
    can_escalate = bool(structure and structure.parent_id) and not case.sealed
    step = deadlines.due_steps(clock_of(case, can_escalate), policy, now)
    if step is not None and structure is not None:
        _apply(session, case, step, structure, structures, report, digest)
        structure = structures.get(case.structure_id or -1)
        can_escalate = bool(structure and structure.parent_id) and not case.sealed
    schedule(case, policy, can_escalate)
    if step is None and case.next_deadline_at is not None and case.next_deadline_at <= now:
        case.next_deadline_at = None  # nothing left to do: never pick it again
    session.add(case)


def _apply(
    session: AsyncSession,
    case: Case,
    step: Step,
    structure: Structure,
    structures: dict[int, Structure],
    report: TickReport,
    digest: _Digest,
) -> None:
    assert structure.id is not None
    if step.kind == "remind":
        case.reminders_sent += 1
        report.reminders += 1
        append_event(
            session, case, "deadline_reminder", "system", {"deadline": step.at.isoformat()}
        )
        digest.add(structure.id, case.sealed, "reminder", case.reference)
    elif step.kind == "overdue":
        case.overdue = True
        report.overdue += 1
        append_event(session, case, "overdue", "system", {"structure": structure.code})
        digest.add(structure.id, case.sealed, "overdue", case.reference)
    else:
        parent = structures[structure.parent_id] if structure.parent_id else None
        if parent is None or parent.id is None:
            return
        case.structure_id, case.escalation_level = parent.id, case.escalation_level + 1
        case.escalated_at = utcnow()
        report.escalated += 1
        append_event(
            session,
            case,
            "escalated",
            "system",
            {"from": structure.code, "to": parent.code, "level": case.escalation_level},
        )
        digest.add(parent.id, case.sealed, "escalated", case.reference)
        digest.add(structure.id, case.sealed, "escalated", case.reference)


async def _tell_staff(
    session: AsyncSession, digest: _Digest, structures: dict[int, Structure]
) -> None:
    central = next((s.id for s in structures.values() if s.code == "central-bureau"), None)
    stamp = utcnow().strftime("%Y%m%d%H%M%S%f")
    for (structure_id, sealed, what), references in digest.by_structure.items():
        staff = (
            await repo.investigators(session)
            if sealed
            else await repo.staff_to_tell(session, structure_id, central)
        )
        for user in staff:
            assert user.id is not None
            queue_staff_notice(
                session,
                user=user,
                notice=f"staff_{what}",
                params={"count": len(references), "references": ", ".join(references[:20])},
                dedupe_key=f"staff:{what}:{structure_id}:{user.id}:{stamp}",
            )
