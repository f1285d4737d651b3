"""Which public structure a case goes to."""

from __future__ import annotations

from workflows.taxonomy import CATEGORIES, CORRUPTION_REPORT

ANTI_CORRUPTION_CELL = "anti-corruption-cell"
_DEFAULT = {c.code: c.structure for c in CATEGORIES}


def route(category: str, kind: str) -> str:
    """The structure code for a case; corruption reports only ever go to the cell."""
    if kind == CORRUPTION_REPORT or category == "corruption":
        return ANTI_CORRUPTION_CELL
    return _DEFAULT.get(category, "central-bureau")
