"""The staff dashboard: each role's queue, its filters and search, and the CSV export of a view."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.cases import repository as repo
from hub.cases.schemas import CHANNELS, STATUS_GROUPS, QueueFilters
from hub.deps import SessionDep, StateDep
from hub.i18n import N_, Language
from hub.models import Case, Category, Role, Structure, User, utcnow
from hub.web.labels import STATUS_LABELS, status_label
from hub.web.rendering import PageProblem, PageRoute, Reason, page_language, render
from hub.web.security import StaffMember
from workflows.lifecycle import STATUSES, is_open

router = APIRouter(include_in_schema=False, route_class=PageRoute)

QUEUE_TITLES = {
    Role.officer: N_("Cases of your structure"),
    Role.investigator: N_("Corruption reports"),
    Role.supervisor: N_("Overdue and escalated cases"),
    Role.clerk: N_("Cases to triage"),
    Role.monitor: N_("Cases (anonymised)"),
    Role.administrator: N_("All cases"),
}
STATUS_GROUP_LABELS = {"open": N_("Open"), "closed": N_("Closed"), "all": N_("All")}
SORT_LABELS = {
    "deadline": N_("Deadline first"),
    "newest": N_("Newest first"),
    "oldest": N_("Oldest first"),
    "supporters": N_("Most supporters"),
}
SOON = timedelta(days=2)
EXPORT_PAGE = 500
EXPORT_LIMIT = 50_000  # a view larger than this is a job for the statistics, not a spreadsheet
EXPORT_COLUMNS = (
    "reference",
    "status",
    "kind",
    "category",
    "structure",
    "channel",
    "language",
    "received_at",
    "first_response_due_at",
    "due_at",
    "overdue",
    "escalation_level",
    "supporters",
    "summary",
)


@dataclass(frozen=True)
class Badge:
    text: str
    tone: str  # overdue, soon, due, paused: a CSS class


def pending_deadline(case: Case) -> datetime | None:
    """The answer the structure owes next: the first response, then the resolution."""
    return case.first_response_due_at if case.responded_at is None else case.due_at


def deadline_badge(case: Case, now: datetime, lang: Language) -> Badge | None:
    if not is_open(case.status):
        return None
    if case.paused_at is not None:
        return Badge(lang.gettext(N_("Waiting for the citizen")), "paused")
    due = pending_deadline(case)
    if due is None:
        return None
    if due <= now:
        return Badge(lang.gettext(N_("Overdue by %(span)s"), span=lang.span(now - due)), "overdue")
    tone = "soon" if due - now <= SOON else "due"
    return Badge(lang.gettext(N_("Due in %(span)s"), span=lang.span(due - now)), tone)


def read_filters(request: Request) -> QueueFilters:
    """The view's filters from the address; a bad one is a 400 that says which and why."""
    given = {
        key: value
        for key, value in request.query_params.items()
        if key != "lang" and value.strip() != ""
    }
    try:
        return QueueFilters.model_validate(given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'filters'}: {error['msg']}"
            for error in exc.errors()
        )
        raise PageProblem(
            400,
            N_("These filters cannot be used"),
            Reason(
                N_("Correct the address or reset the filters. %(problems)s"), {"problems": problems}
            ),
        ) from None


def query_of(filters: QueueFilters, **changes: Any) -> str:
    values = filters.model_dump(exclude_defaults=True, mode="json") | changes
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


async def _names(session: AsyncSession) -> tuple[dict[str, Category], dict[str, Structure]]:
    categories = {c.code: c for c in (await session.scalars(select(Category))).all()}
    structures = {s.code: s for s in (await session.scalars(select(Structure))).all()}
    return categories, structures


CHANNEL_NAMES = {
    "sms": N_("SMS"),
    "telegram": N_("Telegram"),
    "email_out": N_("E-mail out"),
    "email_in": N_("E-mail in"),
}


@router.get("/dashboard")
async def dashboard(
    request: Request, user: StaffMember, session: SessionDep, state: StateDep
) -> HTMLResponse:
    filters = read_filters(request)
    page = await repo.queue(session, user, filters)
    ids = [case.id for case, _ in page.rows if case.id is not None]
    hints = await repo.duplicate_hints(session, user, ids) if user.role != Role.monitor else {}
    categories, structures = await _names(session)
    lang, _ = page_language(request)
    now = utcnow()
    rows = [
        {
            "case": case,
            "status": status_label(case.status),
            "category": categories.get(case.category),
            "structure": structures.get(code) if code else None,
            "badge": deadline_badge(case, now, lang),
            "duplicates": hints.get(case.id or 0, []),
        }
        for case, code in page.rows
    ]
    return render(
        request,
        "dashboard.html",
        title=QUEUE_TITLES.get(Role(user.role), N_("Cases")),
        rows=rows,
        filters=filters,
        shows_text=user.role != Role.monitor,
        categories=sorted(categories.values(), key=lang.name_of),
        structures=sorted(structures.values(), key=lang.name_of),
        channels=CHANNELS,
        statuses=[(code, STATUS_GROUP_LABELS[code]) for code in STATUS_GROUPS]
        + [(code, STATUS_LABELS[code]) for code in STATUSES],
        sorts=SORT_LABELS,
        previous_page=query_of(filters, page=filters.page - 1) if filters.page > 1 else None,
        next_page=query_of(filters, page=filters.page + 1) if page.has_more else None,
        export_query=query_of(filters, page=None),
        channel_states=[
            (CHANNEL_NAMES[name], on == "on")
            for name, on in state.settings.channel_status().items()
        ],
    )


@router.get("/dashboard/export.csv")
async def export(request: Request, user: StaffMember, session: SessionDep) -> StreamingResponse:
    """The rows of the current view, every page of it; never a reporter's identity."""
    filters = read_filters(request)
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return StreamingResponse(
        _csv_rows(session, user, filters),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="cases-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )


async def _csv_rows(session: AsyncSession, user: User, filters: QueueFilters) -> AsyncIterator[str]:
    columns = EXPORT_COLUMNS if user.role != Role.monitor else EXPORT_COLUMNS[:-1]
    yield "\ufeff" + _csv_line(columns)  # the mark lets spreadsheet programs read Arabic right
    for number in range(1, EXPORT_LIMIT // EXPORT_PAGE + 1):
        page = await repo.queue(
            session, user, filters.model_copy(update={"page": number}), page_size=EXPORT_PAGE
        )
        for case, code in page.rows:
            yield _csv_line(_export_row(case, code)[: len(columns)])
        if not page.has_more:
            return


def _export_row(case: Case, structure: str | None) -> tuple[object, ...]:
    return (
        case.reference,
        case.status,
        case.kind,
        case.category,
        structure or "",
        case.channel,
        case.language or "",
        _iso(case.received_at),
        _iso(case.first_response_due_at),
        _iso(case.due_at),
        int(case.overdue),
        case.escalation_level,
        case.supporters_count,
        _spreadsheet_safe(case.summary),
    )


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _spreadsheet_safe(text: str) -> str:
    """A citizen's words must not become a formula when the file is opened (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_line(values: tuple[object, ...]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()
