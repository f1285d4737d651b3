"""Triage previews with the administrators' lexicon, and its editing."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from hub.ratelimit import FixedWindowLimiter
from hub.triage import repository as repo
from hub.triage.schemas import LexiconOut, TermIn, TermOut, TriageOut
from workflows.routing import route
from workflows.taxonomy import CATEGORY_CODES
from workflows.triage import Lexicon, default_lexicon, lexicon_with, triage, validate_term

LEXICON_TTL_SECONDS = 60.0
RATE_PURPOSE = "triage"


class TermRejected(ValueError):
    """An administrator's term that cannot be stored; the message says why."""


@dataclass
class LexiconCache:
    """The defaults merged with the TriageTerm rows, reloaded every minute.

    An edit takes effect at once in the process that stored it and within a
    minute in the others.
    """

    ttl_seconds: float = LEXICON_TTL_SECONDS
    clock: Callable[[], float] = time.monotonic
    _lexicon: Lexicon | None = None
    _terms: tuple[tuple[str, str, float], ...] = ()
    _loaded_at: float = field(default=0.0)

    async def get(self, session: AsyncSession) -> Lexicon:
        now = self.clock()
        if self._lexicon is None or now - self._loaded_at >= self.ttl_seconds:
            rows = await repo.all_terms(session)
            terms = tuple((row.category, row.term, row.weight) for row in rows)
            # Building takes tenths of a second, and every request in flight waits: only
            # when the terms changed.
            if self._lexicon is None or terms != self._terms:
                self._lexicon, self._terms = lexicon_with(rows), terms
            self._loaded_at = now
        return self._lexicon

    def invalidate(self) -> None:
        self._lexicon = None


@dataclass
class TriageRuntime:
    """What the triage area keeps in memory for one application."""

    lexicons: LexiconCache
    limiter: FixedWindowLimiter


def runtime(app: FastAPI, rate_per_minute: int) -> TriageRuntime:
    """The application's triage runtime, made on first use (no await: no race)."""
    found: TriageRuntime | None = getattr(app.state, "triage", None)
    if found is None:
        found = TriageRuntime(LexiconCache(), FixedWindowLimiter(rate_per_minute, 60.0))
        app.state.triage = found
    return found


async def preview(session: AsyncSession, lexicons: LexiconCache, text: str) -> TriageOut:
    result = triage(text, await lexicons.get(session))
    return TriageOut(
        category=result.category,
        kind=result.kind,
        language=result.language,
        structure=route(result.category, result.kind),
        confidence=result.confidence,
    )


async def lexicon_view(session: AsyncSession) -> LexiconOut:
    """Every term by category: shipped defaults, overridden by administrators' rows."""
    rows = await repo.all_terms(session)
    edited = {(r.category, r.term) for r in rows}
    categories: dict[str, list[TermOut]] = {c: [] for c in CATEGORY_CODES}
    base = default_lexicon()
    for category, weighted in base.terms.items():
        categories[category].extend(
            TermOut(term=t, weight=w, source="default")
            for t, w in weighted.items()
            if (category, t) not in edited
        )
    for row in rows:
        if row.category in categories:
            categories[row.category].append(
                TermOut(term=row.term, weight=row.weight, source="administrator")
            )
    return LexiconOut(categories=categories, groups=sorted(f"@{g}" for g in base.groups))


async def replace_category(
    session: AsyncSession, lexicons: LexiconCache, category: str, terms: list[TermIn]
) -> list[TermOut]:
    """Store the category's administrator terms; TermRejected names the first bad one."""
    if category not in CATEGORY_CODES:
        raise TermRejected(f"unknown category {category!r}; one of {', '.join(CATEGORY_CODES)}")
    cleaned: dict[str, float] = {}
    for n, item in enumerate(terms):
        try:
            term = validate_term(category, item.term, item.weight)
        except ValueError as exc:
            raise TermRejected(f"terms[{n}]: {exc}") from None
        cleaned[term] = item.weight  # the same term twice: the last weight wins
    await repo.replace_terms(session, category, list(cleaned.items()))
    lexicons.invalidate()
    return [TermOut(term=t, weight=w, source="administrator") for t, w in cleaned.items()]


async def corrections_jsonl(session: AsyncSession) -> str:
    """Labelled corrections for training, one JSON object a line.

    Only the complaint text and its labels: no case, reporter or staff identity, and
    nothing of a sealed corruption report (only the anti-corruption cell reads those).
    """
    lines = (
        json.dumps(
            {"text": text, "language": language, "predicted": predicted, "corrected": corrected},
            ensure_ascii=False,
        )
        for text, language, predicted, corrected in await repo.corrections(session)
    )
    return "".join(line + "\n" for line in lines)
