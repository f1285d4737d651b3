"""The corruption model: trained reproducibly, shipped as trained, asked only where it may help."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workflows.corruption_model import (
    WEIGHTS,
    dump,
    labelled,
    load,
    shipped_model,
    train,
)
from workflows.triage import (
    HELD_OUT,
    LEXICON_OVERRULED_BELOW,
    MODEL_REPORTS_AT,
    corpus_part,
    triage,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CORPUS = FIXTURES / "triage-dev.jsonl"
TRAINED_ON = [FIXTURES / f"triage-blind{n}.jsonl" for n in range(1, 5)] + [
    FIXTURES / f"triage-train{n}.jsonl" for n in range(1, 15)
]


def test_the_shipped_weights_are_what_the_labelled_data_trains() -> None:
    # Anyone can rebuild the file (the command is in the module's docstring) and get
    # the same weights back; the bytes zlib packs them into may differ by its version.
    retrained = train(labelled(TRAINED_ON, dev_part_of=[CORPUS]))
    assert load(WEIGHTS.read_text(encoding="utf-8")) == retrained


def test_the_held_out_part_of_the_corpus_is_not_trained_on() -> None:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    held_out = {r["text"] for r in rows if corpus_part(r["id"]) == HELD_OUT}
    examples = labelled(TRAINED_ON, dev_part_of=[CORPUS])
    assert held_out and not held_out & {text for text, _ in examples}
    assert shipped_model().trained_on == len(examples)


def test_a_saved_model_loads_back_the_same() -> None:
    model = train([("he asked me for money", True), ("the road has holes", False)] * 3)
    assert load(dump(model)) == model
    assert model.probability("he asked me for money") > model.probability("the road has holes")


@pytest.mark.parametrize(
    "text",
    [
        # Words of blind set 4's misses, told again: a file that moves faster for
        # "something", a bill that shrinks for a monthly arrangement.
        "الكاتب في البلدية قالي الملف متاعك يمشي أسرع كان ترجعلي بحاجة",
        "el agent ta3 la STEG 9alli ynajem ynakkes el facture ken ndabbarlou 7aja",
    ],
)
def test_the_model_reports_what_the_lexicon_missed(text: str) -> None:
    assert triage(text, second_opinion=False).category != "corruption"
    helped = triage(text)
    assert helped.category == "corruption" and helped.source == "model"
    assert helped.kind == "corruption_report"
    assert shipped_model().probability(text) >= MODEL_REPORTS_AT


def test_the_model_overrules_the_lexicon_only_when_sure_there_is_no_report() -> None:
    # The lexicon's words fire on a request for figures about corruption.
    text = (
        "Under the access to information law, please send me the number of corruption "
        "reports the municipality received in 2025 and how many were referred to the courts."
    )
    assert triage(text, second_opinion=False).category == "corruption"
    assert shipped_model().probability(text) < LEXICON_OVERRULED_BELOW
    overruled = triage(text)
    assert overruled.category == "access_to_information" and overruled.source == "model"
    # An explicit report stands, though the model is far from sure of it.
    text = "The clerk asked me for a bribe of 50 dinars to stamp my birth certificate"
    assert LEXICON_OVERRULED_BELOW <= shipped_model().probability(text) < 0.5
    assert triage(text).category == "corruption"


def test_a_denial_and_an_ordinary_complaint_stay_where_they_are() -> None:
    for text, category in (
        ("Nobody asked me for money, but the water has been cut for a week in Dahmani", "water"),
        ("Le lampadaire devant l'école est éteint depuis un mois", "lighting"),
    ):
        assert shipped_model().probability(text) < MODEL_REPORTS_AT
        assert triage(text).category == category


def test_a_staff_corrections_export_is_labelled_data(tmp_path: Path) -> None:
    export = tmp_path / "triage-corrections.jsonl"
    lines = [
        {
            "text": "el 3oun 9alli jib 7aja",
            "language": "aeb-latn",
            "predicted": "other",
            "corrected": "corruption",
        },
        {"text": "الضو مقصوص", "language": "aeb", "predicted": "other", "corrected": "lighting"},
    ]
    export.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert labelled([export]) == [("el 3oun 9alli jib 7aja", True), ("الضو مقصوص", False)]
