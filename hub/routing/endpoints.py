"""Routing rules and the structure hierarchy, for administrators."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select

from hub.deps import CurrentUser, SessionDep, require_roles
from hub.models import Role, Structure
from hub.routing import repository as repo
from hub.routing.service import RoutingRefused, save_rules, set_parent
from workflows.routing import Rule

router = APIRouter(prefix="/api/v1", tags=["routing"])


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="", max_length=200)
    structure: str = Field(max_length=64)
    category: str | None = Field(default=None, max_length=40)
    kind: str | None = Field(default=None, max_length=30)
    keywords: list[str] = Field(default_factory=list, max_length=100)
    governorate: str | None = Field(default=None, max_length=60)
    municipality: str | None = Field(default=None, max_length=100)
    channel: str | None = Field(default=None, max_length=20)


class RuleOut(RuleIn):
    position: int


class StructureOut(BaseModel):
    code: str
    level: str
    parent: str | None
    name_ar: str
    name_fr: str
    name_en: str
    aliases: list[str]


class StructureChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    parent: str | None = None
    aliases: list[str] | None = Field(default=None, max_length=50)


def _refused(exc: RoutingRefused) -> HTTPException:
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        {
            "message": "refused: this would break routing",
            "problems": [{"rule": p.rule_index + 1, "reason": p.message} for p in exc.problems],
        },
    )


@router.get("/routing/rules", response_model=list[RuleOut])
async def list_rules(user: CurrentUser, session: SessionDep) -> list[RuleOut]:
    require_roles(user, Role.administrator, Role.supervisor)
    return [
        RuleOut(
            position=i + 1,
            name=r.name,
            structure=r.structure,
            category=r.category,
            kind=r.kind,
            keywords=list(r.keywords),
            governorate=r.governorate,
            municipality=r.municipality,
            channel=r.channel,
        )
        for i, r in enumerate(await repo.rules(session))
    ]


@router.put("/routing/rules", response_model=list[RuleOut])
async def replace_rules(
    rules: list[RuleIn], user: CurrentUser, session: SessionDep
) -> list[RuleOut]:
    """Replace the ordered rule list; refused with the reasons if it would break routing."""
    require_roles(user, Role.administrator)
    try:
        await save_rules(
            session, [Rule(**r.model_dump() | {"keywords": tuple(r.keywords)}) for r in rules]
        )
    except RoutingRefused as exc:
        raise _refused(exc) from None
    return await list_rules(user, session)


@router.get("/structures", response_model=list[StructureOut])
async def list_structures(user: CurrentUser, session: SessionDep) -> list[StructureOut]:
    hierarchy = await repo.hierarchy(session)
    return [_structure_out(s, hierarchy.parent(s.code)) for s in await repo.structures(session)]


@router.patch("/structures/{code}", response_model=StructureOut)
async def change_structure(
    code: str, change: StructureChange, user: CurrentUser, session: SessionDep
) -> StructureOut:
    require_roles(user, Role.administrator)
    structure = (
        await session.scalars(select(Structure).where(col(Structure.code) == code))
    ).first()
    if structure is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no structure {code!r}")
    if change.aliases is not None:
        structure.aliases = "\n".join(a.strip() for a in change.aliases if a.strip())
        session.add(structure)
    try:
        if "parent" in change.model_fields_set:
            await set_parent(session, structure, change.parent)
        else:
            await session.commit()
    except RoutingRefused as exc:
        raise _refused(exc) from None
    hierarchy = await repo.hierarchy(session)
    return _structure_out(structure, hierarchy.parent(structure.code))


def _structure_out(s: Structure, parent: str | None) -> StructureOut:
    return StructureOut(
        code=s.code,
        level=s.level,
        parent=parent,
        name_ar=s.name_ar,
        name_fr=s.name_fr,
        name_en=s.name_en,
        aliases=[a for a in s.aliases.splitlines() if a],
    )
