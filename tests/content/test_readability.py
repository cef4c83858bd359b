"""Unit tests for the pure-Python Flesch reading ease used by the content checks."""

from __future__ import annotations

import pytest

from bot.readability import flesch_reading_ease, joined, sentence_count, stats, syllables, words


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("cat", 1),
        ("the", 1),
        ("cake", 1),
        ("jumped", 1),
        ("table", 2),
        ("water", 2),
        ("people", 2),
        ("wanted", 2),
        ("boxes", 2),
        ("banana", 3),
        ("listening", 3),
        ("beautiful", 3),
        ("idea", 3),
        ("situation", 4),
        ("understanding", 4),
    ],
)
def test_syllable_heuristic_on_common_words(word: str, expected: int) -> None:
    assert syllables(word) == expected


def test_syllables_never_below_one() -> None:
    assert syllables("") == 1
    assert syllables("42") == 1
    assert syllables("hmm") == 1


def test_words_keep_inner_apostrophes_and_drop_punctuation() -> None:
    assert words("I'm here, don't worry!") == ["I'm", "here", "don't", "worry"]


def test_sentences_are_counted_by_end_marks_and_quotes() -> None:
    assert sentence_count("One. Two! Three?") == 3
    assert sentence_count('"Go on, I\'m listening." Then stop.') == 2
    assert sentence_count("No end mark at all") == 1
    assert sentence_count("") == 0


def test_known_simple_sentence_scores_as_very_easy() -> None:
    # 6 words, 1 sentence, 6 syllables: 206.835 - 1.015 * 6 - 84.6 * 1 = 116.145
    s = stats("The cat sat on the mat.")
    assert (s.sentences, s.words, s.syllables) == (1, 6, 6)
    assert flesch_reading_ease("The cat sat on the mat.") == pytest.approx(116.145)


def test_known_dense_sentence_scores_as_very_hard() -> None:
    dense = "Notwithstanding organisational considerations, comprehensive documentation is indispensable."
    assert flesch_reading_ease(dense) < 0


def test_plain_advice_scores_above_sixty_and_jargon_below() -> None:
    plain = "Let them finish. Then say back what you heard. Ask if you got it right."
    jargon = (
        "Facilitate comprehensive stakeholder alignment by operationalising empathetic communication "
        "methodologies throughout organisational escalation processes."
    )
    assert flesch_reading_ease(plain) >= 60
    assert flesch_reading_ease(jargon) < 60


def test_empty_text_is_trivially_easy() -> None:
    assert flesch_reading_ease("") == 100.0
    assert flesch_reading_ease("...") == 100.0


def test_joined_ends_each_fragment_as_a_sentence() -> None:
    assert joined("Take a breath", '"Go on."', "", "Why not?") == 'Take a breath. "Go on." Why not?'
    assert sentence_count(joined("Take a breath", "Listen", "Reflect")) == 3
