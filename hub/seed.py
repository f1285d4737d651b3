"""The default public structures and taxonomy, written idempotently after migrations."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from hub.models import Category, RoutingRule, Structure
from workflows.routing import DEFAULT_RULES
from workflows.taxonomy import CATEGORIES, STRUCTURES


async def ensure_defaults(session: AsyncSession) -> None:
    """Add the pilot structures and categories that are missing; never overwrite edits."""
    existing = {s.code: s for s in (await session.scalars(select(Structure))).all()}
    for definition in STRUCTURES:
        if definition.code not in existing:
            row = Structure(
                code=definition.code,
                aliases="\n".join(definition.aliases),
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
    await _default_rules(session, existing)
    await session.commit()


async def _default_rules(session: AsyncSession, structures: dict[str, Structure]) -> None:
    """The shipped rules, written once into an empty rule table."""
    if (await session.scalars(select(RoutingRule).limit(1))).first() is not None:
        return
    for position, rule in enumerate(DEFAULT_RULES):
        session.add(
            RoutingRule(
                position=position,
                name=rule.name,
                category=rule.category,
                kind=rule.kind,
                keywords="\n".join(rule.keywords),
                structure_id=_id(structures[rule.structure]),
            )
        )


def _id(structure: Structure) -> int:
    assert structure.id is not None, "flushed above"
    return structure.id
