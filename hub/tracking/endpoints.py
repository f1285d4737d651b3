"""Status look-up API for citizens."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel

from hub.deps import SessionDep, StateDep
from hub.tracking.service import TrackingLocked, track

router = APIRouter(prefix="/api/v1/track", tags=["tracking"])

NOT_FOUND = "no case matches this reference and PIN"


class TrackMessage(BaseModel):
    direction: str
    body: str
    created_at: datetime


class TrackOut(BaseModel):
    reference: str
    status: str
    kind: str
    category: str
    structure_code: str | None
    structure_names: dict[str, str]
    received_at: datetime
    updated_at: datetime
    due_at: datetime | None
    resolved_at: datetime | None
    supporters_count: int
    messages: list[TrackMessage]


@router.get("/{reference}", response_model=TrackOut, responses={404: {}, 429: {}})
async def track_case(
    reference: str,
    session: SessionDep,
    state: StateDep,
    pin: Annotated[str, Query(min_length=1, max_length=12)],
) -> Any:
    settings = state.settings
    try:
        found = await track(
            session,
            state.vault,
            settings.reference_prefix,
            reference[:40],
            pin,
            settings.track_max_failures,
            settings.track_lock_seconds,
        )
    except TrackingLocked as locked:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            str(locked),
            headers={"Retry-After": str(locked.retry_after)},
        ) from None
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return asdict(found)
