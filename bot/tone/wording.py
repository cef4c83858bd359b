"""The wording model: how tense a message reads as a whole, learned from labelled examples.

The phrase rules find tension they were written for; people phrase it in endless other ways ("Interesting
choice to skip the review.", "Some of us read the brief."). This is a logistic regression over the words
and word pairs of the masked message (protected text, such as quotes, code and links, is masked first), with
weights kept as data in playbooks/lexicon/wording.json and trained by bench/train_wording.py on text written
for this project. The analyser consults it where the rules read a message as calm, and adds one signal when
it is confident, on the sentence that weighs most.

Inference is hand-written here (no scikit-learn at run time); `features` is the exact function the training
uses, so the two cannot drift apart, and the file carries check rows that loading verifies.
"""

from __future__ import annotations

import json
import math
import pathlib
import re
from dataclasses import dataclass
from itertools import pairwise

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.errors import location
from bot.tone.index import WORD
from bot.tone.patterns import norm_word

_SENTENCE = re.compile(r"[^.!?\n…]*\w[^.!?\n…]*[.!?…]*")  # with its closing marks


def features(masked: str) -> set[str]:
    """The words and adjacent word pairs of masked text, in lower case with apostrophes inside a word kept
    ("don't", "you're"): what the model weighs, each once."""
    said = WORD.findall(norm_word(masked))
    found = set(said)
    found.update(map(" ".join, pairwise(said)))
    return found


class _Check(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str
    probability: float = Field(ge=0.0, le=1.0)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    about: str
    intercept: float
    threshold: float = Field(gt=0.5, lt=1.0)
    weights: dict[str, float] = Field(min_length=1)
    checks: list[_Check] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class WordingModel:
    """Learned weights of words and word pairs; `probability` is the chance a reader finds text tense."""

    intercept: float
    threshold: float  # the probability from which the model raises a signal
    weights: dict[str, float]

    def probability(self, masked: str) -> float:
        z = self.intercept + sum(filter(None, map(self.weights.get, features(masked))))
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0

    def marked(self, masked: str) -> tuple[int, int] | None:
        """The span of the sentence whose words push hardest toward tense; None if no word does."""
        weights = self.weights
        best, push = None, 0.0
        for sentence in _SENTENCE.finditer(masked):
            weight = sum([w for f in features(sentence.group()) if (w := weights.get(f, 0.0)) > 0])
            if weight > push:
                best, push = sentence, weight
        if best is None:
            return None
        text = best.group()
        return best.start() + len(text) - len(text.lstrip()), best.end() - len(text) + len(text.rstrip())

    def heaviest(self, masked: str, start: int, end: int, count: int = 3) -> tuple[tuple[int, int], ...]:
        """The spans of the words or word pairs between `start` and `end` that push hardest toward tense, at
        most `count`, none overlapping another, in reading order: what the signal names."""
        said = list(WORD.finditer(masked, start, end))
        found = [(w.span(), w.group()) for w in said]
        found += [((a.start(), b.end()), f"{a.group()} {b.group()}") for a, b in pairwise(said)]
        weights = self.weights
        ranked = sorted(
            ((weight, span) for span, word in found if (weight := weights.get(norm_word(word), 0.0)) > 0),
            key=lambda item: (-item[0], item[1]),
        )
        chosen: list[tuple[int, int]] = []
        for _, (a, b) in ranked:
            if len(chosen) < count and not any(a < e and s < b for s, e in chosen):
                chosen.append((a, b))
        return tuple(sorted(chosen))


def load_wording(path: pathlib.Path, problems: list[str]) -> WordingModel | None:
    """Read and check a wording model file; each problem is added to `problems` as 'file: where: what'."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        data = _File.model_validate(raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(f"{path.name}: (file): cannot read as JSON: {str(exc).splitlines()[0]}")
        return None
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(f"{path.name}: {location(error['loc'], '(top)')}: {error['msg']}")
        return None
    model = WordingModel(data.intercept, data.threshold, data.weights)
    for i, check in enumerate(data.checks):
        if abs((given := model.probability(check.text)) - check.probability) > 1e-6:
            problems.append(f"{path.name}: checks.{i}: the weights give {given:.6f}, "
                            f"the file says {check.probability:.6f} (edited weights, or a changed tokenizer)")
    return model
