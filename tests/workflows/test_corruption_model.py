"""The corruption model: trained reproducibly, shipped as trained, asked only where it may help."""

from __future__ import annotations

import json
from pathlib import Path

from workflows.corruption_model import (
    WEIGHTS,
    dump,
    labelled,
    load,
    shipped_model,
    train,
    training_set,
)
from workflows.triage import HELD_OUT, SECOND_OPINION_THRESHOLD, corpus_part, triage

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CORPUS = FIXTURES / "triage-dev.jsonl"
TRAINED_ON = [FIXTURES / f"triage-{name}.jsonl" for name in ("blind1", "blind2", "blind3")] + [
    FIXTURES / f"triage-train{n}.jsonl" for n in (1, 2, 3)
]


def test_the_shipped_weights_are_what_the_labelled_data_trains() -> None:
    # Anyone can rebuild the file (the command is in the module's docstring) and get it back.
    retrained = train(training_set(TRAINED_ON, dev_part_of=[CORPUS]))
    assert dump(retrained) == WEIGHTS.read_text(encoding="utf-8")


def test_the_held_out_part_of_the_corpus_is_not_trained_on() -> None:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    held_out = {r["text"] for r in rows if corpus_part(r["id"]) == HELD_OUT}
    examples = training_set(TRAINED_ON, dev_part_of=[CORPUS])
    assert held_out and not held_out & {text for text, _ in examples}
    assert shipped_model().trained_on == len(examples)


def test_a_saved_model_loads_back_the_same() -> None:
    model = train([("he asked me for money", True), ("the road has holes", False)] * 3)
    assert load(dump(model)) == model
    assert model.probability("he asked me for money") > model.probability("the road has holes")


def test_the_model_is_asked_only_where_the_lexicon_saw_some_sign() -> None:
    # Weak lexicon evidence (an official) that the model reads as state medicine sold.
    text = "el fermli ybi3 el dwa ta3 el dawla lel pharmacie ta3 sa7bou"
    alone = triage(text, second_opinion=False)
    assert alone.scores.get("corruption", 0) > 0 and alone.category != "corruption"
    helped = triage(text)
    assert helped.category == "corruption" and helped.source == "model"
    assert shipped_model().probability(text) >= SECOND_OPINION_THRESHOLD
    # No sign at all, or a denial: the lexicon's answer stands whatever the model thinks.
    for text in (
        "Le lampadaire devant l'école est éteint depuis un mois",
        "Ce n'est pas de la corruption, mais le chef de service ne répond jamais",
    ):
        assert triage(text) == triage(text, second_opinion=False)


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
