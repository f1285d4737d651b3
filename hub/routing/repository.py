"""SQL of routing: rules, category defaults, the structure hierarchy and names."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.models import Category, RoutingRule, Structure
from workflows.routing import Hierarchy, Rule


async def structures(session: AsyncSession) -> Sequence[Structure]:
    return (await session.scalars(select(Structure).order_by(col(Structure.id)))).all()


async def rules(session: AsyncSession) -> list[Rule]:
    codes = {s.id: s.code for s in await structures(session)}
    rows = (
        await session.scalars(
            select(RoutingRule).where(col(RoutingRule.active)).order_by(col(RoutingRule.position))
        )
    ).all()
    return [
        Rule(
            id=row.id,
            structure=codes[row.structure_id],
            name=row.name,
            category=row.category,
            kind=row.kind,
            keywords=tuple(k for k in row.keywords.splitlines() if k.strip()),
            governorate=row.governorate,
            municipality=row.municipality,
            channel=row.channel,
        )
        for row in rows
    ]


async def replace_rules(session: AsyncSession, new_rules: Sequence[Rule]) -> None:
    ids = {s.code: s.id for s in await structures(session)}
    await session.execute(delete(RoutingRule))
    for position, rule in enumerate(new_rules):
        session.add(
            RoutingRule(
                position=position,
                name=rule.name or f"rule {position + 1}",
                category=rule.category,
                kind=rule.kind,
                keywords="\n".join(rule.keywords),
                governorate=rule.governorate,
                municipality=rule.municipality,
                channel=rule.channel,
                structure_id=ids[rule.structure],  # type: ignore[arg-type]
            )
        )


async def category_defaults(session: AsyncSession) -> dict[str, str]:
    codes = {s.id: s.code for s in await structures(session)}
    return {c.code: codes[c.structure_id] for c in (await session.scalars(select(Category))).all()}


async def hierarchy(session: AsyncSession) -> Hierarchy:
    rows = await structures(session)
    codes = {s.id: s.code for s in rows}
    return Hierarchy({s.code: codes.get(s.parent_id) if s.parent_id else None for s in rows})


async def structure_names(session: AsyncSession) -> dict[str, list[str]]:
    return {
        s.code: [s.name_ar, s.name_fr, s.name_en, *s.aliases.splitlines()]
        for s in await structures(session)
    }
