from __future__ import annotations

import random

from bot.tone.compose import Edit, apply_edits, fix_article
from bot.tone.index import Spans


def test_spans_overlap_matches_brute_force() -> None:
    rng = random.Random(3)
    for _ in range(200):
        raw = [(s, s + rng.randint(1, 5)) for s in rng.sample(range(60), 8)]
        spans = Spans(raw)
        for _ in range(20):
            a = rng.randint(0, 65)
            b = a + rng.randint(1, 6)
            assert spans.overlaps(a, b) == any(s < b and a < e for s, e in raw)
            # met, but not held whole with more after it (the intervals as merged)
            merged = list(zip(spans.starts, spans.ends, strict=True))
            assert spans.blocks(a, b) == any(s < b and a < e and (s < a or e >= b) for s, e in merged)


def test_apply_edits_keeps_protected_text_and_tidies_seams() -> None:
    text = "Damn, the `build  ,  log` is an awful mess , see @dana."
    spans = [(10, 25), (47, 52)]
    edits = [Edit(0, 4, "", "x"), Edit(32, 37, "", "x")]
    out = apply_edits(text, spans, edits)
    assert out == "The `build  ,  log` is a mess, see @dana."


def test_fix_article() -> None:
    assert fix_article("this is an ", "person") == "this is a "
    assert fix_article("A ", "honest view") == "An "
    assert fix_article("a ", "user") == "a "
