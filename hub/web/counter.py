"""The counter desk: a clerk records a walk-in, phone call or letter and prints a receipt."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData, UploadFile

from hub.attachments import AttachmentRejected, sniff
from hub.cases.endpoints import RECORDING_ROLES
from hub.cases.schemas import CaseCreate
from hub.cases.service import record_entry
from hub.deps import SessionDep, StateDep
from hub.i18n import N_
from hub.intake.service import IdempotencyConflict, IntakeResult
from hub.models import Category, Structure
from hub.petition import Attachment
from hub.settings import Settings
from hub.state import HubState
from hub.web.labels import ENTRY_CHANNELS
from hub.web.rendering import PageRoute, Reason, hub_state, render
from hub.web.security import StaffMember, check_csrf, require_role
from hub.web.triage import triage_hint_context
from workflows.taxonomy import GOVERNORATES

router = APIRouter(include_in_schema=False, route_class=PageRoute)

# Why a field was refused, in the clerk's words (pydantic's own text is English-only).
FIELD_REASONS = {
    "text": N_("Write down what the person reports (at most %(limit)s characters)."),
    "phone": N_(
        "This phone number is not valid. A Tunisian number has 8 digits; "
        "other countries need their + prefix."
    ),
    "email": N_("This e-mail address is not valid."),
    "name": N_("The name is too long."),
    "channel": N_("Choose how the complaint came in."),
    "category": N_("Choose a category from the list."),
    "governorate": N_("Choose a governorate from the list."),
    "municipality": N_("The municipality name is too long."),
}
FILE_REASONS = {
    413: N_("The file %(name)s is too large (%(size)s MB); the limit is %(limit)s MB per file."),
    415: N_(
        "The file %(name)s is not a photo or a PDF. Accepted are photos "
        "(JPEG, PNG, WebP, GIF, HEIC) and PDF scans."
    ),
    422: N_("The file %(name)s is empty."),
}
FILES_FIELD = "attachments"
ALREADY_RECORDED = Reason(
    N_(
        "This form was already recorded with other details. "
        "Check them and send again to record a new case."
    )
)


class FileProblem(Exception):
    """A chosen file that cannot be kept, with the HTTP status that says why."""

    def __init__(self, status_code: int, reason: Reason) -> None:
        super().__init__(reason.message)
        self.status_code = status_code
        self.reason = reason


@dataclass(frozen=True)
class CounterEntry:
    """The form as the clerk filled it in, kept as typed so a refused form comes back intact."""

    form_token: str
    channel: str = "counter"
    name: str = ""
    phone: str = ""
    email: str = ""
    anonymous: bool = False
    category: str = "other"
    governorate: str = "Le Kef"
    municipality: str = "El Kef"
    text: str = ""

    @classmethod
    def blank(cls) -> CounterEntry:
        return cls(form_token=uuid.uuid4().hex)

    @classmethod
    def from_form(cls, form: FormData) -> CounterEntry:
        def text(key: str, default: str = "") -> str:
            value = form.get(key)
            return value if isinstance(value, str) else default

        return cls(
            # A form without its token still records once: it just has no retry protection.
            form_token=text("form_token")[:64] or uuid.uuid4().hex,
            channel=text("channel", "counter"),
            name=text("name"),
            phone=text("phone"),
            email=text("email"),
            anonymous=form.get("anonymous") == "yes",
            category=text("category", "other"),
            governorate=text("governorate"),
            municipality=text("municipality"),
            text=text("text"),
        )

    def case_create(self) -> CaseCreate:
        """The entry as the API takes it; raises ValidationError with every refused field."""
        values = asdict(self)
        values.pop("form_token")
        optional = ("name", "phone", "email", "governorate", "municipality", "category")
        for key in optional:
            values[key] = values[key].strip() or None
        return CaseCreate(**values)


def field_reasons(error: ValidationError, settings: Settings) -> dict[str, Reason]:
    reasons: dict[str, Reason] = {}
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem.get("loc") else "text"
        message = FIELD_REASONS.get(field)
        reasons[field] = (
            Reason(message, {"limit": settings.max_text_chars})
            if message
            else Reason(N_("%(field)s: %(problem)s"), {"field": field, "problem": problem["msg"]})
        )
    return reasons


def megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f}".removesuffix(".0")


async def read_attachments(form: FormData, settings: Settings) -> list[Attachment]:
    """The files chosen, checked by their content; an empty file input sends one nameless part."""
    uploads = [
        item
        for item in form.getlist(FILES_FIELD)
        if isinstance(item, UploadFile) and (item.filename or item.size)
    ]
    if len(uploads) > settings.max_attachments:
        limit = {"limit": settings.max_attachments}
        raise FileProblem(422, Reason(N_("At most %(limit)s files can be attached."), limit))
    attachments = []
    for upload in uploads:
        data = await upload.read()
        name = upload.filename or "file"
        try:
            content_type = sniff(data, name, settings.max_attachment_bytes)
        except AttachmentRejected as rejected:
            values = {
                "name": name,
                "size": megabytes(len(data)),
                "limit": megabytes(settings.max_attachment_bytes),
            }
            message = FILE_REASONS.get(rejected.status_code, FILE_REASONS[415])
            reason = Reason(message, values)
            raise FileProblem(rejected.status_code, reason) from None
        attachments.append(Attachment(name, content_type, data))
    return attachments


async def categories(session: AsyncSession) -> list[Category]:
    return list((await session.scalars(select(Category).order_by(Category.position))).all())  # type: ignore[arg-type]


async def form_page(
    request: Request,
    session: AsyncSession,
    entry: CounterEntry,
    status_code: int = 200,
    errors: dict[str, Reason] | None = None,
    notice: Reason | None = None,
) -> HTMLResponse:
    settings = hub_state(request).settings
    return render(
        request,
        "counter.html",
        status_code=status_code,
        entry=entry,
        errors=errors or {},
        notice=notice,
        channels=ENTRY_CHANNELS,
        categories=await categories(session),
        governorates=GOVERNORATES,
        max_text_chars=settings.max_text_chars,
        max_attachments=settings.max_attachments,
        **await triage_hint_context(session),
    )


@router.get("/counter")
async def counter_form(request: Request, clerk: StaffMember, session: SessionDep) -> HTMLResponse:
    require_role(clerk, RECORDING_ROLES)
    return await form_page(request, session, CounterEntry.blank())


@router.post("/counter")
async def record_at_counter(
    request: Request, clerk: StaffMember, session: SessionDep, state: StateDep
) -> HTMLResponse:
    form = await request.form()
    check_csrf(request, form)
    require_role(clerk, RECORDING_ROLES)
    entry = CounterEntry.from_form(form)
    try:
        data = entry.case_create()
    except ValidationError as refused:
        return await form_page(request, session, entry, 422, field_reasons(refused, state.settings))
    try:
        attachments = await read_attachments(form, state.settings)
    except FileProblem as problem:
        errors = {FILES_FIELD: problem.reason}
        return await form_page(request, session, entry, problem.status_code, errors)
    try:
        result = await record_entry(
            state, session, clerk, data, attachments, idempotency_key=entry.form_token
        )
    except IdempotencyConflict:
        await session.rollback()
        # The clerk went back and changed a form already recorded: this is a new case, on request.
        fresh = replace(entry, form_token=uuid.uuid4().hex)
        return await form_page(request, session, fresh, 409, notice=ALREADY_RECORDED)
    return await receipt_page(request, session, state, result)


async def receipt_page(
    request: Request, session: AsyncSession, state: HubState, result: IntakeResult
) -> HTMLResponse:
    case = result.case
    category = await session.get(Category, case.category)
    structure = await session.get(Structure, case.structure_id) if case.structure_id else None
    settings = state.settings
    context: dict[str, Any] = {
        "case": case,
        "pin": result.pin,
        "replayed": result.replayed,
        "category": category,
        "structure": structure,
        "sms_number": settings.twilio_from or "—",
        "track_url": settings.public_url.rstrip("/") + "/track",
        "channel": ENTRY_CHANNELS.get(case.channel, case.channel),
        "joined": False,
        "pin_given_before": False,
        "another_href": "/counter",
        "another_label": N_("Record another complaint"),
    }
    return render(request, "receipt.html", **context)
