"""Staff actions on a case: the life cycle's transitions, replies, notes, reclassification.

Every action is the workflow engine's (workflows/lifecycle.py decides what is
allowed); this module applies it to the store, records the event and tells the
citizen (and supporters) what matters to them, on their channel.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.audit import append_event
from hub.deadlines.service import rules as deadline_rules
from hub.deadlines.service import schedule, start_clock
from hub.models import (
    Case,
    Direction,
    Message,
    Reporter,
    Role,
    Structure,
    Supporter,
    TriageCorrection,
    User,
    utcnow,
)
from hub.outbox.service import queue_notice
from hub.petitions import add_supporter
from hub.routing.service import route_case, structures_named_in
from workflows import lifecycle
from workflows.routing import ANTI_CORRUPTION_CELL, Facts
from workflows.taxonomy import CORRUPTION_REPORT, kind_for_category


class ActionRefused(ValueError):
    """The action cannot be taken with these details (422)."""


class NotAllowed(PermissionError):
    """This role may not take this action (403)."""


@dataclass(frozen=True)
class ActionDetails:
    reason: str | None = None
    officer: str | None = None  # e-mail of the officer to assign
    structure: str | None = None  # transfer target
    into: str | None = None  # merge target reference
    category: str | None = None  # reclassification
    flag_at: int | None = None  # supporters that flag a petition to supervisors


async def act(
    session: AsyncSession, user: User, case: Case, action: str, details: ActionDetails
) -> Case:
    if action == "reclassify":
        await _reclassify(session, user, case, details)
        return case
    if not lifecycle.may_act(user.role, action):
        raise NotAllowed(f"your role ({user.role}) may not {action} cases")
    new_status = lifecycle.next_status(action, case.status)  # IllegalTransition → 409
    spec = lifecycle.ACTIONS[action]
    if spec.needs_reason and not (details.reason or "").strip():
        raise ActionRefused(f"{action} needs a reason (the citizen reads it)")
    before = case.status
    extra = await _EFFECTS[action](session, user, case, details)
    case.status = new_status
    reason = " ".join(part for part in (details.reason, extra) if part)
    append_event(
        session,
        case,
        "status_changed",
        f"user:{user.id}",
        {"from": before, "to": new_status, "action": action, "reason": reason},
    )
    if spec.tells_citizen:
        await tell_citizen(session, case, "status_changed", {"status": new_status, "text": reason})
    return case


# ---------------------------------------------------------------- effects


async def _assign(
    session: AsyncSession, user: User, case: Case, details: ActionDetails
) -> str | None:
    officer = user
    if details.officer:
        found = (
            await session.scalars(select(User).where(col(User.email) == details.officer))
        ).first()
        if found is None or not found.is_active:
            raise ActionRefused(f"no staff member {details.officer}")
        officer = found
    expected = Role.investigator if case.sealed else Role.officer
    if officer.role != expected or (not case.sealed and officer.structure_id != case.structure_id):
        raise ActionRefused("assign to an officer of the structure that holds the case")
    case.officer_id = officer.id
    return None


async def _nothing(
    session: AsyncSession, user: User, case: Case, details: ActionDetails
) -> str | None:
    return None


async def _ask_citizen(
    session: AsyncSession, user: User, case: Case, details: ActionDetails
) -> str | None:
    case.paused_at = utcnow()  # the clock stops until the citizen answers
    case.next_deadline_at = None
    _first_response(case)
    return None


async def _resolve(
    session: AsyncSession, user: User, case: Case, details: ActionDetails
) -> str | None:
    case.resolved_at = utcnow()
    _stop_clock(case)
    _first_response(case)
    return None


async def _reject(
    session: AsyncSession, user: User, case: Case, details: ActionDetails
) -> str | None:
    case.rejection_reason = details.reason
    case.closed_at = utcnow()
    _stop_clock(case)
    _first_response(case)
    return None


async def _close(
    session: AsyncSession, user: User, case: Case, details: ActionDetails
) -> str | None:
    case.closed_at = utcnow()
    _stop_clock(case)
    return None


async def _reopen(
    session: AsyncSession, user: User, case: Case, details: ActionDetails
) -> str | None:
    case.resolved_at = case.closed_at = None
    current = await deadline_rules(session)
    code = await _structure_code(session, case.structure_id)
    start_clock(case, current.policy(case.category, code), current.calendar, utcnow())
    return None


async def _transfer(
    session: AsyncSession, user: User, case: Case, details: ActionDetails
) -> str | None:
    target = await _structure(session, details.structure)
    if target.id == case.structure_id:
        raise ActionRefused("the case is already with that structure")
    if case.sealed and target.code != ANTI_CORRUPTION_CELL:
        raise ActionRefused(
            "a corruption report stays with the anti-corruption cell; reclassify it first"
        )
    if f"|{target.id}|" in case.hidden_from:
        raise ActionRefused("this report names that structure: it can never be sent there")
    previous = await _structure_code(session, case.structure_id)
    case.structure_id, case.officer_id, case.escalation_level = target.id, None, 0
    current = await deadline_rules(session)
    policy = current.policy(case.category, target.code)
    if policy.restart_on_transfer:
        start_clock(case, policy, current.calendar, utcnow())
    else:
        schedule(case, policy, can_escalate=target.parent_id is not None)
    append_event(
        session, case, "transferred", f"user:{user.id}", {"from": previous, "to": target.code}
    )
    return None


async def _merge(
    session: AsyncSession, user: User, case: Case, details: ActionDetails
) -> str | None:
    """The duplicate closes; its reporter and supporters back the case that stays."""
    target = (
        await session.scalars(
            select(Case).where(col(Case.reference) == (details.into or "")).with_for_update()
        )
    ).first()
    if target is None or target.id == case.id or not lifecycle.is_open(target.status):
        raise ActionRefused("merge into another open case: give its reference in 'into'")
    if target.sealed != case.sealed:
        raise ActionRefused("a corruption report and a public complaint cannot be merged")
    case.merged_into_id, case.closed_at = target.id, utcnow()
    _stop_clock(case)
    backers = [case.reporter_id] + [
        s.reporter_id
        for s in (
            await session.scalars(select(Supporter).where(col(Supporter.case_id) == case.id))
        ).all()
    ]
    for reporter_id in backers:
        reporter = await session.get(Reporter, reporter_id) if reporter_id else None
        if reporter is not None:
            await add_supporter(session, target, reporter, case.channel, details.flag_at)
    append_event(session, target, "merged_in", f"user:{user.id}", {"duplicate": case.reference})
    return f"→ {target.reference}"


_EFFECTS = {
    "assign": _assign,
    "start": _nothing,
    "ask_citizen": _ask_citizen,
    "resolve": _resolve,
    "reject": _reject,
    "transfer": _transfer,
    "merge": _merge,
    "reopen": _reopen,
    "close": _close,
}


def case_id(case: Case) -> int:
    assert case.id is not None, "a stored case"
    return case.id


def _stop_clock(case: Case) -> None:
    case.next_deadline_at, case.overdue, case.paused_at = None, False, None


def _first_response(case: Case) -> None:
    if case.responded_at is None:
        case.responded_at = utcnow()


async def _structure(session: AsyncSession, code: str | None) -> Structure:
    found = (
        await session.scalars(select(Structure).where(col(Structure.code) == (code or "")))
    ).first()
    if found is None:
        raise ActionRefused(f"unknown structure {code!r}")
    return found


async def _structure_code(session: AsyncSession, structure_id: int | None) -> str | None:
    structure = await session.get(Structure, structure_id) if structure_id else None
    return structure.code if structure else None


# ----------------------------------------------------- reclassify, reply, note


async def _reclassify(
    session: AsyncSession, user: User, case: Case, details: ActionDetails
) -> None:
    """A corrected category is labelled data; becoming corruption seals the case at once."""
    category = details.category
    if category is None or category == case.category:
        raise ActionRefused("give the new category")
    # Clerks work the triage queue: correcting a category is their part of the workflow.
    if not (lifecycle.may_act(user.role, "assign") or user.role == Role.clerk):
        raise NotAllowed(f"your role ({user.role}) may not reclassify cases")
    if case.sealed and user.role != Role.investigator:
        raise NotAllowed("only the anti-corruption cell may unseal a report")
    first = (
        await session.scalars(
            select(Message).where(col(Message.case_id) == case.id).order_by(col(Message.id))
        )
    ).first()
    text = first.body if first else case.summary
    session.add(
        TriageCorrection(
            case_id=case_id(case),
            text=text,
            language=case.language,
            predicted=case.category,
            corrected=category,
            user_id=user.id,
        )
    )
    previous, case.category = case.category, category
    case.triage_confidence = None  # a person decided: out of the triage queue
    case.kind = kind_for_category(category)
    if case.kind == CORRUPTION_REPORT:
        await _seal(session, case, text)
    else:
        case.sealed = False  # hidden_from stays: a named structure never sees it
        decision = await route_case(
            session,
            Facts(category, case.kind, text, case.governorate, case.municipality, case.channel),
        )
        target = await _structure(session, decision.structure)
        if f"|{target.id}|" in case.hidden_from:
            target = await _structure(session, "central-bureau")
        case.structure_id = target.id
    append_event(
        session, case, "reclassified", f"user:{user.id}", {"from": previous, "to": category}
    )


async def _seal(session: AsyncSession, case: Case, text: str) -> None:
    named = await structures_named_in(session, text)
    ids = {
        s.id
        for s in (
            await session.scalars(select(Structure).where(col(Structure.code).in_(named)))
        ).all()
    }
    if case.structure_id and case.structure_id not in ids:
        ids.add(case.structure_id)  # the structure that held it must not keep it either
    cell = await _structure(session, ANTI_CORRUPTION_CELL)
    ids.discard(cell.id)
    case.sealed, case.anonymous = True, True
    case.structure_id, case.officer_id = cell.id, None
    case.hidden_from = (
        "|" + "|".join(str(i) for i in sorted(i for i in ids if i is not None)) + "|" if ids else ""
    )


async def reply(session: AsyncSession, user: User, case: Case, text: str) -> Message:
    """An answer to the citizen, sent on their channel; the first one stops the response clock."""
    message = Message(
        case_id=case_id(case),
        direction=Direction.outbound.value,
        channel=case.channel,
        body=text,
        author_id=user.id,
        for_citizen=True,
        delivery_state="queued",
    )
    session.add(message)
    await session.flush()
    was_waiting = case.responded_at is None
    _first_response(case)
    if was_waiting and case.paused_at is None and lifecycle.is_open(case.status):
        current = await deadline_rules(session)
        code = await _structure_code(session, case.structure_id)
        case.reminders_sent, case.overdue = 0, False
        schedule(
            case, current.policy(case.category, code), can_escalate=not case.sealed, since=utcnow()
        )
    append_event(session, case, "reply_queued", f"user:{user.id}", {"message_id": message.id})
    sent = await tell_citizen(session, case, "reply", {"text": text}, message_id=message.id)
    if not sent:
        message.delivery_state = "no_channel"
    return message


async def note(session: AsyncSession, user: User, case: Case, text: str) -> Message:
    message = Message(
        case_id=case_id(case),
        direction=Direction.note.value,
        channel="internal",
        body=text,
        author_id=user.id,
        for_citizen=False,
    )
    session.add(message)
    await session.flush()
    append_event(session, case, "note_added", f"user:{user.id}", {"message_id": message.id})
    return message


# ----------------------------------------------------------- telling the citizen


def reply_channel(case_channel: str, reporter: Reporter) -> str | None:
    if case_channel == "telegram" and reporter.telegram_hash:
        return "telegram"
    if case_channel == "email" and reporter.email_hash:
        return "email"
    if reporter.phone_hash and not reporter.sms_opted_out:
        return "sms"
    if reporter.email_hash:
        return "email"
    return "telegram" if reporter.telegram_hash else None


async def tell_citizen(
    session: AsyncSession,
    case: Case,
    notice: str,
    params: dict[str, object],
    message_id: int | None = None,
) -> bool:
    """The reporter, and every supporter, hear on their own channel in their language."""
    recipients: list[tuple[Reporter, str]] = []
    reporter = await session.get(Reporter, case.reporter_id) if case.reporter_id else None
    if reporter is not None:
        recipients.append((reporter, case.channel))
    supporters = (
        await session.scalars(select(Supporter).where(col(Supporter.case_id) == case.id))
    ).all()
    for supporter in supporters:
        backer = await session.get(Reporter, supporter.reporter_id)
        if backer is not None:
            recipients.append((backer, supporter.channel))
    told = False
    stamp = f"{case.last_event_seq}"
    for person, channel in recipients:
        where = reply_channel(channel, person)
        if where is None or person.id is None:
            continue
        queue_notice(
            session,
            case=case,
            channel=where,
            notice=notice,
            reporter_id=person.id,
            language=person.language or case.language,
            params={"reference": case.reference, **params},
            dedupe_key=f"{notice}:{case.reference}:{stamp}:{person.id}",
            message_id=message_id if person is reporter else None,
        )
        told = True
    return told
