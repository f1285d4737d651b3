"""Is this a corruption report? Logistic regression over n-grams and word pairs.

The lexicons catch what their terms name; blind sets written by people who never
saw them showed that a third of real-looking reports name nothing a lexicon
lists ("he said my file would move if I made his heart glad"). This model reads
the triage n-grams and each pair of consecutive words and answers one question,
with a probability. Triage asks it about every message (workflows/triage.py says
how its answer is used).

Pure Python, trained in a few minutes on the labelled messages (5,745:
the corpus's development part, four blind sets and fourteen training sets from
annotators who never saw the code), shipped as workflows/corruption_weights.json
so that nothing is trained or downloaded at run time. Rebuild it after the
labelled data changes:

    python -m workflows.corruption_model --dev-part-of tests/fixtures/triage-dev.jsonl \
        tests/fixtures/triage-blind[1-4].jsonl tests/fixtures/triage-train{1..14}.jsonl

(the corpus's held-out third and the blind test set stay out, so that they still
measure it). Staff corrections exported from GET /api/v1/triage/corrections.jsonl
are labelled data too: add the file to the command.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import random
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workflows.triage import CORRUPTION, DEV, corpus_part, normalise, tokens, word_features

WEIGHTS = Path(__file__).with_name("corruption_weights.json")
EPOCHS = 20
LEARNING_RATE = 0.3
# Chosen by training on every annotator's set but one and scoring the one left
# out: with 5,300 messages 0.1 beat 0.3, 1.0 and 3.0 (with 1,300, 1.0 had won).
L2 = 0.1
# The training sets are rich in reports on purpose (four in ten of their messages);
# among what citizens send, about one in seven is (the corpus: 23 of 150). The
# bias is moved from the first odds to the second, so that a probability means
# what it says on the hub's real traffic.
REAL_SHARE = 23 / 150
# Features are hashed into a fixed table of weights in 16-bit fixed point: 2 MiB
# whatever the vocabulary, where a dict of 70,000 n-gram strings would hold about
# 12 MB in every API process. A million buckets keep collisions among those
# features near 6% (a quarter of them would share a bucket in 2**18).
BUCKETS = 1 << 20
STEPS_PER_UNIT = 4096  # a weight of 1.0 is stored as 4096; weights stay within +-8
ROUNDS = 5
MIN_MESSAGES = 2
SEED = 2016  # the year of the access-to-information law; any fixed seed will do


def features(text: str) -> frozenset[str]:
    """The triage n-grams, and each pair of consecutive words.

    Pairs carry what single words do not: "asked me", "ma 3tinich", "sans reçu".
    """
    words = tokens(normalise(text))
    return word_features(words) | {f"p:{a} {b}" for a, b in zip(words, words[1:], strict=False)}


def buckets(found: Iterable[str]) -> list[int]:
    """Where each feature's weight lives; crc32, unlike hash(), is the same in every process."""
    return sorted({zlib.crc32(f.encode()) % BUCKETS for f in found})


@dataclass(frozen=True)
class CorruptionModel:
    bias: float
    weights: array  # int16 per bucket, BUCKETS of them, in 1/STEPS_PER_UNIT
    trained_on: int  # labelled messages

    def probability(self, text: str) -> float:
        """How likely the text is a corruption report, in [0, 1]."""
        weights = self.weights
        found = sum(weights[b] for b in buckets(features(text)))
        return _sigmoid(self.bias + found / STEPS_PER_UNIT)


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
    hashed = sorted((buckets(f for f in found if seen[f] >= MIN_MESSAGES), y) for found, y in data)
    models = [_one_model(hashed, random.Random(seed + n)) for n in range(rounds)]
    averaged: dict[int, float] = {}
    for weights, _ in models:
        for b, w in weights.items():
            averaged[b] = averaged.get(b, 0.0) + w / rounds
    table = array("h", bytes(2 * BUCKETS))
    for b, w in averaged.items():
        table[b] = max(-32767, min(32767, round(w * STEPS_PER_UNIT)))
    share = sum(label for _, label in hashed) / len(hashed)
    bias = sum(b for _, b in models) / rounds + _log_odds(REAL_SHARE) - _log_odds(share)
    return CorruptionModel(round(bias, 4), table, len(hashed))


def _one_model(
    examples: list[tuple[list[int], bool]], chance: random.Random
) -> tuple[dict[int, float], float]:
    """Logistic regression by AdaGrad."""
    data = list(examples)
    shuffle = chance.shuffle
    weights: dict[int, float] = {}
    squared: dict[int, float] = {}
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
    """JSON; the weight table as little-endian int16, compressed, in base64."""
    table = array("h", model.weights)
    if sys.byteorder == "big":
        table.byteswap()
    packed = base64.b64encode(zlib.compress(table.tobytes(), 9)).decode()
    data = {"bias": model.bias, "buckets": BUCKETS, "trained_on": model.trained_on}
    return json.dumps({**data, "weights": packed}, sort_keys=True, indent=0) + "\n"


def load(text: str) -> CorruptionModel:
    data = json.loads(text)
    if data.get("buckets") != BUCKETS:
        raise ValueError(
            f"weights for {data.get('buckets')} buckets, this code hashes into {BUCKETS}"
        )
    weights = array("h", zlib.decompress(base64.b64decode(data["weights"])))
    if sys.byteorder == "big":
        weights.byteswap()
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
    model = train(labelled(args.labelled, args.dev_part_of))
    args.out.write_text(dump(model), encoding="utf-8")
    used = sum(1 for w in model.weights if w)
    print(f"{args.out}: {used} of {BUCKETS} weights used, from {model.trained_on} examples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
