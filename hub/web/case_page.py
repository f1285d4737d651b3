"""The case page: the whole thread, the workflow's actions, answers, notes, identity reveal."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from starlette.datastructures import FormData

from hub import attachments as files
from hub.audit import append_event
from hub.cases import actions, identity, service
from hub.cases import repository as repo
from hub.cases.duplicates import likely_duplicates
from hub.cases.schemas import ActionIn, TextIn
from hub.deps import SessionDep, StateDep
from hub.i18n import N_
from hub.models import Attachment, Case, Category, Role, Structure, User, utcnow
from hub.state import HubState
from hub.web import timeline
from hub.web.dashboard import deadline_badge
from hub.web.labels import status_label
from hub.web.rendering import PageProblem, PageRoute, Reason, page_language, render
from hub.web.reply_templates import (
    TEMPLATE_NAMES,
    WRITTEN_LANGUAGES,
    template_text,
    written_language,
)
from hub.web.security import StaffMember, check_csrf, require_role
from workflows import lifecycle

router = APIRouter(include_in_schema=False, route_class=PageRoute)

NO_SUCH_CASE = PageProblem(
    404, N_("No such case"), Reason(N_("There is no case with this reference in your queue."))
)
ACTION_LABELS = {
    "assign": N_("Assign"),
    "start": N_("Start work"),
    "ask_citizen": N_("Ask the citizen for information"),
    "resolve": N_("Resolve"),
    "reject": N_("Reject"),
    "transfer": N_("Transfer"),
    "merge": N_("Merge as duplicate"),
    "reopen": N_("Reopen"),
    "close": N_("Close"),
    "reclassify": N_("Correct the category"),
}
DONE = {
    **{name: N_("Done.") for name in ACTION_LABELS},
    "reply": N_("Your answer is on its way to the citizen."),
    "note": N_("Note added."),
}
# Photos open in the browser; anything else (a PDF) is downloaded, never run in our origin.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})


async def _case(session: AsyncSession, state: HubState, user: User, reference: str) -> Case:
    found = await service.locked_case(session, user, reference, state.settings.reference_prefix)
    if found is None:
        raise NO_SUCH_CASE
    return found


def actions_for(user: User, case: Case) -> list[str]:
    """What the workflow lets this role do to this case now."""
    if user.role == Role.clerk:
        return ["reclassify"] if lifecycle.is_open(case.status) and not case.sealed else []
    allowed = [a for a in lifecycle.allowed_actions(case.status) if lifecycle.may_act(user.role, a)]
    if lifecycle.may_act(user.role, "assign") and (
        not case.sealed or user.role == Role.investigator
    ):
        allowed.append("reclassify")
    return allowed


async def _page(
    request: Request,
    session: AsyncSession,
    user: User,
    case: Case,
    status_code: int = 200,
    notice: Reason | None = None,
    revealed: identity.Identity | None = None,
    draft: str | None = None,
) -> HTMLResponse:
    assert case.id is not None
    lang, _ = page_language(request)
    with_text = user.role != Role.monitor
    messages = await repo.messages_of(session, case.id)
    events = await repo.events_of(session, case.id)
    stored = (
        await session.scalars(select(Attachment).where(col(Attachment.case_id) == case.id))
    ).all()
    wanted = timeline.staff_ids(events, messages)
    staff = {
        u.id: u
        for u in (await session.scalars(select(User).where(col(User.id).in_(wanted)))).all()
        if u.id is not None
    }
    structure = await session.get(Structure, case.structure_id) if case.structure_id else None
    structures = (await session.scalars(select(Structure))).all()
    hidden = {int(i) for i in case.hidden_from.strip("|").split("|") if i}
    template = request.query_params.get("template")
    reply_language = request.query_params.get("reply_language") or written_language(case.language)
    if reply_language not in WRITTEN_LANGUAGES:
        reply_language = written_language(case.language)
    return render(
        request,
        "case.html",
        status_code=status_code,
        case=case,
        status=status_label(case.status),
        category=await session.get(Category, case.category),
        structure=structure,
        badge=deadline_badge(case, utcnow(), lang),
        entries=timeline.build(messages, events, stored, staff, with_text),
        with_text=with_text,
        may_write=user.role in lifecycle.ACTING_ROLES,
        actions=actions_for(user, case),
        action_labels=ACTION_LABELS,
        officers=await _assignable(session, case),
        structure_names={s.code: s for s in structures},
        transfer_targets=[
            s for s in structures if s.id != case.structure_id and s.id not in hidden
        ],
        categories=(await session.scalars(select(Category))).all(),
        duplicates=await likely_duplicates(session, user, case) if with_text else [],
        may_reveal=user.role == Role.investigator and case.sealed,
        revealed=revealed,
        notice=notice,
        done=DONE.get(request.query_params.get("done") or ""),
        templates=TEMPLATE_NAMES,
        reply_language=reply_language,
        reply_languages=WRITTEN_LANGUAGES,
        draft=draft if draft is not None else template_text(template, reply_language),
    )


async def _assignable(session: AsyncSession, case: Case) -> list[User]:
    role = Role.investigator if case.sealed else Role.officer
    query = select(User).where(col(User.is_active), col(User.role) == role)
    if not case.sealed:
        query = query.where(col(User.structure_id) == case.structure_id)
    return list((await session.scalars(query.order_by(col(User.email)))).all())


async def _read_report(session: AsyncSession, user: User, case: Case) -> None:
    """Every read of a corruption report is on the record (as in the API)."""
    if case.sealed:
        append_event(session, case, "report_read", f"user:{user.id}", {"role": user.role})
        await session.commit()


def _back(case: Case, done: str) -> RedirectResponse:
    return RedirectResponse(
        f"/dashboard/cases/{quote(case.reference)}?done={done}", status_code=303
    )


@router.get("/dashboard/cases/{reference}")
async def case_page(
    request: Request, reference: str, user: StaffMember, session: SessionDep, state: StateDep
) -> HTMLResponse:
    case = await _case(session, state, user, reference)
    await _read_report(session, user, case)
    return await _page(request, session, user, case)


@router.post("/dashboard/cases/{reference}/act")
async def act(
    request: Request, reference: str, user: StaffMember, session: SessionDep, state: StateDep
) -> Response:
    form = await request.form()
    check_csrf(request, form)
    action = str(form.get("action") or "")
    case = await _case(session, state, user, reference)
    if action not in ACTION_LABELS:
        return await _refused(request, session, user, case, 400, N_("Choose an action."))
    try:
        details = ActionIn.model_validate(
            _fields(form, ("reason", "officer", "structure", "into", "category"))
        )
        await actions.act(
            session,
            user,
            case,
            action,
            actions.ActionDetails(
                **details.model_dump(), flag_at=state.settings.petition_flag_threshold
            ),
        )
    except ValidationError as exc:
        return await _refused(request, session, user, case, 422, _first_error(exc))
    except lifecycle.IllegalTransition as exc:
        return await _refused(request, session, user, case, 409, str(exc))
    except actions.NotAllowed as exc:
        return await _refused(request, session, user, case, 403, str(exc))
    except actions.ActionRefused as exc:
        return await _refused(request, session, user, case, 422, str(exc))
    await service.commit(session, state)
    if await repo.get_visible(session, user, case.reference) is None:
        return render(request, "case_left.html", reference=case.reference)
    return _back(case, action)


@router.post("/dashboard/cases/{reference}/reply")
async def reply(
    request: Request, reference: str, user: StaffMember, session: SessionDep, state: StateDep
) -> Response:
    return await _write(request, reference, user, session, state, "reply")


@router.post("/dashboard/cases/{reference}/note")
async def note(
    request: Request, reference: str, user: StaffMember, session: SessionDep, state: StateDep
) -> Response:
    return await _write(request, reference, user, session, state, "note")


async def _write(
    request: Request, reference: str, user: User, session: AsyncSession, state: HubState, what: str
) -> Response:
    form = await request.form()
    check_csrf(request, form)
    require_role(user, lifecycle.ACTING_ROLES)
    case = await _case(session, state, user, reference)
    try:
        text = TextIn.model_validate(_fields(form, ("text",))).text
    except ValidationError:
        return await _refused(
            request,
            session,
            user,
            case,
            422,
            N_("Write a text of at most 5000 characters."),
            draft=str(form.get("text") or "")[:5000],
        )
    if what == "reply":
        await actions.reply(session, user, case, text)
    else:
        await actions.note(session, user, case, text)
    await service.commit(session, state)
    return _back(case, what)


@router.post("/dashboard/cases/{reference}/reveal")
async def reveal(
    request: Request, reference: str, user: StaffMember, session: SessionDep, state: StateDep
) -> Response:
    form = await request.form()
    check_csrf(request, form)
    case = await _case(session, state, user, reference)
    try:
        shown = await identity.reveal(
            session, state.vault, user, case, str(form.get("reason") or "")[:2000]
        )
    except actions.NotAllowed as exc:
        return await _refused(request, session, user, case, 403, str(exc))
    except actions.ActionRefused as exc:
        return await _refused(request, session, user, case, 422, str(exc))
    await service.commit(session, state)
    return await _page(request, session, user, case, revealed=shown)


@router.get("/dashboard/cases/{reference}/attachments/{attachment_id}")
async def attachment(
    reference: str, attachment_id: int, user: StaffMember, session: SessionDep, state: StateDep
) -> Response:
    if user.role == Role.monitor:
        raise NO_SUCH_CASE
    found = await service.visible_case(session, user, reference, state.settings.reference_prefix)
    item = await session.get(Attachment, attachment_id) if found else None
    if found is None or item is None or item.case_id != found[0].id:
        raise NO_SUCH_CASE
    path = files.path_for(state.settings.attachments_path, item.sha256)
    if not path.exists():
        raise NO_SUCH_CASE
    inline = item.content_type in INLINE_TYPES
    return FileResponse(
        path,
        media_type=item.content_type if inline else "application/octet-stream",
        filename=item.filename,
        content_disposition_type="inline" if inline else "attachment",
        headers={
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def _fields(form: FormData, names: tuple[str, ...]) -> dict[str, Any]:
    values = {name: str(form.get(name) or "").strip() for name in names}
    return {name: value for name, value in values.items() if value}


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"


async def _refused(
    request: Request,
    session: AsyncSession,
    user: User,
    case: Case,
    status_code: int,
    why: str,
    draft: str | None = None,
) -> HTMLResponse:
    case_id, user_id = case.id, user.id
    await session.rollback()  # whatever the refused action changed is undone
    fresh = await session.get(Case, case_id, populate_existing=True)
    staff = await session.get(User, user_id, populate_existing=True)
    assert fresh is not None and staff is not None
    return await _page(
        request,
        session,
        staff,
        fresh,
        status_code,
        Reason(N_("Not done: %(why)s"), {"why": why}),
        draft=draft,
    )
