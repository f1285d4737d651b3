"""A second opinion on corruption: logistic regression over character n-grams.

The lexicons catch what their terms name; blind sets written by people who never
saw them showed that a third of real-looking reports name nothing a lexicon
lists ("he said my file would move if I made his heart glad"). This model reads
the same normalised n-grams as the naive Bayes model and answers one question,
is this a corruption report, with a probability. Triage asks it only when the
lexicon found some other category.

Pure Python, trained in seconds on the labelled messages, shipped as a small
JSON file of weights (workflows/corruption_weights.json) so that nothing is
trained or downloaded at run time. Rebuild it after the labelled data changes:

    python -m workflows.corruption_model --dev-part-of tests/fixtures/triage-dev.jsonl \
        tests/fixtures/triage-blind[123].jsonl tests/fixtures/triage-train[123].jsonl

(the corpus's held-out third stays out, so that it still measures the model).
Staff corrections exported from GET /api/v1/triage/corrections.jsonl are labelled
data too: add the file to the command.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workflows.triage import CORRUPTION, DEV, corpus_part, features, training_examples

WEIGHTS = Path(__file__).with_name("corruption_weights.json")
EPOCHS = 20
LEARNING_RATE = 0.3
L2 = 0.1  # strong: n-grams overlap, and unregularised weights made it sure of anything
# The training sets are rich in reports on purpose (a third of their messages);
# among what citizens send, about one in seven is (the corpus: 23 of 150). The
# bias is moved from the first odds to the second, so that a probability means
# what it says on the hub's real traffic.
REAL_SHARE = 23 / 150
KEPT_ABOVE = 1e-3  # weights closer to zero say nothing and only cost memory
ROUNDS = 5
MIN_MESSAGES = 2
SEED = 2016  # the year of the access-to-information law; any fixed seed will do


@dataclass(frozen=True)
class CorruptionModel:
    bias: float
    weights: Mapping[str, float]
    trained_on: int  # labelled messages and lexicon terms

    def probability(self, text: str) -> float:
        """How likely the text is a corruption report, in [0, 1]."""
        return _sigmoid(self.bias + sum(self.weights.get(f, 0.0) for f in features(text)))


def _log_odds(p: float) -> float:
    return math.log(p / (1 - p))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def train(
    examples: Iterable[tuple[str, bool]], seed: int = SEED, rounds: int = ROUNDS
) -> CorruptionModel:
    """The average of `rounds` models, each on its own shuffles of the examples.

    One model depends on the order it saw the examples in; their average does not
    much. N-grams found in a single message are left out: they name that message.
    """
    data = [(sorted(features(text)), is_corruption) for text, is_corruption in examples]
    seen = Counter(f for found, _ in data for f in found)
    data = sorted(([f for f in found if seen[f] >= MIN_MESSAGES], y) for found, y in data)
    models = [_one_model(data, random.Random(seed + n)) for n in range(rounds)]
    names = sorted({f for weights, _ in models for f in weights})
    averaged = {f: sum(w.get(f, 0.0) for w, _ in models) / rounds for f in names}
    share = sum(label for _, label in data) / len(data)
    bias = sum(b for _, b in models) / rounds + _log_odds(REAL_SHARE) - _log_odds(share)
    kept = {f: round(w, 4) for f, w in averaged.items() if abs(w) > KEPT_ABOVE}
    return CorruptionModel(round(bias, 4), kept, len(data))


def _one_model(
    examples: list[tuple[list[str], bool]], chance: random.Random
) -> tuple[dict[str, float], float]:
    """Logistic regression by AdaGrad."""
    data = list(examples)
    shuffle = chance.shuffle
    weights: dict[str, float] = {}
    squared: dict[str, float] = {}
    bias, bias_squared = 0.0, 1e-8
    for _ in range(EPOCHS):
        shuffle(data)
        for found, label in data:
            p = _sigmoid(bias + sum(weights.get(f, 0.0) for f in found))
            error = p - label
            for f in found:
                gradient = error + L2 * weights.get(f, 0.0)
                squared[f] = squared.get(f, 1e-8) + gradient * gradient
                weights[f] = weights.get(f, 0.0) - LEARNING_RATE * gradient / math.sqrt(squared[f])
            bias_squared += error * error
            bias -= LEARNING_RATE * error / math.sqrt(bias_squared)
    return weights, bias


def training_set(paths: Sequence[Path], dev_part_of: Sequence[Path] = ()) -> list[tuple[str, bool]]:
    """The labelled messages, and the lexicon's terms as tiny documents.

    The terms teach the model that "coffee" or "the director" alone is as often
    another category's word: trained on messages alone, it took either for a report.
    """
    terms = [(text, category == CORRUPTION) for text, category in training_examples()]
    return terms + labelled(paths, dev_part_of)


def labelled(paths: Sequence[Path], dev_part_of: Sequence[Path] = ()) -> list[tuple[str, bool]]:
    """(text, is corruption) from JSON lines; of `dev_part_of` files, the development part only."""
    rows = []
    for path in [*paths, *dev_part_of]:
        with path.open(encoding="utf-8") as lines:
            found = [json.loads(line) for line in lines if line.strip()]
        if path in dev_part_of:
            found = [row for row in found if corpus_part(row["id"]) == DEV]
        rows.extend(found)
    # A staff corrections export (GET /api/v1/triage/corrections.jsonl) says "corrected".
    return [(row["text"], row.get("category", row.get("corrected")) == CORRUPTION) for row in rows]


def dump(model: CorruptionModel) -> str:
    data = {"bias": model.bias, "trained_on": model.trained_on, "weights": model.weights}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def load(text: str) -> CorruptionModel:
    data = json.loads(text)
    weights = {str(f): float(w) for f, w in data["weights"].items()}
    return CorruptionModel(float(data["bias"]), weights, int(data["trained_on"]))


@lru_cache(maxsize=1)
def shipped_model() -> CorruptionModel:
    return load(WEIGHTS.read_text(encoding="utf-8"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the corruption model's weights.")
    parser.add_argument("labelled", nargs="*", type=Path, help="JSON lines: text, category")
    parser.add_argument(
        "--dev-part-of", type=Path, action="append", default=[], help="a corpus split in two"
    )
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args(argv)
    model = train(training_set(args.labelled, args.dev_part_of))
    args.out.write_text(dump(model), encoding="utf-8")
    print(f"{args.out}: {len(model.weights)} weights from {model.trained_on} examples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
