"""Cases API for staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Response, status
from pydantic import BaseModel

from hub.cases import actions, duplicates, service
from hub.cases import repository as repo
from hub.cases.schemas import (
    ActionIn,
    CaseCreate,
    CaseCreated,
    CaseDetail,
    CaseFilters,
    CaseSummary,
    DuplicateOut,
    TextIn,
)
from hub.deps import CurrentUser, SessionDep, StateDep, require_roles
from hub.models import Case, Role
from hub.references import normalise_reference
from workflows import lifecycle
from workflows.lifecycle import ACTING_ROLES

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])

RECORDING_ROLES = (Role.clerk, Role.administrator, Role.supervisor, Role.officer, Role.investigator)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CaseCreated)
async def create_case(
    data: CaseCreate,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> CaseCreated:
    """Record a walk-in, phone or letter complaint. Send an `Idempotency-Key` to retry safely."""
    require_roles(user, *RECORDING_ROLES)
    attachments = service.decode_attachments(data, state.settings.max_attachment_bytes)
    result = await service.record_entry(state, session, user, data, attachments, idempotency_key)
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return await service.created_view(session, result)


@router.get("", response_model=list[CaseSummary])
async def list_cases(
    user: CurrentUser, session: SessionDep, filters: Annotated[CaseFilters, Query()]
) -> list[CaseSummary]:
    rows = await repo.list_cases(session, user, filters)
    with_text = service.reads_text(user)
    return [service.summary_view(case, code, with_text) for case, code in rows]


@router.get("/{reference}", response_model=CaseDetail)
async def get_case(
    reference: str, user: CurrentUser, session: SessionDep, state: StateDep
) -> CaseDetail:
    canonical = normalise_reference(reference, state.settings.reference_prefix)
    found = await repo.get_visible(session, user, canonical) if canonical else None
    if found is None:  # a case the user may not see does not exist for them
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no case with this reference")
    return await service.detail_view(session, user, *found)


ACTIONS = (*lifecycle.ACTIONS, "reclassify")


async def _visible_case(
    session: SessionDep, user: CurrentUser, state: StateDep, reference: str
) -> Case:
    found = await service.locked_case(session, user, reference, state.settings.reference_prefix)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no case with this reference")
    return found


async def _finish(session: SessionDep, state: StateDep) -> None:
    await service.commit(session, state)


class CaseGone(BaseModel):
    reference: str
    detail: str = "done; the case has left your queue"


@router.post(
    "/{reference}/actions/{action}",
    response_model=CaseDetail | CaseGone,
    responses={409: {}, 422: {}},
)
async def take_action(
    reference: str,
    action: str,
    details: ActionIn,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
) -> CaseDetail | CaseGone:
    """assign, start, ask_citizen, resolve, reject, transfer, merge, reopen, close, reclassify."""
    if action not in ACTIONS:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"unknown action; use one of {', '.join(ACTIONS)}"
        )
    case = await _visible_case(session, user, state, reference)
    try:
        await actions.act(
            session,
            user,
            case,
            action,
            actions.ActionDetails(
                **details.model_dump(), flag_at=state.settings.petition_flag_threshold
            ),
        )
    except lifecycle.IllegalTransition as exc:
        raise HTTPException(
            status.HTTP_409_CONFLICT, {"message": str(exc), "allowed": exc.allowed}
        ) from None
    except actions.NotAllowed as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(exc)) from None
    except actions.ActionRefused as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    await _finish(session, state)
    found = await repo.get_visible(session, user, case.reference)
    if found is None:  # transferred away or sealed by this very action
        return CaseGone(reference=case.reference)
    return await service.detail_view(session, user, *found)


@router.post("/{reference}/reply", response_model=CaseDetail)
async def reply_to_citizen(
    reference: str, body: TextIn, user: CurrentUser, session: SessionDep, state: StateDep
) -> CaseDetail:
    """Answer the citizen on their own channel."""
    require_roles(user, *ACTING_ROLES)
    case = await _visible_case(session, user, state, reference)
    await actions.reply(session, user, case, body.text)
    await _finish(session, state)
    return await service.detail_view(
        session, user, case, await repo.structure_code(session, case.structure_id)
    )


@router.post("/{reference}/notes", response_model=CaseDetail)
async def add_note(
    reference: str, body: TextIn, user: CurrentUser, session: SessionDep, state: StateDep
) -> CaseDetail:
    """An internal note: never shown to the citizen."""
    require_roles(user, *ACTING_ROLES)
    case = await _visible_case(session, user, state, reference)
    await actions.note(session, user, case, body.text)
    await _finish(session, state)
    return await service.detail_view(
        session, user, case, await repo.structure_code(session, case.structure_id)
    )


@router.get("/{reference}/duplicates", response_model=list[DuplicateOut])
async def likely_duplicates(
    reference: str, user: CurrentUser, session: SessionDep, state: StateDep
) -> list[DuplicateOut]:
    """Open cases of the same category and place with similar text (none for a monitor,
    who reads no text, as on the dashboard)."""
    canonical = normalise_reference(reference, state.settings.reference_prefix)
    visible = await repo.get_visible(session, user, canonical) if canonical else None
    if visible is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no case with this reference")
    if not service.reads_text(user):
        return []
    found = await duplicates.likely_duplicates(session, user, visible[0])
    return [
        DuplicateOut(
            reference=c.reference, status=c.status, similarity=c.similarity, summary=c.summary
        )
        for c in found
    ]
