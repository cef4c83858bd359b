from __future__ import annotations

import dataclasses
import pathlib

import pytest

from bot.tone import Lexicon, ToneEngine, load_lexicon

LEXICON_DIR = pathlib.Path(__file__).resolve().parents[2] / "playbooks" / "lexicon"


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon(LEXICON_DIR)


@pytest.fixture(scope="session")
def engine(lexicon: Lexicon) -> ToneEngine:
    return ToneEngine(lexicon)


@pytest.fixture(scope="session")
def rules(lexicon: Lexicon) -> ToneEngine:
    """The phrase rules alone, without the wording model."""
    return ToneEngine(dataclasses.replace(lexicon, wording=None))
