from __future__ import annotations

import itertools
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.tone import STYLES, ToneEngine, check_guard, protected_spans

WORDS = [
    "you", "always", "never", "idiot", "stupid", "fucking", "per my last email", "or else", "calm down",
    "@bob", "#ops", "https://x.io/a", "`code`", '"quote"', "PROJ-1", "$5", "5pm", "Friday", "!!!", "???",
    "FIX", "THIS", "NOW", "please", "?", ".", ",", "🙄", "مرحبا", "שלום", "\u200f", "\n", "kill the process",
    "I'm not upset", "lazy", "you're", "😀", "ǅ", "İ", "ß", "```", "`", "\x00", "\ue000", "\ue0011\ue001",
    "‘quote’", "‘", "’",
    # this round's moves: jab sentences, echoes, adverbs, ultimatums, scare quotes, emphatic capitals, labels
    "Nice of you to join us.", "You know who you are.", "Hourly.", "Honestly", "or I'm taking this to",
    "your", '"quick fix"', "NOT", "URGENT:", "@dana", "Frankly,",
    # the politeness round: pointed questions and openings, pressure, courtesy, curt requests, date words
    "Why did you", "So you", "Actually,", "I expect it by", "I asked for it yesterday", "Can you stop",
    "thank you", "Would it be possible", "README", "MW", "I need", "Today.", "Don't make me chase you again.",
    "maybe", "Mon", "end of the week", "May 5",
    # praise, tails, scare quotes after a verb, jab counts, led links and ticket ids
    "helpful", "Great,", "thanks", "as always", "like always.", "🎉", "was", '"handled."', "Twice.",
    "ass hole", "HTTP://X.IO", "www.", "AB-12", "-9",
]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join),
    st.lists(st.sampled_from(WORDS), max_size=40).map("".join),
    st.text(alphabet="!?.,;:-*_`\"'()[]{}<>@#$% \n", max_size=400),
)
relaxed = settings(max_examples=300, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])


@relaxed
@given(text=texts)
def test_analyse_never_crashes(engine: ToneEngine, text: str) -> None:
    report = engine.analyse(text)
    assert 0.0 <= report.tension <= 1.0
    for s in report.signals:
        assert 0 <= s.start <= s.end <= len(text) and text[s.start:s.end] == s.text


@relaxed
@given(text=texts, style=st.sampled_from(STYLES))
def test_rewrite_never_crashes_and_keeps_its_promises(engine: ToneEngine, text: str, style: str) -> None:
    result = engine.rewrite(text, style)  # type: ignore[arg-type]
    assert result.tension_after <= result.tension_before
    if result.unchanged:
        assert result.text == text
    else:
        assert check_guard(text, result.text, engine) == []


@relaxed
@given(text=texts)
def test_protected_spans_are_sorted_and_disjoint(text: str) -> None:
    spans = protected_spans(text)
    for (s1, e1), (s2, e2) in itertools.pairwise(spans):
        assert s1 < e1 <= s2 < e2


def _time(engine: ToneEngine, text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(repeat):
            engine.analyse(text)
        best = min(best, time.perf_counter() - t0)
    return best


def test_time_grows_linearly_with_length(engine: ToneEngine) -> None:
    unit = "You ALWAYS ignore my emails!!! Per my last email, fix PROJ-12 by 5pm or else. "
    small, large = unit * 3, unit * 30
    # Several tries, each timing both sizes in turn: a burst of other load on the machine inflates one try's
    # ratio (seen at 18.8 against a quiet 7.5), not all of them.
    ratio = min(_time(engine, large, 5) / _time(engine, small, 50) for _ in range(4)) * 10
    assert ratio < 15  # bench/engine.py reports the exact figure; this only catches quadratic blow-ups


def test_pathological_inputs_stay_fast(engine: ToneEngine) -> None:
    for text in ["`" * 9000, "!" * 9000, '"' * 9000, "a" * 9000, "@" * 9000, "you " * 2000, "```" * 3000,
                 "http://" * 1200, "1," * 4000]:
        t0 = time.perf_counter()
        engine.rewrite(text)
        assert time.perf_counter() - t0 < 1.0, text[:10]
