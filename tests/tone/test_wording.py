"""The wording model: features, loading and its checks, and how its signal joins the rules' (see
bot/tone/wording.py). Mechanics use a small hand-made model, so they do not move when the shipped one is
retrained; the shipped one is checked for what it must keep doing."""

from __future__ import annotations

import dataclasses
import json
import math
import pathlib
import shutil

import pytest

from bot.errors import PlaybookError
from bot.tone import Lexicon, ToneEngine, load_lexicon
from bot.tone.analyse import WORDING_WEIGHT
from bot.tone.engine import KEPT_NOTE
from bot.tone.wording import WordingModel, features
from tests.tone.conftest import LEXICON_DIR

# p("... zorp ...") = 1 / (1 + e^-(6 - 4)) = 0.881: over the threshold; "blip" alone stays under it
TOY = WordingModel(intercept=-4.0, threshold=0.8, weights={"zorp": 6.0, "blip": 1.0, "thanks": -1.0})


@pytest.fixture(scope="module")
def toy(lexicon: Lexicon) -> ToneEngine:
    return ToneEngine(dataclasses.replace(lexicon, wording=TOY))


def _weight(p: float) -> float:
    low, high = WORDING_WEIGHT
    return low + (high - low) * (p - TOY.threshold) / (1 - TOY.threshold)


def _p(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_features_are_the_words_and_adjacent_pairs_in_lower_case() -> None:
    assert features("Don’t PING me, ok?") == {"don't", "ping", "me", "ok", "don't ping", "ping me", "me ok"}
    assert features("\x00\x00 code") == {"code"}  # masked text is no word
    assert features("") == set()


def test_the_shipped_model_loads_and_its_check_rows_hold(lexicon: Lexicon) -> None:
    assert lexicon.wording is not None  # (loading recomputes the check rows: it would raise otherwise)
    assert 0.5 < lexicon.wording.threshold < 1
    assert len(lexicon.wording.weights) > 1000


def _copy_with(tmp_path: pathlib.Path, edit: str | None = None, **changes: object) -> pathlib.Path:
    target = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, target)
    path = target / "wording.json"
    if edit is not None:
        path.write_text(edit, encoding="utf-8")
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps({**data, **changes}), encoding="utf-8")
    return target


def test_edited_weights_fail_the_check_rows(tmp_path: pathlib.Path, lexicon: Lexicon) -> None:
    assert lexicon.wording is not None
    nudged = {f: w + 0.01 for f, w in lexicon.wording.weights.items()}
    with pytest.raises(PlaybookError) as err:
        load_lexicon(_copy_with(tmp_path, weights=nudged))
    assert any(p.startswith("wording.json: checks.0: the weights give") for p in err.value.problems)


@pytest.mark.parametrize(
    ("edit", "changes", "expected"),
    [
        ("{not json", {}, ["wording.json: (file): cannot read as JSON"]),
        (None, {"threshold": 1.5, "weights": {}}, ["wording.json: threshold:", "wording.json: weights:"]),
        (None, {"colour": "red"}, ["wording.json: colour:"]),
    ],
)
def test_a_broken_model_file_stops_loading_with_each_problem(
    tmp_path: pathlib.Path, edit: str | None, changes: dict[str, object], expected: list[str]
) -> None:
    with pytest.raises(PlaybookError) as err:
        load_lexicon(_copy_with(tmp_path, edit, **changes))
    for start in expected:
        assert any(p.startswith(start) for p in err.value.problems), err.value.problems


def test_a_confident_model_marks_the_sentence_that_weighs_most(toy: ToneEngine) -> None:
    report = toy.analyse("Notes are in the doc. Zorp the plan again.")
    assert [(s.kind, s.text) for s in report.signals] == [("wording", "Zorp the plan again.")]
    assert report.level == "tense"
    assert report.tension == round(1 - math.exp(-_weight(_p(2.0))), 4)
    assert report.signals[0].why.startswith("Taken as a whole, this reads as tense")
    assert report.signals[0].why.endswith("The words that weigh most: “Zorp”.")


def test_the_signal_names_the_heaviest_words_in_its_sentence_in_reading_order(toy: ToneEngine) -> None:
    # "zorp" (6) and "blip" (1) push toward tense; "zorp it" (0.5) overlaps "zorp" and gives way; "thanks"
    # pulls the other way and is never named
    model = dataclasses.replace(TOY, weights={**TOY.weights, "zorp it": 0.5})
    engine = ToneEngine(dataclasses.replace(toy.lexicon, wording=model))
    report = engine.analyse("Thanks for the blip, zorp it now.")
    assert report.signals[0].why.endswith("The words that weigh most: “blip”, “zorp”.")
    assert model.heaviest("Thanks for the blip, zorp it now.", 0, 33, count=1) == ((21, 25),)


def test_below_its_threshold_the_model_changes_nothing(toy: ToneEngine, rules: ToneEngine) -> None:
    for text in ("Blip the plan again.", "Thanks, zorp it.", "You always blip the plan."):
        assert toy.analyse(text) == rules.analyse(text)


def test_a_draft_the_rules_find_tense_is_theirs_alone(toy: ToneEngine, rules: ToneEngine) -> None:
    for text in ("You always zorp the plan. The blip is here.", "Zorp. Calm down."):
        assert toy.analyse(text) == rules.analyse(text)
    assert toy.rewrite("You always blip the plan.") == rules.rewrite("You always blip the plan.")


def test_a_rewrite_is_read_as_any_text_is(toy: ToneEngine, rules: ToneEngine) -> None:
    """With no rule left in it, the model reads the rewrite; one it reads as no calmer than the draft is
    refused by the guard like any other."""
    assert rules.rewrite("You always zorp the plan.").text == "You often zorp the plan."
    refused = toy.rewrite("You always zorp the plan.")
    assert refused.unchanged and refused.notes[0] == KEPT_NOTE
    assert toy.analyse("You often zorp the plan.").tension >= refused.tension_before


def test_a_curt_request_is_no_explanation(toy: ToneEngine) -> None:
    report = toy.analyse("Where is the zorp report?")
    assert [s.kind for s in report.signals] == ["curt_request", "wording"]
    assert report.level == "tense"


def test_marks_are_not_explanations_and_the_safety_route_comes_first(toy: ToneEngine) -> None:
    report = toy.analyse("ok. Zorp the plan again!!")
    found = [(s.kind, s.text) for s in report.signals]
    assert found == [("wording", "Zorp the plan again!!"), ("punctuation", "!!")]
    assert toy.analyse("zorp, I want to kill myself").safety is not None
    assert all(s.kind != "wording" for s in toy.analyse("zorp, I want to kill myself").signals)


def test_what_only_the_model_found_is_left_to_the_notes(toy: ToneEngine) -> None:
    result = toy.rewrite("Zorp the plan again.")
    assert result.unchanged and result.text == "Zorp the plan again."
    assert result.tension_after == result.tension_before > 0
    assert result.notes[0] == KEPT_NOTE and "(wording)" in result.notes[1]
    coach = toy.rewrite("Zorp the plan again.", style="coach")
    assert coach.unchanged and any("(wording)" in note for note in coach.notes)


