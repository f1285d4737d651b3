"""What the pages need to show the triage suggestion as the person types (see app.js)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.routing import repository as routing_repo
from hub.web.labels import KIND_LABELS


async def triage_hint_context(session: AsyncSession) -> dict[str, Any]:
    """The structures, whose names the hint shows in the page language."""
    return {
        "hint_structures": list(await routing_repo.structures(session)),
        "hint_kinds": KIND_LABELS,
    }
