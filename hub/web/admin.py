"""Administrators' pages: the ordered routing rules, edited as one form."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from hub.deps import SessionDep
from hub.i18n import N_
from hub.models import Role
from hub.petition import Channel
from hub.routing import repository as routing_repo
from hub.routing.service import RoutingRefused, save_rules
from hub.web.counter import categories
from hub.web.rendering import PageRoute, Reason, render
from hub.web.security import StaffMember, check_csrf, require_role
from workflows.routing import Rule

router = APIRouter(include_in_schema=False, route_class=PageRoute)

ADMINISTRATORS = (Role.administrator,)
MAX_ROWS = 500
SAVED = Reason(N_("The routing rules were saved. New cases follow them from now on."))
NOT_SAVED = Reason(N_("The rules were not saved. Correct the marked rows and save again."))
BAD_POSITION = Reason(N_("The position must be a whole number."))
# The routing checks explain in English; the page says in its own language that it refused.
REFUSED = N_("This rule cannot be saved: %(problem)s")
NO_STRUCTURE = Reason(N_("Choose the structure that receives the cases."))


@dataclass
class RuleRow:
    """One rule as the administrator typed it (kept as text so a refused form comes back intact)."""

    position: str
    name: str = ""
    category: str = ""
    kind: str = ""
    keywords: str = ""
    governorate: str = ""
    municipality: str = ""
    channel: str = ""
    structure: str = ""
    remove: bool = False

    @classmethod
    def of(cls, position: int, rule: Rule) -> RuleRow:
        return cls(
            position=str(position),
            name=rule.name,
            category=rule.category or "",
            kind=rule.kind or "",
            keywords="\n".join(rule.keywords),
            governorate=rule.governorate or "",
            municipality=rule.municipality or "",
            channel=rule.channel or "",
            structure=rule.structure,
        )

    def is_blank(self) -> bool:
        return (
            not any((self.name, self.category, self.keywords, self.municipality, self.channel))
            and not self.structure
        )

    def order(self) -> int | None:
        try:
            return int(self.position.strip())
        except ValueError:
            return None

    def rule(self) -> Rule:
        def value(text: str) -> str | None:
            return text.strip() or None

        return Rule(
            structure=self.structure,
            name=self.name.strip(),
            category=value(self.category),
            kind=value(self.kind),
            keywords=tuple(k.strip() for k in self.keywords.splitlines() if k.strip()),
            governorate=value(self.governorate),
            municipality=value(self.municipality),
            channel=value(self.channel),
        )


def rows_from(form: FormData) -> list[RuleRow]:
    """Rows in the order of their position number (ties keep the order on the page)."""
    rows = []
    for index in range(MAX_ROWS):
        if f"rule-{index}-position" not in form:
            break

        def text(field: str, index: int = index) -> str:
            value = form.get(f"rule-{index}-{field}")
            return value if isinstance(value, str) else ""

        rows.append(
            RuleRow(
                position=text("position"),
                name=text("name"),
                category=text("category"),
                kind=text("kind"),
                keywords=text("keywords"),
                governorate=text("governorate"),
                municipality=text("municipality"),
                channel=text("channel"),
                structure=text("structure"),
                remove=form.get(f"rule-{index}-remove") == "yes",
            )
        )
    return rows


def ordered(rows: list[RuleRow]) -> list[RuleRow]:
    keyed = list(enumerate(rows))
    keyed.sort(key=lambda pair: (pair[1].order() or 0, pair[0]))
    return [row for _, row in keyed]


def blank_row(rows: list[RuleRow]) -> RuleRow:
    last = max((row.order() or 0 for row in rows), default=0)
    return RuleRow(position=str(last + 1))


async def routing_page(
    request: Request,
    session: AsyncSession,
    rows: list[RuleRow],
    status_code: int = 200,
    problems: dict[int, list[Reason]] | None = None,
    notice: Reason | None = None,
    notice_kind: str = "error",
) -> HTMLResponse:
    return render(
        request,
        "admin_routing.html",
        status_code=status_code,
        rows=rows,
        problems=problems or {},
        notice=notice,
        notice_kind=notice_kind,
        categories=await categories(session),
        structures=list(await routing_repo.structures(session)),
        channels=[channel.value for channel in Channel],
    )


@router.get("/admin/routing")
async def routing_rules(request: Request, user: StaffMember, session: SessionDep) -> HTMLResponse:
    require_role(user, ADMINISTRATORS)
    rules = await routing_repo.rules(session)
    rows = [RuleRow.of(position, rule) for position, rule in enumerate(rules, start=1)]
    rows.append(blank_row(rows))
    saved = request.query_params.get("saved") == "1"
    return await routing_page(
        request, session, rows, notice=SAVED if saved else None, notice_kind="info"
    )


@router.post("/admin/routing")
async def save_routing_rules(request: Request, user: StaffMember, session: SessionDep) -> Response:
    form = await request.form()
    check_csrf(request, form)
    require_role(user, ADMINISTRATORS)
    rows = ordered([row for row in rows_from(form) if not row.remove and not row.is_blank()])
    if form.get("action") == "add":
        return await routing_page(request, session, [*rows, blank_row(rows)])
    problems: dict[int, list[Reason]] = {}
    for index, row in enumerate(rows):
        if row.order() is None:
            problems.setdefault(index, []).append(BAD_POSITION)
        if not row.structure:
            problems.setdefault(index, []).append(NO_STRUCTURE)
    if not problems:
        try:
            await save_rules(session, [row.rule() for row in rows])
        except RoutingRefused as refused:
            await session.rollback()
            for problem in refused.problems:
                reason = Reason(REFUSED, {"problem": problem.message})
                problems.setdefault(problem.rule_index, []).append(reason)
    if problems:
        return await routing_page(request, session, rows, 422, problems, NOT_SAVED)
    return RedirectResponse("/admin/routing?saved=1", status_code=303)
