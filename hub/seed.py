"""The default public structures and taxonomy, written idempotently after migrations."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from hub.models import Category, Structure
from workflows.taxonomy import CATEGORIES, STRUCTURES


async def ensure_defaults(session: AsyncSession) -> None:
    """Add the pilot structures and categories that are missing; never overwrite edits."""
    existing = {s.code: s for s in (await session.scalars(select(Structure))).all()}
    for definition in STRUCTURES:
        if definition.code not in existing:
            row = Structure(
                code=definition.code,
                level=definition.level,
                name_ar=definition.name_ar,
                name_fr=definition.name_fr,
                name_en=definition.name_en,
            )
            session.add(row)
            existing[definition.code] = row
    await session.flush()
    for definition in STRUCTURES:
        row = existing[definition.code]
        if definition.parent and row.parent_id is None:
            row.parent_id = existing[definition.parent].id
            session.add(row)
    categories = {c.code for c in (await session.scalars(select(Category))).all()}
    for position, category in enumerate(CATEGORIES):
        if category.code not in categories:
            session.add(
                Category(
                    code=category.code,
                    name_ar=category.name_ar,
                    name_fr=category.name_fr,
                    name_en=category.name_en,
                    structure_id=_id(existing[category.structure]),
                    position=position,
                )
            )
    await session.commit()


def _id(structure: Structure) -> int:
    assert structure.id is not None, "flushed above"
    return structure.id
