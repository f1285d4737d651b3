"""Quality gate: triage on the held-out part of the labelled corpus and the blind test set.

Category accuracy, corruption recall and corruption precision meet their targets on
the held-out part and on blind set 5; recall is also guarded on the whole corpus
and on blind set 1 against regressions.

The lexicon was written from the development part only (workflows.triage.corpus_part);
the held-out third measures it. `python bench/triage.py` prints the full report.
A quality gate, not a timing test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workflows.triage import HELD_OUT, corpus_part, triage

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "triage-dev.jsonl"
BLIND1 = CORPUS.with_name("triage-blind1.jsonl")
BLIND5 = CORPUS.with_name("triage-blind5.jsonl")


@pytest.fixture(scope="module")
def held_out() -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) == 150
    picked = [
        (r["category"], triage(r["text"]).category)
        for r in rows
        if corpus_part(r["id"]) == HELD_OUT
    ]
    assert len(picked) >= 40
    return picked


@pytest.fixture(scope="module")
def scored() -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    return [(r["category"], triage(r["text"]).category) for r in rows]


def test_category_accuracy(held_out: list[tuple[str, str]]) -> None:
    correct = sum(gold == got for gold, got in held_out)
    assert correct / len(held_out) >= 0.85


def test_corruption_recall(held_out: list[tuple[str, str]]) -> None:
    reports = [got for gold, got in held_out if gold == "corruption"]
    assert reports
    assert reports.count("corruption") / len(reports) >= 0.95


def test_corruption_recall_on_the_whole_set(scored: list[tuple[str, str]]) -> None:
    reports = [got for gold, got in scored if gold == "corruption"]
    assert reports.count("corruption") / len(reports) >= 0.95


def test_corruption_recall_on_the_first_blind_set() -> None:
    # Development data since its first measurement (bench/triage.py says so): a guard
    # against regressions on 48 reports written by someone who never saw the lexicons.
    rows = [json.loads(line) for line in BLIND1.read_text(encoding="utf-8").splitlines() if line]
    reports = [triage(r["text"]).category for r in rows if r["category"] == "corruption"]
    assert len(reports) == 48
    assert reports.count("corruption") / len(reports) >= 0.95


def test_corruption_precision(held_out: list[tuple[str, str]]) -> None:
    flagged = [gold for gold, got in held_out if got == "corruption"]
    assert flagged
    assert flagged.count("corruption") / len(flagged) >= 0.90


def test_targets_on_the_blind_test_set() -> None:
    # 320 messages by two annotators who never saw the code, measured once before
    # anyone read them (bench/triage.py); from now on a guard: a lexicon edit or a
    # retrained model that loses reports on them fails here.
    rows = [json.loads(line) for line in BLIND5.read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) == 320
    pairs = [(r["category"], triage(r["text"]).category) for r in rows]
    reports = [got for gold, got in pairs if gold == "corruption"]
    flagged = [gold for gold, got in pairs if got == "corruption"]
    assert sum(gold == got for gold, got in pairs) / len(pairs) >= 0.85
    assert reports.count("corruption") / len(reports) >= 0.95
    assert flagged.count("corruption") / len(flagged) >= 0.90
