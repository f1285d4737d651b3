"""Revealing who filed a corruption report: rare, written down, and seen by the supervisors."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit import append_event
from hub.cases.actions import ActionRefused, NotAllowed
from hub.models import Case, Reporter, Role, User
from hub.outbox.service import queue_staff_notice
from hub.privacy import Vault
from hub.users import supervisors

# Long enough that "x" or "ok" is not a reason anybody could later defend.
MIN_REASON = 15


@dataclass(frozen=True)
class Identity:
    name: str | None
    phone: str | None
    email: str | None
    telegram: str | None

    @property
    def recorded(self) -> bool:
        return any((self.name, self.phone, self.email, self.telegram))


async def reveal(
    session: AsyncSession, vault: Vault, user: User, case: Case, reason: str
) -> Identity:
    """The reporter's contact, for an investigator who gives a reason; on the record at once."""
    if user.role != Role.investigator or not case.sealed:
        raise NotAllowed("only the anti-corruption cell may reveal who filed a report")
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        raise ActionRefused(
            f"write why you need the reporter's identity (at least {MIN_REASON} characters)"
        )
    reporter = await session.get(Reporter, case.reporter_id) if case.reporter_id else None
    append_event(session, case, "identity_revealed", f"user:{user.id}", {"reason": reason})
    await _tell_supervisors(session, case, user, reason)
    if reporter is None:
        return Identity(None, None, None, None)
    return Identity(
        name=vault.decrypt(reporter.name_enc),
        phone=vault.decrypt(reporter.phone_enc),
        email=vault.decrypt(reporter.email_enc),
        telegram=vault.decrypt(reporter.telegram_enc),
    )


async def _tell_supervisors(session: AsyncSession, case: Case, user: User, reason: str) -> None:
    for supervisor in await supervisors(session):
        queue_staff_notice(
            session,
            user=supervisor,
            notice="staff_identity_revealed",
            params={"reference": case.reference, "who": user.email, "reason": reason},
            dedupe_key=f"reveal:{case.reference}:{case.last_event_seq}:{supervisor.id}",
        )
