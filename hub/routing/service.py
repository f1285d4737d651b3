"""Routing at intake, and administrators' changes to rules and the hierarchy."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from hub.models import Structure
from hub.routing import repository as repo
from workflows.routing import Decision, Facts, Problem, Rule, check_rules, decide, named_structures
from workflows.taxonomy import CATEGORY_CODES

_CACHE_SECONDS = 30.0


@dataclass
class _Snapshot:
    at: float
    rules: list[Rule]
    defaults: dict[str, str]
    names: dict[str, list[str]]
    structures: dict[str, Structure]


_snapshots: dict[int, _Snapshot] = {}


async def _snapshot(session: AsyncSession) -> _Snapshot:
    """Rules change rarely and are read on every intake: keep them a few seconds."""
    key = id(session.get_bind())
    found = _snapshots.get(key)
    if found is None or time.monotonic() - found.at > _CACHE_SECONDS:
        found = _Snapshot(
            time.monotonic(),
            await repo.rules(session),
            await repo.category_defaults(session),
            await repo.structure_names(session),
            {s.code: s for s in await repo.structures(session)},
        )
        _snapshots[key] = found
    return found


def forget_cached_rules() -> None:
    _snapshots.clear()


async def route_case(session: AsyncSession, facts: Facts) -> Decision:
    snapshot = await _snapshot(session)
    return decide(facts, snapshot.rules, snapshot.defaults)


async def structure_by_code(session: AsyncSession, code: str) -> Structure:
    """A structure by its code, from the cached snapshot (a detached copy: read only)."""
    found = (await _snapshot(session)).structures.get(code)
    if found is None:
        raise LookupError(f"no structure {code!r}")
    return found


async def structures_named_in(session: AsyncSession, text: str) -> set[str]:
    return named_structures(text, (await _snapshot(session)).names)


class RoutingRefused(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"rule {p.rule_index + 1}: {p.message}" for p in problems))


async def save_rules(session: AsyncSession, rules: list[Rule]) -> None:
    structures = [s.code for s in await repo.structures(session)]
    problems = check_rules(rules, structures, CATEGORY_CODES)
    if problems:
        raise RoutingRefused(problems)
    await repo.replace_rules(session, rules)
    await session.commit()
    forget_cached_rules()


async def set_parent(session: AsyncSession, structure: Structure, parent_code: str | None) -> None:
    hierarchy = await repo.hierarchy(session)
    codes = {s.code: s for s in await repo.structures(session)}
    if parent_code is not None and parent_code not in codes:
        raise RoutingRefused([Problem(0, f"unknown structure {parent_code!r}")])
    if hierarchy.would_cycle(structure.code, parent_code):
        raise RoutingRefused(
            [Problem(0, f"{parent_code} is below {structure.code}: the hierarchy would loop")]
        )
    structure.parent_id = codes[parent_code].id if parent_code else None
    session.add(structure)
    await session.commit()
    forget_cached_rules()
