"""The citizen's own web form: file a complaint or a corruption report without signing in."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from hub.contacts import InvalidContact, normalise_email, parse_phone
from hub.deps import SessionDep, StateDep
from hub.i18n import N_
from hub.intake.conversation import Reception, receive
from hub.models import Case, Category, Structure
from hub.petition import Channel, KindHint, Location, Petition
from hub.ratelimit import FixedWindowLimiter
from hub.settings import Settings
from hub.state import HubState
from hub.web.counter import FILES_FIELD, FileProblem, categories, read_attachments
from hub.web.labels import RECEIPT_CHANNELS
from hub.web.rendering import PageProblem, PageRoute, Reason, hub_state, render
from hub.web.security import Visitor, check_csrf
from hub.web.triage import triage_hint_context
from workflows.taxonomy import GOVERNORATES

router = APIRouter(include_in_schema=False, route_class=PageRoute)

# A field no person sees or fills: a robot that fills every input gives itself away.
HONEYPOT = "website"
RATE_PURPOSE = "web-report"
HOUR = 3600.0
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

REPORT_REASONS = {
    "text": N_("Describe the problem (at most %(limit)s characters)."),
    "phone": N_(
        "This phone number is not valid. A Tunisian number has 8 digits; "
        "other countries need their + prefix."
    ),
    "email": N_("This e-mail address is not valid."),
    "name": N_("The name is too long."),
    "category": N_("Choose a category from the list."),
    "governorate": N_("Choose a governorate from the list."),
    "municipality": N_("The municipality name is too long."),
}
TRAPPED = Reason(
    N_(
        "This form could not be accepted. Reload the page, fill in only the visible "
        "fields and send it again."
    )
)
TOO_MANY = N_(
    "Too many reports were sent from this connection. Try again in %(minutes)s minutes; "
    "what you wrote is kept below."
)


@dataclass(frozen=True)
class ReportEntry:
    """The form as the citizen filled it in, kept as typed so a refused form comes back intact."""

    form_token: str
    name: str = ""
    phone: str = ""
    email: str = ""
    anonymous: bool = False
    corruption: bool = False
    category: str = ""  # empty: "I don't know", triage decides
    governorate: str = "Le Kef"
    municipality: str = "El Kef"
    text: str = ""

    @classmethod
    def blank(cls) -> ReportEntry:
        return cls(form_token=uuid.uuid4().hex)

    @classmethod
    def from_form(cls, form: FormData) -> ReportEntry:
        def text(key: str) -> str:
            value = form.get(key)
            return value if isinstance(value, str) else ""

        return cls(
            form_token=_token(text("form_token")),
            name=text("name"),
            phone=text("phone"),
            email=text("email"),
            anonymous=form.get("anonymous") == "yes",
            corruption=form.get("corruption") == "yes",
            category=text("category"),
            governorate=text("governorate"),
            municipality=text("municipality"),
            text=text("text"),
        )


def _token(sent: str) -> str:
    """The idempotency key: a uuid drawn with the form; anything else gets a fresh one."""
    try:
        return uuid.UUID(sent).hex
    except ValueError:
        return uuid.uuid4().hex


def check_entry(
    entry: ReportEntry, settings: Settings, category_codes: set[str]
) -> tuple[dict[str, Reason], str | None]:
    """Why fields are refused (empty when none), and the phone number in E.164 form."""
    errors: dict[str, Reason] = {}
    text = entry.text.strip()
    if not text or len(text) > settings.max_text_chars:
        errors["text"] = Reason(REPORT_REASONS["text"], {"limit": settings.max_text_chars})
    phone = None
    if entry.phone.strip():
        try:
            phone = parse_phone(entry.phone.strip())
        except InvalidContact:
            errors["phone"] = Reason(REPORT_REASONS["phone"])
    email = entry.email.strip()
    if email and (len(email) > 254 or not EMAIL.match(email)):
        errors["email"] = Reason(REPORT_REASONS["email"])
    if len(entry.name.strip()) > 200:
        errors["name"] = Reason(REPORT_REASONS["name"])
    if entry.category and entry.category not in category_codes:
        errors["category"] = Reason(REPORT_REASONS["category"])
    if entry.governorate and entry.governorate not in GOVERNORATES:
        errors["governorate"] = Reason(REPORT_REASONS["governorate"])
    if len(entry.municipality.strip()) > 100:
        errors["municipality"] = Reason(REPORT_REASONS["municipality"])
    return errors, phone


def report_limiter(request: Request, settings: Settings) -> FixedWindowLimiter:
    """One limiter per app, made on first use (a test app with other settings gets its own)."""
    limiter: FixedWindowLimiter | None = getattr(request.app.state, "report_limiter", None)
    if limiter is None:
        limiter = FixedWindowLimiter(settings.report_rate_limit_per_hour, HOUR)
        request.app.state.report_limiter = limiter
    return limiter


async def form_page(
    request: Request,
    session: AsyncSession,
    entry: ReportEntry,
    status_code: int = 200,
    errors: dict[str, Reason] | None = None,
    notice: Reason | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    settings = hub_state(request).settings
    return render(
        request,
        "report.html",
        status_code=status_code,
        headers=headers,
        entry=entry,
        errors=errors or {},
        notice=notice,
        categories=await categories(session),
        governorates=GOVERNORATES,
        max_text_chars=settings.max_text_chars,
        max_attachments=settings.max_attachments,
        honeypot=HONEYPOT,
        **await triage_hint_context(session),
    )


@router.get("/report")
async def report_form(request: Request, visitor: Visitor, session: SessionDep) -> HTMLResponse:
    return await form_page(request, session, ReportEntry.blank())


@router.post("/report")
async def file_report(
    request: Request, visitor: Visitor, session: SessionDep, state: StateDep
) -> HTMLResponse:
    form = await request.form()
    check_csrf(request, form)
    trap = form.get(HONEYPOT)
    if isinstance(trap, str) and trap.strip():
        # Nothing is stored. A refusal rather than a fake receipt: a person whose browser
        # filled the hidden field by mistake must not leave with a reference that never works.
        raise PageProblem(400, N_("The form could not be sent"), TRAPPED)
    entry = ReportEntry.from_form(form)
    codes = {c.code for c in await categories(session)}
    errors, phone = check_entry(entry, state.settings, codes)
    if errors:
        return await form_page(request, session, entry, 422, errors)
    try:
        attachments = await read_attachments(form, state.settings)
    except FileProblem as problem:
        errors = {FILES_FIELD: problem.reason}
        return await form_page(request, session, entry, problem.status_code, errors)
    address = request.client.host if request.client else "unknown"
    retry_after = report_limiter(request, state.settings).hit(RATE_PURPOSE, address)
    if retry_after is not None:
        notice = Reason(TOO_MANY, {"minutes": max(1, -(-retry_after // 60))})
        headers = {"Retry-After": str(retry_after)}
        return await form_page(request, session, entry, 429, notice=notice, headers=headers)
    petition = Petition(
        channel=Channel.web,
        external_id=f"web:{entry.form_token}",
        text=entry.text.strip(),
        sender=None,
        phone=phone,
        email=normalise_email(entry.email.strip() or None),
        name=entry.name.strip() or None,
        anonymous=entry.anonymous or entry.corruption,
        kind_hint=KindHint.corruption_report if entry.corruption else None,
        category_hint=entry.category or None,
        location=Location(entry.governorate or None, entry.municipality.strip() or None),
        attachments=tuple(attachments),
    )
    # receive() writes in its own session: end this request's read first (SQLite locks on it).
    await session.rollback()
    reception = await receive(state, petition)
    return await receipt_page(request, session, state, reception)


async def receipt_page(
    request: Request, session: AsyncSession, state: HubState, reception: Reception
) -> HTMLResponse:
    case = (await session.scalars(select(Case).where(Case.reference == reception.reference))).one()  # type: ignore[arg-type]
    category = await session.get(Category, case.category)
    structure = await session.get(Structure, case.structure_id) if case.structure_id else None
    settings = state.settings
    context: dict[str, Any] = {
        "case": case,
        "pin": reception.pin,
        "replayed": reception.outcome == "replayed",
        "joined": reception.outcome == "joined",
        "pin_given_before": reception.outcome == "replayed" and reception.pin is None,
        "category": category,
        "structure": structure,
        "sms_number": settings.twilio_from or "—",
        "track_url": settings.public_url.rstrip("/") + "/track",
        "channel": RECEIPT_CHANNELS.get(case.channel, case.channel),
        "another_href": "/report",
        "another_label": N_("Report another problem"),
    }
    return render(request, "receipt.html", **context)
