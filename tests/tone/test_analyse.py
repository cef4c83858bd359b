from __future__ import annotations

import pytest

from bot.errors import InputError
from bot.tone import MAX_CHARS, ToneEngine


def kinds(engine: ToneEngine, text: str) -> set[str]:
    return {s.kind for s in engine.analyse(text).signals}


def assert_twins(engine: ToneEngine, tense: str, calm: str) -> None:
    """`tense` reads tense (or heated) and its plain twin `calm` reads calm."""
    assert engine.analyse(tense).level != "calm", (tense, engine.analyse(tense).signals)
    assert engine.analyse(calm).level == "calm", (calm, engine.analyse(calm).signals)


@pytest.mark.parametrize(("text", "kind"), [
    ("You're such an idiot.", "insult"),
    ("This is fucking broken.", "profanity"),
    ("Get it done by Friday or else.", "threat"),
    ("It's your fault the release slipped.", "blame"),
    ("You always change the plan at the last minute.", "absolute"),
    ("WHY IS THIS STILL NOT DONE", "shouting"),
    ("Where is it!!!", "punctuation"),
    ("Oh great, another outage.", "sarcasm"),
    ("Per my last email, the numbers are final.", "passive_aggressive"),
    ("Thanks in advance for finally reading the spec.", "passive_aggressive"),
    ("Not sure why this is so hard.", "passive_aggressive"),
    ("As I already said, we ship on Monday.", "passive_aggressive"),
    ("Calm down.", "dismissive"),
    ("You're overreacting about the deadline.", "dismissive"),
    ("This proposal is ridiculous.", "contempt"),
    ("Pathetic effort from the team.", "contempt"),
    ("Sure 🙄", "contempt"),
    ("You're lazy.", "labelling"),
    ("Send me the report.", "bare_command"),
])
def test_each_signal_kind_fires(engine: ToneEngine, text: str, kind: str) -> None:
    report = engine.analyse(text)
    assert kind in {s.kind for s in report.signals}
    for s in report.signals:
        assert text[s.start:s.end] == s.text
        assert s.why and s.suggestion


@pytest.mark.parametrize("text", [
    "Can you kill the process on the staging box?",
    "This bug is killing me.",
    "Please execute the script after the deploy.",
    "We need to reduce the attack surface.",
    "We should hit the deadline if the review lands today.",
    "Shoot me a message when you're free.",
    "There's a lot of dead code in the parser.",
    "Let's shoot for Tuesday.",
    "I could kill for a coffee right now.",
    "This deadline is killing me.",
    "If the worker hangs, kill -9 it and file a ticket.",
    "If that fails, kill -15 the old pid.",
    "I'll shoot him an email about it.",
    "The garbage collector pauses are long.",
    "It's not a big deal, we can move it.",
    "I'm not upset, just curious about the plan.",
    "Could you take a look at the failing test when you have a moment? Thanks!",
    "We always deploy on Thursdays.",
    "Run `rm -rf build && make stupid-target` to reset.",
    "See https://example.com/idiot-proof-guide for details.",
    "The ticket title says \"this is stupid\" but we kept it.",
    "Let's beat the deadline.",
    # a promise after an apology, and a dated reference to an email, are no reproach
    "Sorry, this won't happen again.",
    "Per my email of 12 March, the invoice is due on Friday.",
    "Amazing how the team pulled this off in a week, well done!",
    "",
])
def test_idioms_code_links_and_hedges_stay_calm(engine: ToneEngine, text: str) -> None:
    report = engine.analyse(text)
    assert report.level == "calm", report.signals
    assert report.safety is None


def test_a_rule_that_holds_a_whole_idiom_and_goes_on_still_counts(engine: ToneEngine) -> None:
    # "no worries" is an idiom the rules leave alone; the reproach that starts with it is not
    reproach = engine.analyse("No worries if you're too busy, I'll tell the client myself.")
    assert [s.text for s in reproach.signals] == ["No worries if you're too busy"]
    assert engine.analyse("No worries if you're busy, tomorrow works too.").level == "calm"


@pytest.mark.parametrize(("tense", "calm"), [
    ("I'll take your silence as a yes.", "I'll take your answer as a yes."),
    ("I'm sure you're very busy.", "I'm sure you're busy, so no rush."),
    ("I don't know how many more times I can explain this.", "How many more tickets can we take on?"),
    ("Please actually read the ticket.", "Please read the ticket; it's actually short."),
    ("Happy to explain it again, slowly.", "Happy to explain it again."),
    ("You should know this by now.", "You should know that the deploy moved to 5pm."),
    ("Who taught you to write code like this?", "Who can show me how to write this?"),
    ("Just do what I asked.", "I will do what I said yesterday."),
])
def test_reproaches_dressed_as_remarks_and_plain_twins(engine: ToneEngine, tense: str, calm: str) -> None:
    assert_twins(engine, tense, calm)


# Written from the misses of a development batch of workplace drafts (bench/workplace/batch10.tsv), in other
# words: each tense line is found with its kind, and a plain line that shares its words stays calm.
_DEFLECTIONS_AND_PUT_DOWNS = {  # kind: (tense, calm twin)
    "blame": [
        ("The failed release is on you.", "The next release is on Tuesday."),
        ("If the copy is wrong, that's on marketing.", "If the copy is wrong, marketing can fix it."),
        ("Not my fault the vendor was late.", "It was my fault the vendor was late; I sent the PO late."),
        ("Don't pin this one on my team.", "Pin this message to the channel, please."),
        ("Check your own code before you blame mine.", "Check your calendar before you book the room."),
        ("I didn't break it.", "I didn't finish it yet, sorry."),
        ("I know it was you who deleted the branch.", "I know you were busy, so I deleted the branch."),
        ("Calling this out in front of everyone: the deploy was skipped.",
         "Calling everyone to the retro at 3."),
    ],
    "threat": [
        ("If the forecast slips again it's going in your review.",
         "The forecast is going in the quarterly review."),
        ("Sign it by noon or I escalate.", "Sign it by noon or I can extend to Monday."),
        ("Think carefully about how you respond to this.", "Think about how we respond to the RFP."),
        ("Keep arguing and see where that gets you.", "Keep the change log updated, please."),
        ("Maybe this isn't the right job for you.", "Maybe this isn't the right tool for the job."),
    ],
    "condescension": [
        ("Okay, let me go slow this time.", "Okay, let me go through the slides."),
        ("It's a pivot table, not rocket science.", "It's a pivot table, not a chart."),
        ("Should I draw you a diagram?", "Should I draw a diagram for the doc?"),
        ("Genuinely asking, because the numbers say otherwise.", "Asking because the numbers changed."),
        ("Leave the pricing to the people who understand it.", "Leave the pricing page as it is."),
        ("Send me updates so I know you're actually working.", "Send me updates so I know where we are."),
        ("I want to approve every change you make.", "I want to approve the change before Friday."),
        ("I don't trust your estimate.", "I don't have your estimate yet."),
    ],
    "contempt": [
        ("This plan reads like it was written on a napkin.", "This plan reads well; ship it."),
        ("The summary is painful to read.", "The summary is easy to read."),
        ("I've seen better specs from a student.", "I've seen the specs from the vendor."),
        ("Even the intern would have caught that.", "Even the intern came to the offsite."),
        ("You're the most disorganized lead I've ever had.", "You're the most helpful lead I've ever had."),
    ],
    "sarcasm": [
        ("Stellar job breaking the staging build.", "Stellar job fixing the staging build."),
        ("Great communication, everyone.", "Great presentation, everyone."),
        ("Not like I have a life or anything.", "Not sure I have the access for that."),
    ],
    "loaded_question": [
        ("What's your excuse this time?", "What's your estimate this time?"),
        ("Was anyone planning to tell me the launch moved?", "Is anyone planning to join the launch call?"),
        ("Do you not read the channel?", "Do you read the channel on weekends?"),
    ],
    "dismissive": [
        ("I don't want to hear it.", "I want to hear it at the retro."),
        ("Stop being so defensive about the review.", "Stop by my desk about the review."),
        ("You're reading way too much into it.", "You're reading the wrong dashboard."),
    ],
    "passive_aggressive": [
        ("After everything I've done for this team, this is how you repay me.",
         "After the offsite, this is how we plan."),
    ],
}


@pytest.mark.parametrize(
    ("tense", "calm", "kind"),
    [(tense, calm, kind) for kind, pairs in _DEFLECTIONS_AND_PUT_DOWNS.items() for tense, calm in pairs],
)
def test_deflection_distrust_and_put_downs_and_plain_twins(
    engine: ToneEngine, tense: str, calm: str, kind: str
) -> None:
    report = engine.analyse(tense)
    assert report.level != "calm" and kind in {s.kind for s in report.signals}, report.signals
    assert engine.analyse(calm).level == "calm", engine.analyse(calm).signals


def test_negation_suppresses_labels_and_contempt(engine: ToneEngine) -> None:
    assert "labelling" not in kinds(engine, "You're not lazy, you're overloaded.")
    assert "contempt" not in kinds(engine, "It isn't ridiculous at all.")
    assert "labelling" in kinds(engine, "You're lazy.")


def test_hedges_lower_the_weight(engine: ToneEngine) -> None:
    plain = engine.analyse("That was stupid.").tension
    hedged = engine.analyse("That was maybe a bit stupid.").tension
    assert 0 < hedged < plain


def test_tension_orders_messages(engine: ToneEngine) -> None:
    calm = engine.analyse("Could you send the report by Friday? Thanks.")
    tense = engine.analyse("Per my last email, send the report by Friday.")
    heated = engine.analyse("You ALWAYS do this!!! Send the damn report by Friday or else.")
    assert calm.level == "calm" and tense.level == "tense" and heated.level == "heated"
    assert calm.tension < tense.tension < heated.tension
    assert 0.0 <= heated.tension <= 1.0


def test_acronyms_are_not_shouting(engine: ToneEngine) -> None:
    assert "shouting" not in kinds(engine, "The API and the CLI both need the SSO fix ASAP.")
    # a word with no vowel is an abbreviation, listed or not
    assert "shouting" not in kinds(engine, "Confirm TX-55012 (50 MW, PJM West) today, please.")
    assert "shouting" in kinds(engine, "I said NO, TWO approvals.")


# A question aimed at what the reader did, and a request with no courtesy at all, weigh little alone and
# nothing beside courtesy, but they rank the curt request above the courteous one (requests from
# bench/requests/community_dev.tsv, in other words).
@pytest.mark.parametrize(("curt", "courteous", "kind"), [
    ("Why did you remove my paragraph?", "Thanks for the cleanup! Could you say why the paragraph went?",
     "direct_question"),
    ("So you merged it without a review?", "Thanks for merging it! Was there a review I missed?",
     "direct_question"),
    ("Where exactly is the source for this?", "Could you point me to the source for this, please?",
     "direct_question"),
    ("How is that helpful?", "Thank you, that's helpful.", "direct_question"),
    ("Where did you get that number from?", "Could you tell me where that number comes from? Thanks.",
     "direct_question"),
    ("Where is the changelog entry?", "Could you point me to the changelog entry? Thanks!", "curt_request"),
    ("I need the Q3 numbers by Friday.", "Hi Sam, I need the Q3 numbers by Friday, if you can.",
     "curt_request"),
    ("Which version are you on?", "Hi! Which version are you on?", "curt_request"),
])
def test_a_curt_request_ranks_above_a_courteous_one(
    engine: ToneEngine, rules: ToneEngine, curt: str, courteous: str, kind: str
) -> None:
    pointed, polite = engine.analyse(curt), engine.analyse(courteous)
    assert polite.signals == () and pointed.tension > polite.tension
    # the rules find it calm, with the kind (the wording model may find it tense: "Why did you ...?")
    assert [s.kind for s in rules.analyse(curt).signals] == [kind] and rules.analyse(curt).level == "calm"


def test_an_opening_on_you_or_on_a_correction_weighs_little(engine: ToneEngine) -> None:
    for text in ("You removed three sources.", "Actually, the census figure is 41,000."):
        report = engine.analyse(text)
        assert [s.kind for s in report.signals] == ["pointed_opening"] and report.level == "calm"
    assert engine.analyse("You did a great job on the slides!").signals == ()  # courtesy
    assert engine.analyse("Thanks! You can find it in the wiki.").signals == ()
    assert engine.analyse("I think you can find it in the wiki.").signals == ()  # not an opening


@pytest.mark.parametrize("polite", [
    # (polite requests from bench/requests/community_dev.tsv, in other words)
    "Hello! Apologies if this is a silly question: may I cite a press release?",
    "Hi, the README and the CLI help disagree. Shall I open a PR to fix it?",
    "You raise a fair point about neutrality. Could we work out some wording together?",
    "Would it be possible to reopen this question? I've added the full error.",
    "Maybe the section could move to the talk page first?",
])
def test_courtesy_deference_and_hedges_leave_a_request_unmarked(engine: ToneEngine, polite: str) -> None:
    assert engine.analyse(polite).signals == ()


def test_a_statement_is_not_curt_and_scorn_for_the_readers_question_counts(engine: ToneEngine) -> None:
    assert engine.analyse("The build is green.").signals == ()  # not a request: nothing curt about it
    assert engine.analyse("That's a silly question.").level != "calm"  # the reader's question, not mine


# A reproach in a courteous frame, and thanks for a harm (from bench/requests/community_dev.tsv, in other
# words), beside the sincere requests that share their words.
@pytest.mark.parametrize(("tense", "calm"), [
    ("Can you stop bumping this thread?", "Can you stop by my desk at 3pm?"),
    ("Could you not just read the error message?", "Could you read the error message out to me?"),
    ("Did you seriously cite your own blog?", "Did you cite the blog post in the footnotes?"),
    ("Are you incapable of reading a diff?", "Are you able to read the diff on your phone?"),
    ("Thanks for deleting my answer without a word.", "Thanks for deleting the duplicate answer."),
    ("Thanks in advance, I guess.", "Thanks in advance, I appreciate it."),
    ("Can you manage that today?", "Can you manage the release notes today? Thanks!"),
    ("Can you explain why you reverted my edit?", "Could you explain why the 2010 figure was removed?"),
])
def test_a_reproach_in_a_courteous_frame_is_found(engine: ToneEngine, tense: str, calm: str) -> None:
    assert_twins(engine, tense, calm)


def test_a_pointed_question_adds_to_another_signal(engine: ToneEngine) -> None:
    # ("what makes you think that?" is also asked to learn: alone it is calm, ranked above a plain question)
    alone = engine.analyse("What makes you think a press release counts?")
    assert alone.level == "calm" and alone.tension > engine.analyse("Does a press release count?").tension
    assert engine.analyse("Why did you merge this? Nobody reviewed it.").level == "tense"
    assert engine.analyse("Why don't you take Friday off? You've earned it.").level == "calm"
    assert "direct_question" not in kinds(engine, "Why did you pick Postgres? Just curious, thanks!")


# (polite requests from a development set of graded workplace emails, bench/requests/emails_dev.tsv)
@pytest.mark.parametrize(("tense", "calm"), [
    ("Thank you for never replying.", "Close weeks are never fun, so thank you in advance."),
    ("You never reply, thank you very much.", "Thank you, that never gets old."),
    ("Oh, you know better? Do tell.", "Do tell me if you need anything else from me first."),
])
def test_the_reader_is_addressed_only_where_words_say_so(engine: ToneEngine, tense: str, calm: str) -> None:
    assert_twins(engine, tense, calm)


@pytest.mark.parametrize(("tense", "calm"), [
    ("You're never helpful.", "You're always so helpful, thanks!"),
    ("Thanks Sam, you always explain things twice.", "Thanks Sam, you always explain things so clearly."),
    ("Great, you always do this.", "Great work, you always keep the board tidy."),
    ("You always interrupt me, it's not great.", "You always bring the best snacks 😄"),
    ("You always think you know best.", "You're always so thoughtful in reviews."),
    ("You always ignore me 🙄", "You always have the best ideas in retros 🎉"),
    ("Every time I ask you, I learn nothing.", "Honestly, every time I pair with you I learn something."),
])
def test_always_in_a_sentence_of_praise_is_a_compliment(engine: ToneEngine, tense: str, calm: str) -> None:
    # (praise: the lexicon's word set, or a delight emoji, not negated and not an interjection opening it)
    assert_twins(engine, tense, calm)


@pytest.mark.parametrize(("tense", "calm"), [
    ("You missed the deadline, like always.", "As always, let me know if you have questions."),
    ("Your team dropped the ball on this, as usual.", "As usual, the notes are in the wiki if you need it."),
    ("You forgot to update the changelog, once again.", "Thank you for the quick review, as always!"),
    ("You skipped the review, as usual 🙄", "You did a great job, as always."),
    ("You merged it unreviewed, as always.", "Your team can find the deck on the drive, as always, or ask."),
])
def test_a_tail_that_makes_one_slip_a_verdict_counts_only_at_the_end(
    engine: ToneEngine, tense: str, calm: str
) -> None:
    # (at_end rules: the reader may be the sentence's subject however far back; thanks or praise excuse it)
    assert "absolute" in kinds(engine, tense), tense
    assert engine.analyse(calm).level == "calm", engine.analyse(calm).signals


def test_urgency_against_the_readers_pace_is_pressure_dates_alone_are_not(engine: ToneEngine) -> None:
    assert "pressure" in kinds(engine, "I need the numbers today, not when you get around to it.")
    assert engine.analyse("Can we do the retro now, not tomorrow? Thanks!").level == "calm"


@pytest.mark.parametrize("calm", [
    "Not a dumb question at all, the fonts are in the design folder.",
    "Silly question but where do we keep the brand fonts?",
    "Could you not use my desk while I'm out? I keep patient files there. Thanks!",
    "I'm going to murder this to-do list today. Wish me luck.",
    "You never fail to make standup more fun, Priya.",
    'The label says "save" and the field is "required".',  # (after "is" a quote names a value)
])
def test_near_misses_from_batch_17_stay_calm(engine: ToneEngine, calm: str) -> None:
    assert engine.analyse(calm).level == "calm", engine.analyse(calm).signals


# (the tense lines are the kind the curriculum itself teaches people to avoid: a lesson's "before", a
# checklist's "avoid"; each calm twin shares the words that must not be enough)
@pytest.mark.parametrize(("tense", "calm"), [
    ("You're just being difficult about the rota.", "You're just being careful with the rota, thanks."),
    ("Nobody ever cleans the kitchen.", "Nobody has cleaned the kitchen yet; I'll do it now."),
    ("You're late again.", "You're running late? No problem at all, take your time."),
    ("Stop dumping work on me at 5 pm.", "Feel free to dump all this on me, happy to help."),
    ("Maybe read the doc before you criticise it.", "Maybe read the notes before you reply."),
    ("Yes, I know how to do my job.", "Yes, I know how to do the export now, thanks."),
    ("As I said above, point 4 was clear.", "As I said in the invite, lunch is provided."),
    ("Keep shouting and I'll call security to throw you out.", "Don't let the new layout throw you off."),
    ("I don't want excuses, I want it fixed.", "I don't want to rush you, fix it when you can."),
    ("I've been here longest, so the desk is mine, end of story.", "At the end of story 3 we can demo it."),
    ("Because I said so.", "Because I said I would, it's done."),
    ("You two are acting like kids.", "I'm acting like a kid in a candy store with this laptop."),
    ("Do it now or you're going to the office.", "Do it now or tomorrow, whichever suits you."),
    ("Finish it today or you'll be written up.", "Finish it today or tomorrow; either works."),
    ("You better fix it today.", "Would Thursday afternoon suit you better?"),
])
def test_what_the_curriculum_teaches_to_avoid_reads_tense(engine: ToneEngine, tense: str, calm: str) -> None:
    assert_twins(engine, tense, calm)


# (subtle kinds from a development batch, bench/workplace/batch23.tsv, in other words; each calm twin keeps
# the words that must not be enough)
@pytest.mark.parametrize(("tense", "calm"), [
    ("No problem, I'll just miss the recital.", "No problem, I'll miss the 3pm call, I'm at the dentist."),
    ("Don't worry, I'll fix it like I always do.", "Don't worry, I'll fix it, I always check logs first."),
    ("Guess I'm the only one who reads the alerts channel.",
     "I'm the only one who has access to the alerts channel, so ping me."),
    ("I'd hate for this to reach Priya.", "I'd hate for you to miss the launch party, it's at 5."),
    ("Let's see what the director thinks about the timeline then.",
     "Let's see what the data says about the timeline."),
    ("Didn't know you had it in you.", "Didn't know you had a cat!"),
    ("Great report, much better than your usual.", "Great report, much better than the template."),
    ("I'll try to explain this in a way that makes sense to you.",
     "I'll try to explain this in a way that makes sense for the board."),
    ("Why am I the last person to find out?", "Why am I the first person on the rota?"),
    ("Were you going to mention the invoice was over?", "Were you able to check the invoice?"),
    ("The docs are late, even the interns got theirs done.", "Even the interns enjoyed the offsite."),
    ("Good to know where I stand.", "Good to know, thanks!"),
    ("It's really not that complicated.",
     "It's really not that complicated to set up, the guide takes ten minutes."),
    ("Interesting choice.", "Interesting talk yesterday, thanks for sharing the slides."),
    ("I don't care who broke it, fix it.", "I care about who reviews it, so please add Sam."),
    ("You're always happy to leave early, I see.",
     "I'm always happy to review your drafts, just send them over."),
])
def test_subtle_tension_from_batch_23_and_plain_twins(engine: ToneEngine, tense: str, calm: str) -> None:
    assert_twins(engine, tense, calm)


# (a jab beside real content, from a development batch, bench/workplace/batch24.tsv, in other words)
@pytest.mark.parametrize(("tense", "calm"), [
    ("Clearly the checklist was just for decoration.", "The lights in the lobby are just for decoration."),
    ('I didn\'t realize "on it" meant "next month."', "I didn't realize the office was closed on Monday."),
    ("Sure, another meeting. That'll definitely help.", "Pairing on it tomorrow will definitely help."),
    ("Wow you finally replied to the vendor.", "Wow, the new dashboards look great."),
    ("My mistake for assuming the report would be right.",
     "My mistake: I sent the old file, here's the new one."),
    ("I'm sure there's a great reason the budget is still pending.",
     "I'm sure there's a meeting room free at 3, I'll check."),
    ("Did I miss the memo about skipping code review?",
     "Did I miss the notes from Tuesday? Could you resend them?"),
    ("Good to know testing is apparently optional now.", "Attendance at the social is optional."),
    ("Let me make this really simple: blue bin is recycling.", "Let me make a simple list of the bins."),
    ("If you'd read the contract you'd know it's 30 days.",
     "If you read the contract tonight, we can discuss it at 9."),
    ("Some of you should be ashamed of the state of the fridge.",
     "The fridge will be emptied on Friday at 3pm."),
    ("If that's a problem for you, raise it with Sarah.", "If that's a problem for the client, let me know."),
    ("I'm going to start keeping a log of incomplete handoffs.",
     "I'm going to start keeping the handoff notes in OneNote."),
    ("Not sure if you're aware, but we have a style guide.", "We have a style guide, pinned in #content."),
    ("Was the load test skipped on purpose?", "Was the load test scheduled for today?"),
    ("Once again I'm the bad guy for enforcing the policy.",
     "I'm enforcing the new returns policy from Monday."),
])
def test_jabs_beside_content_from_batch_24_and_plain_twins(engine: ToneEngine, tense: str, calm: str) -> None:
    assert_twins(engine, tense, calm)


def test_courtesy_turns_off_bare_command(engine: ToneEngine) -> None:
    assert "bare_command" not in kinds(engine, "Send me the report, please.")
    assert "bare_command" not in kinds(engine, "Send me the report?")


def test_over_long_input_is_refused_clearly(engine: ToneEngine) -> None:
    with pytest.raises(InputError, match="limit is 10,000"):
        engine.analyse("a" * (MAX_CHARS + 1))
    with pytest.raises(InputError):
        engine.rewrite("a" * (MAX_CHARS + 1))
    assert engine.analyse("a " * (MAX_CHARS // 2)).level == "calm"
