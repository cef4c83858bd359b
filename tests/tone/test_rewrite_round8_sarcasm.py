"""Round 8: calm edits for sarcasm, passive-aggressive, contempt, condescension, dismissive and guilt rules
that found tension but had no edit, and twins where an edit must not reach."""

from __future__ import annotations

import pytest

from bot.tone import ToneEngine

REWRITES = [
    # the sarcastic frame goes, the plain question or statement stays
    (
        "Did anyone test the migration, or are we just winging it now? The Acme demo is before lunch.",
        "Did anyone test the migration? The Acme demo is before lunch.",
    ),
    (
        "Let's see if we can get the invoice dates right this time. They go out on the 1st, not the 10th.",
        "They go out on the 1st, not the 10th.",
    ),
    # condescending lead-ins and asides
    ("You do realise your PR broke main again?", "Your PR broke main again?"),
    ("You do realize the launch is on Thursday, right?", "The launch is on Thursday, right?"),
    ("I'll draw you a diagram of the data flow.", "I'll draw a diagram of the data flow."),
    (
        "Since the words didn't seem to land, I've made you a diagram of the flow.",
        "I've made a diagram of the flow.",
    ),
    ("Happy to walk through it again if the last two times didn't stick.", "Happy to walk through it again."),
    (
        "If you'd read the ticket you'd know the bug only hits Safari. Please retest on Safari 17.",
        "The bug only hits Safari. Please retest on Safari 17.",
    ),
    (
        "Pretty sure I wrote this in plain English. The venue holds 80 people, not 180.",
        "The venue holds 80 people, not 180.",
    ),
    (
        "It's a pivot table, not rocket science. Group the rows by region.",
        "Group the rows by region.",
    ),
    # passive-aggressive sighs and tails
    (
        "Posting here so the whole team knows: the staging database was wiped at 4pm.",
        "The staging database was wiped at 4pm.",
    ),
    (
        "I'm not mad, I'm just disappointed in the way the rollout went.",
        "I'm disappointed in the way the rollout went.",
    ),
    (
        "Not sure how many times I have to say this, but PRJ-88 is blocked on legal.",
        "PRJ-88 is blocked on legal.",
    ),
    (
        "I'm sure you're really busy, but the vendor on ticket OPS-310 has been waiting since Monday.",
        "The vendor on ticket OPS-310 has been waiting since Monday.",
    ),
    (
        "I planned the whole launch on my own. The least you can do is reply to the client by 3pm.",
        "I planned the whole launch on my own. Please reply to the client by 3pm.",
    ),
    (
        "Nobody else has looked at the flaky tests, so it lands on me as always.",
        "Nobody else has looked at the flaky tests, so it lands on me.",
    ),
    # a dismissive or contemptuous opener or jab sentence goes
    (
        "Send me the signed contract by noon. I don't care what else is on your plate.",
        "Please send me the signed contract by noon.",
    ),
    (
        "I need the slides updated by Monday. All 40 of them. Don't tell me you're too busy.",
        "I need the slides updated by Monday. All 40 of them.",
    ),
    (
        "Cool story, but the client still has no invoice. Please send INV-2207 to them today.",
        "The client still has no invoice. Please send INV-2207 to them today.",
    ),
    # a guilt tail goes
    (
        "A heads-up on the reorg would have helped, but clearly my time doesn't matter here.",
        "A heads-up on the reorg would have helped.",
    ),
    (
        "Please stop calling me after 9pm about the rota. I have a life too. The new rota is on the wiki.",
        "Please stop calling me after 9pm about the rota. The new rota is on the wiki.",
    ),
]

KEPT = [
    # without a deadline elsewhere, "now" is the message's urgency: the sarcastic tail stays with it
    "Did anyone test the migration, or are we just winging it now?",
    # a noun after "realize" leaves no plain question behind
    "You do realize the implications?",
    "You do know the password?",
    # an object after the verb would be left dangling
    "Not sure how many more ways I can explain the rollback process.",
    # "the least you could do" before a noun has no plain request
    "The least you could do is a quick review.",
    # an explanation that did not "work for the team" is not the jab
    "Since my explanation didn't seem to work for the team, here's a one-pager.",
    # the whole message is the jab: nothing is left to say it plainly
    "I have a life too.",
]


@pytest.mark.parametrize(("draft", "expected"), REWRITES)
def test_round8_rewrites(engine: ToneEngine, draft: str, expected: str) -> None:
    assert engine.rewrite(draft).text == expected


@pytest.mark.parametrize("draft", KEPT)
def test_round8_kept(engine: ToneEngine, draft: str) -> None:
    assert engine.rewrite(draft).unchanged
