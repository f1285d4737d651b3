"""The public statistics page: the open-data figures as tables and server-drawn SVG charts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.datastructures import QueryParams

from hub.deps import SessionDep
from hub.i18n import FORMAT_LOCALES, N_, Language
from hub.models import Category, Structure
from hub.petition import Channel
from hub.stats import charts
from hub.stats.service import EVERYTHING, RANKING_MINIMUM, SMALL, Filters, Statistics, statistics
from hub.web.labels import RECEIPT_CHANNELS
from hub.web.rendering import PageRoute, Reason, page_language, render
from hub.web.security import Visitor

router = APIRouter(include_in_schema=False, route_class=PageRoute)

CHANNEL_LABELS = RECEIPT_CHANNELS | {
    "sms": N_("SMS"),
    "telegram": N_("Telegram"),
    "email": N_("E-mail"),
    "api": N_("Other applications"),
    "open311": N_("Open311 applications"),
}
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
SHOWN_VALUE = 40  # a refused value is repeated back at most this long
TABLE_ROWS = 200  # the detailed table; the CSV has every row
PARAMETERS = ("structure", "category", "channel", "from", "to")
# Corruption reports are never in the breakdown: filtering on them would suggest zero.
CORRUPTION = "corruption"

REASONS = {
    "structure": N_("There is no public structure with the code %(value)s."),
    "category": N_("There is no category with the code %(value)s."),
    "corruption": N_(
        "Corruption reports are counted only in the monthly totals, never by category."
    ),
    "channel": N_("There is no channel called %(value)s."),
    "month": N_("A month is written as year-month, for example 2025-03, not %(value)s."),
    "order": N_("The first month (%(first)s) comes after the last one (%(last)s)."),
}


class BadFilter(Exception):
    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.message)
        self.reason = reason


def read_filters(
    query: QueryParams, structures: set[str], categories: set[str]
) -> tuple[Filters, dict[str, str]]:
    """The filters of the query, and the values as sent (to fill the form again)."""
    sent = {name: (query.get(name) or "").strip() for name in PARAMETERS}

    def refuse(kind: str, **values: str) -> BadFilter:
        shown = {k: v[:SHOWN_VALUE] for k, v in values.items()}
        return BadFilter(Reason(REASONS[kind], shown))

    structure, category, channel = sent["structure"], sent["category"], sent["channel"]
    if structure and structure not in structures:
        raise refuse("structure", value=structure)
    if category == CORRUPTION:
        raise refuse("corruption")
    if category and category not in categories:
        raise refuse("category", value=category)
    if channel and channel not in set(Channel):
        raise refuse("channel", value=channel)
    for name in ("from", "to"):
        if sent[name] and not MONTH.fullmatch(sent[name]):
            raise refuse("month", value=sent[name])
    if sent["from"] and sent["to"] and sent["from"] > sent["to"]:
        raise refuse("order", first=sent["from"], last=sent["to"])
    filters = Filters(
        structure=structure or None,
        category=category or None,
        channel=channel or None,
        month_from=sent["from"] or None,
        month_to=sent["to"] or None,
    )
    return filters, sent


@dataclass(frozen=True)
class Words:
    """Codes and numbers written in the page language."""

    lang: Language
    structures: dict[str, Structure]
    categories: dict[str, Category]

    @property
    def locale(self) -> str:
        return FORMAT_LOCALES[self.lang.code]

    def structure(self, code: str) -> str:
        found = self.structures.get(code)
        return self.lang.name_of(found) if found else code

    def category(self, code: str) -> str:
        found = self.categories.get(code)
        return self.lang.name_of(found) if found else code

    def channel(self, code: str) -> str:
        label = CHANNEL_LABELS.get(code)
        return self.lang.gettext(label) if label else code

    def month(self, code: str) -> str:
        return format_date(date(int(code[:4]), int(code[5:7]), 1), "LLLL y", locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def count(self, value: int | str) -> str:
        """A published count: a number, or the withheld "<5" (kept "<5", not "5>", right to left)."""
        if not isinstance(value, str):
            return self.number(value)
        return f"\u2066{value}\u2069" if self.lang.direction == "rtl" else value

    def share(self, value: float | None) -> str:
        return "—" if value is None else format_percent(value, locale=self.locale)

    def hours(self, value: float | None) -> str:
        return "—" if value is None else format_decimal(value, "#,##0.0", locale=self.locale)


def draw(found: Statistics, words: Words) -> dict[str, charts.Chart]:
    rtl = words.lang.direction == "rtl"
    withheld = SMALL - 1  # "<5" is drawn as high as it could at most be, and dashed

    def received(rows: list[dict[str, Any]], key: str, name: Any) -> list[charts.Item]:
        return [
            charts.Item(r[key], name(r[key]), r["received"], words.count(r["received"]))
            for r in rows
        ]

    on_time = [
        charts.Item(
            s["structure"],
            words.structure(s["structure"]),
            s["share_answered_on_time"],
            words.share(s["share_answered_on_time"]),
        )
        for s in found.structures
        if s["share_answered_on_time"] is not None
    ]
    return {
        "months": charts.columns(
            received(found.months, "month", words.month),
            right_to_left=rtl,
            withheld_as=withheld,
            tick_text=words.number,
        ),
        "on_time": charts.bars(
            on_time, right_to_left=rtl, maximum=1.0, whole=False, tick_text=words.share
        ),
        "channels": charts.bars(
            received(found.channels, "channel", words.channel),
            right_to_left=rtl,
            withheld_as=withheld,
            tick_text=words.number,
        ),
        "categories": charts.bars(
            received(found.categories, "category", words.category),
            right_to_left=rtl,
            withheld_as=withheld,
            tick_text=words.number,
        ),
    }


async def named(session: AsyncSession) -> tuple[dict[str, Structure], dict[str, Category]]:
    structures = (await session.scalars(select(Structure))).all()
    categories = (await session.scalars(select(Category).order_by(col(Category.position)))).all()
    return {s.code: s for s in structures}, {c.code: c for c in categories}


def choices(everything: Statistics, words: Words, sent: dict[str, str]) -> dict[str, Any]:
    """The filter form's options: only what the published figures contain (and what was asked)."""

    def options(codes: set[str], name: Any) -> list[tuple[str, str]]:
        return sorted(((code, name(code)) for code in codes if code), key=lambda o: o[1])

    return {
        "structures": options(
            {s["structure"] for s in everything.structures} | {sent.get("structure", "")},
            words.structure,
        ),
        "categories": options(
            {c["category"] for c in everything.categories} | {sent.get("category", "")},
            words.category,
        ),
        "channels": options(
            {c["channel"] for c in everything.channels} | {sent.get("channel", "")},
            words.channel,
        ),
    }


@router.get("/stats")
async def stats_page(request: Request, visitor: Visitor, session: SessionDep) -> HTMLResponse:
    structures, categories = await named(session)
    words = Words(page_language(request)[0], structures, categories)
    everything = await statistics(session)
    context: dict[str, Any] = {
        "words": words,
        "small": SMALL,
        "ranking_minimum": RANKING_MINIMUM,
        "freshness": freshness(everything, words),
        "generated_at": everything.generated_at.isoformat(),
    }
    try:
        filters, sent = read_filters(request.query_params, set(structures), set(categories))
    except BadFilter as bad:
        sent = {name: (request.query_params.get(name) or "")[:SHOWN_VALUE] for name in PARAMETERS}
        return render(
            request,
            "stats.html",
            status_code=400,
            problem=bad.reason,
            found=None,
            sent=sent,
            options=choices(everything, words, {}),
            **context,
        )
    found = everything if filters == EVERYTHING else await statistics(session, filters)
    rows = sorted(found.rows, key=lambda r: r["month"], reverse=True)
    return render(
        request,
        "stats.html",
        problem=None,
        found=found,
        # Corruption totals next to a chosen structure would read as that structure's.
        narrowed=any((filters.structure, filters.category, filters.channel)),
        sent=sent,
        options=choices(everything, words, sent),
        charts=draw(found, words),
        rows=rows[:TABLE_ROWS],
        all_rows=len(rows),
        **context,
    )


def freshness(found: Statistics, words: Words) -> dict[str, Any]:
    """When the figures were computed, as a <time>, and how long they are kept."""
    moment = found.generated_at
    return {
        "when": Markup('<time datetime="{}">{}</time>').format(
            moment.isoformat(), words.lang.when(moment)
        ),
        "minutes": max(1, found.fresh_for_seconds // 60),
        "next": words.lang.when(moment + timedelta(seconds=found.fresh_for_seconds)),
    }
