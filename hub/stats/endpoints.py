"""Public statistics as open data: JSON and CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from hub.deps import SessionDep
from hub.stats.service import statistics

router = APIRouter(prefix="/api/v1", tags=["statistics"])

CSV_COLUMNS = (
    "structure",
    "category",
    "channel",
    "month",
    "received",
    "answered",
    "resolved",
    "overdue",
    "median_hours_to_first_response",
    "median_hours_to_resolution",
    "share_answered_on_time",
)

Count = int | str


class StatsRow(BaseModel):
    structure: str
    category: str
    channel: str
    month: str
    received: Count = Field(description='a count, or "<5" when small enough to identify someone')
    answered: Count
    resolved: Count
    overdue: Count
    median_hours_to_first_response: float | None
    median_hours_to_resolution: float | None
    share_answered_on_time: float | None


class StructureStats(BaseModel):
    structure: str
    received: Count
    answered: Count
    resolved: Count
    overdue: Count
    share_answered_on_time: float | None
    ranked: bool = Field(description="ranked only with enough cases to be fair")
    rank: int | None


class CorruptionTotal(BaseModel):
    month: str
    received: Count
    resolved: Count


class StatsOut(BaseModel):
    generated_at: datetime = Field(description="when these figures were computed")
    fresh_for_seconds: int
    totals: dict[str, Any]
    structures: list[StructureStats]
    rows: list[StatsRow]
    corruption_reports: list[CorruptionTotal] = Field(description="monthly totals only")


@router.get("/stats", response_model=StatsOut)
async def stats_json(session: SessionDep) -> StatsOut:
    """Per public structure, category, channel and month; counts under 5 shown as "<5"."""
    found = await statistics(session)
    return StatsOut.model_validate(found, from_attributes=True)


@router.get("/stats.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def stats_csv(session: SessionDep) -> Response:
    """The same rows as CSV (UTF-8), one line per structure, category, channel and month."""
    found = await statistics(session)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(found.rows)
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="petition-hub-statistics.csv"',
            "X-Generated-At": found.generated_at.isoformat(),
        },
    )
