"""Days off and deadline policies, for administrators."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from hub.deadlines import calendar as days
from hub.deadlines.service import forget_cached_rules
from hub.deps import CurrentUser, SessionDep, require_roles
from hub.models import DayOff, DeadlinePolicy, Role, Structure
from workflows.taxonomy import CATEGORY_CODES

router = APIRouter(prefix="/api/v1", tags=["deadlines"])


class DayOffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # A typo such as 0026-03-20 is a 422; midnight of 0001-01-01 in Tunis has no UTC datetime.
    day: date = Field(ge=date(2000, 1, 1), le=date(2999, 12, 31))
    reason: str = Field(min_length=1, max_length=200)


class DayOffOut(DayOffIn):
    cases_moved: int = 0


class PolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: str | None = None
    structure: str | None = None
    first_response_days: int = Field(ge=1, le=365)
    resolution_days: int = Field(ge=1, le=730)
    # Days before each deadline: 0 or less would remind after it, and a huge number overflows.
    reminder_days: list[Annotated[int, Field(ge=1, le=730)]] = Field(
        default_factory=lambda: [2], max_length=5
    )
    escalation_grace_days: int = Field(default=2, ge=0, le=90)
    restart_on_transfer: bool = False
    reopen_window_days: int = Field(default=15, ge=0, le=365)
    working_days: bool = True


@router.get("/calendar/days-off", response_model=list[DayOffIn])
async def list_days_off(user: CurrentUser, session: SessionDep) -> list[DayOffIn]:
    rows = (await session.scalars(select(DayOff).order_by(col(DayOff.day)))).all()
    return [DayOffIn(day=r.day, reason=r.reason) for r in rows]


@router.post("/calendar/days-off", response_model=DayOffOut, status_code=201)
async def add_day_off(body: DayOffIn, user: CurrentUser, session: SessionDep) -> DayOffOut:
    """Add a day off; open deadlines that span it move on by one working day (logged)."""
    require_roles(user, Role.administrator)
    if await session.get(DayOff, body.day) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"{body.day} is already a day off")
    moved = await days.add_day_off(session, body.day, body.reason, user)
    forget_cached_rules()
    return DayOffOut(day=body.day, reason=body.reason, cases_moved=moved)


@router.delete("/calendar/days-off/{day}", response_model=DayOffOut)
async def remove_day_off(day: date, user: CurrentUser, session: SessionDep) -> DayOffOut:
    """Remove a day off; deadlines move back one working day, but never into the past."""
    require_roles(user, Role.administrator)
    row = await session.get(DayOff, day)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{day} is not a day off")
    reason = row.reason
    moved = await days.remove_day_off(session, row, user)
    forget_cached_rules()
    return DayOffOut(day=day, reason=reason, cases_moved=moved)


@router.put("/deadline-policies", response_model=list[PolicyIn])
async def save_policy(body: PolicyIn, user: CurrentUser, session: SessionDep) -> list[PolicyIn]:
    """Set the policy of a category (and optionally one structure); applies to new deadlines."""
    require_roles(user, Role.administrator)
    if body.category is not None and body.category not in CATEGORY_CODES:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"unknown category {body.category!r}"
        )
    if body.first_response_days > body.resolution_days:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "the first response cannot come after the resolution",
        )
    structure_id = None
    if body.structure is not None:
        structure_id = await session.scalar(
            select(col(Structure.id)).where(col(Structure.code) == body.structure)
        )
        if structure_id is None:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, f"unknown structure {body.structure!r}"
            )
    row = (
        await session.scalars(
            select(DeadlinePolicy).where(
                col(DeadlinePolicy.category) == body.category
                if body.category
                else col(DeadlinePolicy.category).is_(None),
                col(DeadlinePolicy.structure_id) == structure_id
                if structure_id
                else col(DeadlinePolicy.structure_id).is_(None),
            )
        )
    ).first() or DeadlinePolicy(first_response_days=1, resolution_days=1)
    row.category, row.structure_id = body.category, structure_id
    row.first_response_days, row.resolution_days = body.first_response_days, body.resolution_days
    row.reminder_days = ",".join(str(d) for d in body.reminder_days)
    row.escalation_grace_days, row.restart_on_transfer = (
        body.escalation_grace_days,
        body.restart_on_transfer,
    )
    row.reopen_window_days, row.working_days = body.reopen_window_days, body.working_days
    session.add(row)
    await session.commit()
    forget_cached_rules()
    return await list_policies(user, session)


@router.get("/deadline-policies", response_model=list[PolicyIn])
async def list_policies(user: CurrentUser, session: SessionDep) -> list[PolicyIn]:
    codes = {s.id: s.code for s in (await session.scalars(select(Structure))).all()}
    return [
        PolicyIn(
            category=r.category,
            structure=codes.get(r.structure_id) if r.structure_id else None,
            first_response_days=r.first_response_days,
            resolution_days=r.resolution_days,
            reminder_days=[int(d) for d in r.reminder_days.split(",") if d.strip()],
            escalation_grace_days=r.escalation_grace_days,
            restart_on_transfer=r.restart_on_transfer,
            reopen_window_days=r.reopen_window_days,
            working_days=r.working_days,
        )
        for r in (await session.scalars(select(DeadlinePolicy))).all()
    ]
