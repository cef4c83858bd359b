from __future__ import annotations

import pytest

from bot.tone import SafetyHit, ToneEngine


@pytest.mark.parametrize(("text", "kind"), [
    ("Honestly I want to kill myself after this week.", "self_harm"),
    ("I don't want to live anymore.", "self_harm"),
    ("Sometimes I think everyone would be better off without me.", "self_harm"),
    ("If he does that again I'm going to kill him.", "violence"),
    ("I'm bringing a gun to work tomorrow.", "violence"),
    ("I know where you live.", "violence"),
    ("My manager keeps touching me and I don't know what to do.", "harassment"),
    ("I'm being harassed by someone on my team.", "harassment"),
    ("I was passed over because I'm a woman.", "harassment"),
    ("He made racist comments in the standup again.", "harassment"),
])
def test_safety_route_fires(engine: ToneEngine, text: str, kind: str) -> None:
    report = engine.analyse(text)
    assert report.safety == SafetyHit(kind)  # type: ignore[arg-type]
    assert report.level == "heated"


@pytest.mark.parametrize("text", [
    "This deadline is killing me.",
    "Shoot for Tuesday.",
    "I could kill for a coffee.",
    "Kill the process and restart it.",
    "We need to execute the plan.",
    "I'd die to see this ship on time.",
    "The demo bombed, sadly.",
    "Hit me up later.",
    "I'm not going to hurt you, I just want the numbers.",
    "That's a smoking gun in the logs.",
    "Let's take a stab at the estimate.",
    "He's not harassing me, we just disagree.",
])
def test_idioms_never_trigger_safety(engine: ToneEngine, text: str) -> None:
    assert engine.analyse(text).safety is None


def test_safety_hit_never_holds_text() -> None:
    assert [f for f in SafetyHit.__dataclass_fields__] == ["kind"]


@pytest.mark.parametrize("style", ["calm", "warm", "concise", "coach"])
def test_rewrite_does_not_polish_a_threat(engine: ToneEngine, style: str) -> None:
    text = "Fix it today or I'm going to kill you, idiot!!!"
    result = engine.rewrite(text, style)  # type: ignore[arg-type]
    assert result.text == text
    assert result.unchanged and not result.changes
    assert result.safety == SafetyHit("violence")
