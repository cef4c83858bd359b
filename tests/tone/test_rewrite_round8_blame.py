"""Round 8: calm edits for blame, loaded-question and threat rules that detected tension but had no edit."""

from __future__ import annotations

import pytest

from bot.tone import ToneEngine


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        # blame: a failure pinned on the reader -> what it needs
        (
            "This delay is on you, and the postmortem is due Friday.",
            "This delay needs your attention, and the postmortem is due Friday.",
        ),
        (
            "@sam this incident is on your team. The alert fired twice overnight.",
            "@sam this incident needs your team's attention. The alert fired twice overnight.",
        ),
        # blame: the crowd named in the lead-in goes
        (
            "Just so everyone is aware, the release notes from Dev are still missing.",
            "The release notes from Dev are still missing.",
        ),
        (
            "Flagging here so there's visibility: the Q3 export from Lina's script dropped every EU row.",
            "Flagging here: the Q3 export from Lina's script dropped every EU row.",
        ),
        # blame: the retort goes, the request stays
        (
            "Maybe check your own numbers before the review. Cell C12 sums the wrong range.",
            "Maybe check your numbers before the review. Cell C12 sums the wrong range.",
        ),
        ("Please stop ignoring my emails on the renewal.", "Please respond to my emails on the renewal."),
        (
            "Half my sprint went into fixing the mess your refactor caused in billing.",
            "Half my sprint went into fixing the problems your refactor caused in billing.",
        ),
        # loaded questions -> the plain question
        (
            "Seriously, who signed off on a 40% discount for Acme? Finance never saw it.",
            "Who signed off on a 40% discount for Acme? Finance never saw it.",
        ),
        ("So who exactly decided to move the launch to Monday?", "Who decided to move the launch to Monday?"),
        ("Can you not just restart the worker?", "Could you restart the worker?"),
        ("Did you open the attached spreadsheet at all?", "Did you open the attached spreadsheet?"),
        (
            "Why has the vendor form taken two weeks? Is anybody on that team actually working?",
            "Why has the vendor form taken two weeks?",
        ),
        # threats: the jab goes, the request, its time and the real next step stay
        (
            "If the invoices aren't filed by Thursday, I'm handing this to Raj "
            "and he won't be as patient as me.",
            "If the invoices aren't filed by Thursday, I'm handing this to Raj.",
        ),
        (
            "Send the slides by noon please. "
            "Otherwise I'll assume you can't do it and give the slot to Ines.",
            "Send the slides by noon please. If that's not possible, I'll give the slot to Ines.",
        ),
        (
            "Stock count at the Elm St store is off by 12 again. Can someone talk to Priya before I do?",
            "Stock count at the Elm St store is off by 12 again. Can someone talk to Priya?",
        ),
    ],
)
def test_round8_blame_question_and_threat_edits(engine: ToneEngine, draft: str, expected: str) -> None:
    assert engine.rewrite(draft).text == expected


@pytest.mark.parametrize(
    "draft",
    [
        "The bug is on you to fix by Friday.",  # "needs your attention to fix" is no English
        # "and I'll" after the edit would read "I'll I'll"; "can't make it" is a plain guess about a table
        "Slides by noon, please. Otherwise I'll assume you can't do it and I'll present without them.",
        "Tell me by 3 if you're joining. Otherwise I'll assume you can't make it and book a table for 4.",
        "Can you not even open the file?",  # doubt about ability: no request says the same
        "Fix your own mess.",
        "Seriously, who thought a Friday deploy was fine?",
    ],
)
def test_round8_twins_the_edits_leave_alone(engine: ToneEngine, draft: str) -> None:
    assert engine.rewrite(draft).unchanged
