"""Collective petitions: citizens who co-sign a case, and the count that flags it.

On SMS and Telegram a supporter is the reporter behind their address. On the web
a supporter is a browser: a random token in a cookie of its own, never a name,
a number or an address. The hub keeps only a keyed hash of that token and the
case reference, as an inbound receipt of the web channel whose unique key makes
a double click, a reload or two tabs count once. The hash is keyed with the
hub's secret and taken per case, so the stored rows name no browser and cannot
be linked to each other.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.audit import append_event
from hub.models import Case, InboundReceipt, Reporter, Supporter, utcnow
from hub.outbox.service import queue_staff_notice
from hub.privacy import Vault
from hub.users import supervisors

WEB_CHANNEL = "web"
_WEB_SUPPORT = "support:"  # external ids of web co-signatures; web reports use "web:"


async def add_supporter(
    session: AsyncSession, case: Case, reporter: Reporter, channel: str, flag_at: int | None = None
) -> bool:
    """Count a co-signer once; the reporter of the case does not co-sign their own case."""
    if reporter.id is None or reporter.id == case.reporter_id or case.id is None:
        return False
    query = select(Supporter).where(
        col(Supporter.case_id) == case.id, col(Supporter.reporter_id) == reporter.id
    )
    if (await session.scalars(query)).first() is not None:
        return False
    session.add(Supporter(case_id=case.id, reporter_id=reporter.id, channel=channel))
    case.supporters_count += 1
    append_event(
        session,
        case,
        "supporter_added",
        "citizen",
        {"channel": channel, "count": case.supporters_count},
    )
    if flag_at is not None and case.supporters_count == flag_at:
        await _flag_to_supervisors(session, case)
    return True


async def _flag_to_supervisors(session: AsyncSession, case: Case) -> None:
    append_event(
        session, case, "petition_threshold_reached", "system", {"count": case.supporters_count}
    )
    for supervisor in await supervisors(session):
        queue_staff_notice(
            session,
            user=supervisor,
            notice="staff_petition",
            params={"reference": case.reference, "count": case.supporters_count},
            dedupe_key=f"petition:{case.reference}:{supervisor.id}",
        )


def web_support_key(vault: Vault, reference: str, browser_token: str) -> str:
    """The stored identity of a web supporter of one case: a keyed hash, nothing readable."""
    digest = vault.lookup_hash("web-supporter", f"{reference}:{browser_token}")
    assert digest is not None
    return _WEB_SUPPORT + digest


async def supports_on_the_web(
    session: AsyncSession, vault: Vault, reference: str, browser_token: str | None
) -> bool:
    """Whether this browser has already co-signed this case."""
    if not browser_token:
        return False
    query = select(InboundReceipt.id).where(
        col(InboundReceipt.channel) == WEB_CHANNEL,
        col(InboundReceipt.external_id) == web_support_key(vault, reference, browser_token),
    )
    return (await session.scalars(query)).first() is not None


async def add_web_supporter(
    session: AsyncSession,
    vault: Vault,
    case: Case,
    browser_token: str,
    flag_at: int | None = None,
) -> bool:
    """Count a browser once per case; False when it was counted before.

    A sealed case (a corruption report) takes no supporters: it is refused here
    too, whatever the page showed. The caller holds the case row locked.
    """
    if case.id is None or case.sealed:
        return False
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    claimed = await session.scalar(
        insert(InboundReceipt)
        .values(
            channel=WEB_CHANNEL,
            external_id=web_support_key(vault, case.reference, browser_token),
            case_id=case.id,
            received_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(col(InboundReceipt.id))
    )
    if claimed is None:
        return False
    reporter = Reporter()  # no contact at all: a web supporter is never written to
    session.add(reporter)
    await session.flush()
    return await add_supporter(session, case, reporter, WEB_CHANNEL, flag_at)
