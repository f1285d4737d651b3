"""Cases API for staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Response, status

from hub.cases import repository as repo
from hub.cases import service
from hub.cases.schemas import CaseCreate, CaseCreated, CaseDetail, CaseFilters, CaseSummary
from hub.deps import CurrentUser, SessionDep, StateDep, require_roles
from hub.models import Role
from hub.references import normalise_reference

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
    return [service.summary_view(case, code) for case, code in rows]


@router.get("/{reference}", response_model=CaseDetail)
async def get_case(
    reference: str, user: CurrentUser, session: SessionDep, state: StateDep
) -> CaseDetail:
    canonical = normalise_reference(reference, state.settings.reference_prefix)
    found = await repo.get_visible(session, user, canonical) if canonical else None
    if found is None:  # a case the user may not see does not exist for them
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no case with this reference")
    return await service.detail_view(session, user, *found)
