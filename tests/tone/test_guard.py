from __future__ import annotations

from bot.tone import ToneEngine, check_guard

DRAFT = "Why didn't you send the $1,200 invoice to @dana by Friday?? It's your fault."


def test_accepts_a_good_rewrite(engine: ToneEngine) -> None:
    assert check_guard(DRAFT, engine.rewrite(DRAFT).text, engine) == []


def test_rejects_lost_or_changed_protected_tokens(engine: ToneEngine) -> None:
    bad = "Is there a reason you didn't send the $1,300 invoice to @dana by Friday?"
    assert any("protected" in r for r in check_guard(DRAFT, bad, engine))


def test_a_date_may_change_its_case_and_nothing_else(engine: ToneEngine) -> None:
    draft = "Send PROJ-42 to @dana by FRIDAY, not MAY 5!!!"
    assert check_guard(draft, "Please send PROJ-42 to @dana by Friday, not May 5.", engine) == []
    for bad in ("Please send PROJ-42 to @dana by Monday, not May 5.",  # another day
                "Please send proj-42 to @dana by Friday, not May 5.",  # a ticket id is kept exactly
                "Please send PROJ-42 to @Dana by Friday, not May 5."):
        assert any("protected" in r for r in check_guard(draft, bad, engine)), bad


def test_rejects_new_facts(engine: ToneEngine) -> None:
    bad = "Is there a reason you didn't send the $1,200 invoice to @dana by Friday? See PROJ-9."
    assert any("adds names" in r for r in check_guard(DRAFT, bad, engine))


def test_rejects_question_turned_statement(engine: ToneEngine) -> None:
    bad = "You didn't send the $1,200 invoice to @dana by Friday."
    assert "a question became a statement" in check_guard(DRAFT, bad, engine)


def test_rejects_lost_request_and_deadline(engine: ToneEngine) -> None:
    draft = "Send the report now or else."
    assert "the request was lost" in check_guard(draft, "The report.", engine)
    assert "the deadline or urgency was lost" in check_guard(draft, "Please send the report.", engine)


def test_before_is_a_deadline_only_when_something_follows_it(engine: ToneEngine) -> None:
    lost = "the deadline or urgency was lost"
    assert lost in check_guard("Merge it before Friday, please.", "Merge it, please.", engine)
    assert lost in check_guard("Ask me before you merge.", "Ask me.", engine)
    said = "I've said this before and I'll say it again, do not push directly to main."
    assert lost not in check_guard(said, "Do not push directly to main.", engine)
    assert engine.rewrite(said).text == "Do not push directly to main."
    # "before I do" at the end of its clause threatens to act; it names no time
    threat = "The count is off again. Can someone talk to Jenna before I do?"
    assert lost not in check_guard(threat, "The count is off again. Can someone talk to Jenna?", engine)
    assert engine.rewrite(threat).text == "The count is off again. Can someone talk to Jenna?"
    assert lost in check_guard("Tell me before I do the release.", "Tell me.", engine)


def test_rejects_new_apology_and_promise(engine: ToneEngine) -> None:
    draft = "This is a stupid plan."
    assert any("apology" in r for r in check_guard(draft, "Sorry, this plan is unwise.", engine))
    assert any("promise" in r for r in check_guard(draft, "This plan is unwise; I will fix it.", engine))


def test_rejects_unbounded_length_and_empty(engine: ToneEngine) -> None:
    draft = "This is a stupid plan."
    assert any("longer" in r for r in check_guard(draft, "This plan is unwise. " * 20, engine))
    assert "the rewrite is empty" in check_guard(draft, "   ", engine)


def test_rejects_hotter_or_not_calmer(engine: ToneEngine) -> None:
    draft = "This plan is unwise."
    assert any("more tense" in r for r in check_guard(draft, "This plan is fucking stupid.", engine))
    assert any("not calmer" in r for r in check_guard("This is stupid.", "This is dumb.", engine))


def test_safety_messages_cannot_be_rewritten(engine: ToneEngine) -> None:
    draft = "Fix it or I'll kill you."
    reasons = check_guard(draft, "Please fix it.", engine)
    assert "a message for the safety route must not be rewritten" in reasons
    assert any("safety" in r for r in check_guard("Fix it.", "Fix it or I'll kill you.", engine))


def test_reasons_never_quote_the_message(engine: ToneEngine) -> None:
    draft = "Secret plan XYZZY is stupid, send it now?"
    for candidate in ["", "XYZZY " * 50, "Plan XYZZY 42 is fucking stupid."]:
        for reason in check_guard(draft, candidate, engine):
            assert "XYZZY" not in reason and "stupid" not in reason
