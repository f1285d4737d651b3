"""Which public structure a case goes to: ordered rules, then the category's default.

A corruption report goes to the anti-corruption cell before any rule is read:
no rule can send one to an ordinary structure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from workflows.taxonomy import CATEGORIES, CORRUPTION_REPORT

ANTI_CORRUPTION_CELL = "anti-corruption-cell"
CENTRAL_BUREAU = "central-bureau"
DEFAULT_STRUCTURES = {c.code: c.structure for c in CATEGORIES}


@dataclass(frozen=True)
class Rule:
    structure: str
    name: str = ""
    category: str | None = None
    kind: str | None = None
    keywords: tuple[str, ...] = ()
    governorate: str | None = None
    municipality: str | None = None
    channel: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Facts:
    """What routing may look at."""

    category: str
    kind: str
    text: str = ""
    governorate: str | None = None
    municipality: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class Decision:
    structure: str
    rule_id: int | None = None
    reason: str = "category default"


@dataclass(frozen=True)
class Problem:
    rule_index: int
    message: str


def fold(text: str) -> str:
    """Case, accents and Arabic letter variants do not matter for keywords."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub("[أإآٱ]", "ا", text).replace("ى", "ي").replace("ة", "ه").replace("ـ", "")
    return re.sub(r"\s+", " ", text).strip()


def _matches(rule: Rule, facts: Facts, folded_text: str) -> bool:
    checks = (
        (rule.category, facts.category),
        (rule.kind, facts.kind),
        (rule.channel, facts.channel),
        (
            rule.governorate and fold(rule.governorate),
            facts.governorate and fold(facts.governorate),
        ),
        (
            rule.municipality and fold(rule.municipality),
            facts.municipality and fold(facts.municipality),
        ),
    )
    if any(wanted is not None and wanted != actual for wanted, actual in checks):
        return False
    return not rule.keywords or any(contains(folded_text, k) for k in rule.keywords)


def contains(folded_text: str, keyword: str) -> bool:
    """Whole words in Latin script; Arabic keywords may carry clitics (و، ب، ال)."""
    word = fold(keyword)
    if not word:
        return False
    if re.search("[\u0600-\u06ff]", word):
        return word in folded_text
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", folded_text) is not None


def route(
    category: str,
    kind: str,
    rules: Sequence[Rule] = (),
    facts: Facts | None = None,
    defaults: Mapping[str, str] | None = None,
) -> str:
    return decide(facts or Facts(category, kind), rules, defaults).structure


def decide(
    facts: Facts, rules: Sequence[Rule] = (), defaults: Mapping[str, str] | None = None
) -> Decision:
    if facts.kind == CORRUPTION_REPORT or facts.category == "corruption":
        return Decision(ANTI_CORRUPTION_CELL, reason="corruption reports go to the cell only")
    folded = fold(facts.text)
    for rule in rules:
        if _matches(rule, facts, folded):
            return Decision(rule.structure, rule.id, f"rule {rule.name or rule.id}")
    table = defaults or DEFAULT_STRUCTURES
    return Decision(table.get(facts.category, CENTRAL_BUREAU))


def _shadows(earlier: Rule, later: Rule) -> bool:
    """Every case `later` matches is matched by `earlier` first."""
    for name in ("category", "kind", "channel", "governorate", "municipality"):
        wanted = getattr(earlier, name)
        if wanted is not None and wanted != getattr(later, name):
            return False
    if not earlier.keywords:
        return True
    return bool(later.keywords) and {fold(k) for k in later.keywords} <= {
        fold(k) for k in earlier.keywords
    }


def check_rules(
    rules: Sequence[Rule], structures: Iterable[str], categories: Iterable[str]
) -> list[Problem]:
    """Why a rule set would break routing; empty when it may be saved."""
    known_structures, known_categories = set(structures), set(categories)
    problems: list[Problem] = []
    for index, rule in enumerate(rules):
        if rule.structure not in known_structures:
            problems.append(Problem(index, f"unknown structure {rule.structure!r}"))
        if rule.category is not None and rule.category not in known_categories:
            problems.append(Problem(index, f"unknown category {rule.category!r}"))
        if rule.category == "corruption" or rule.kind == CORRUPTION_REPORT:
            problems.append(
                Problem(
                    index,
                    "corruption reports always go to the anti-corruption cell; no rule may route them",
                )
            )
        if not any(
            (
                rule.category,
                rule.kind,
                rule.keywords,
                rule.governorate,
                rule.municipality,
                rule.channel,
            )
        ):
            problems.append(Problem(index, "a rule with no condition would catch every case"))
        for before, earlier in enumerate(rules[:index]):
            if _shadows(earlier, rule):
                what = "conflicts with" if earlier.structure != rule.structure else "repeats"
                problems.append(
                    Problem(
                        index,
                        f"unreachable: rule {before + 1} ({earlier.name}) matches first; it {what} it",
                    )
                )
                break
    return problems


@dataclass
class Hierarchy:
    """Public structures and their parents (central at the top)."""

    parents: dict[str, str | None] = field(default_factory=dict)

    def parent(self, code: str) -> str | None:
        return self.parents.get(code)

    def would_cycle(self, child: str, new_parent: str | None) -> bool:
        seen = {child}
        current = new_parent
        while current is not None:
            if current in seen:
                return True
            seen.add(current)
            current = self.parents.get(current)
        return False


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        structure="equipment-kef",
        name="national and regional roads",
        category="roads",
        keywords=(
            "route nationale",
            "route regionale",
            "rn5",
            "rn 5",
            "rn17",
            "rn 17",
            "rr",
            "gp5",
            "gp 5",
            "national road",
            "regional road",
            "highway",
            "الطريق الوطنية",
            "طريق وطنية",
            "الطريق الجهوية",
            "طريق جهوية",
            "الطريق السريعة",
            "triq wataniya",
            "ettri9 el wotniya",
        ),
    ),
)


def named_structures(text: str, names: Mapping[str, Iterable[str]]) -> set[str]:
    """Structures a text names (by any of their names or aliases, in any language)."""
    folded = fold(text)
    return {
        code for code, aliases in names.items() if any(contains(folded, a) for a in aliases if a)
    }
