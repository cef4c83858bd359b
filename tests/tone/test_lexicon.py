from __future__ import annotations

import pathlib
import shutil

import pytest

from bot.errors import PlaybookError
from bot.tone import load_lexicon
from bot.tone.patterns import PatternSyntaxError, compile_pattern
from tests.tone.conftest import LEXICON_DIR


def test_shipped_lexicon_loads(lexicon) -> None:
    kinds = {r.kind for r in lexicon.rules}
    assert {"insult", "profanity", "threat", "blame", "absolute", "sarcasm", "passive_aggressive",
            "dismissive", "contempt", "labelling", "bare_command"} <= kinds
    assert {s.kind for s in lexicon.safety} == {"self_harm", "violence", "harassment"}


def _copy(tmp_path: pathlib.Path) -> pathlib.Path:
    target = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, target)
    return target


def test_every_problem_is_listed_with_file_and_path(tmp_path: pathlib.Path) -> None:
    d = _copy(tmp_path)
    (d / "bad_rules.yaml").write_text(
        "type: rules\nkind: insult\nwhy: x\nsuggestion: y\nweight: 9\nentries:\n"
        "  - match: '[only optional]'\n  - match: 'ok'\n    replace: '$4'\n  - match: 'x'\n    colour: red\n",
        encoding="utf-8")
    (d / "broken.yaml").write_text("type: rules\nkind: [unclosed\n", encoding="utf-8")
    (d / "unknown.yaml").write_text("type: wordlist\n", encoding="utf-8")
    with pytest.raises(PlaybookError) as err:
        load_lexicon(d)
    problems = err.value.problems
    text = "\n".join(problems)
    assert "bad_rules.yaml: weight:" in text
    assert "bad_rules.yaml: entries.2.colour:" in text
    assert "broken.yaml: (file): cannot read as YAML" in text
    assert any(p.startswith("unknown.yaml:") for p in problems)
    assert isinstance(err.value, ValueError)


def _problems(tmp_path: pathlib.Path, name: str, content: str) -> str:
    """The problems the loader lists for the shipped lexicon plus one file `name` holding `content`."""
    d = _copy(tmp_path)
    (d / name).write_text(content, encoding="utf-8")
    with pytest.raises(PlaybookError) as err:
        load_lexicon(d)
    return "\n".join(err.value.problems)


def test_pattern_and_group_errors_are_reported(tmp_path: pathlib.Path) -> None:
    text = _problems(
        tmp_path,
        "bad_patterns.yaml",
        "type: rules\nkind: insult\nwhy: x\nsuggestion: y\nweight: 1\nentries:\n"
        "  - match: '[only optional]'\n  - match: 'ok'\n    replace: '$4'\n  - match: 'a{b'\n",
    )
    assert "bad_patterns.yaml: entries.0.match:" in text
    assert "bad_patterns.yaml: entries.1.replace: refers to a group" in text
    assert "bad_patterns.yaml: entries.2.match:" in text


def test_a_rule_cannot_both_drop_its_sentence_and_replace_its_words(tmp_path: pathlib.Path) -> None:
    text = _problems(
        tmp_path,
        "bad_drop.yaml",
        "type: rules\nkind: sarcasm\nwhy: x\nsuggestion: y\nweight: 1\nentries:\n"
        "  - match: 'nice of you to'\n    replace: 'thanks for'\n    drop_sentence: true\n",
    )
    assert "bad_drop.yaml: entries.0: drop_sentence and replace exclude each other" in text


def test_whole_sentence_rules_spell_out_their_words_once(tmp_path: pathlib.Path) -> None:
    text = _problems(
        tmp_path,
        "bad_sentences.yaml",
        "type: rules\nkind: sarcasm\nwhy: x\nsuggestion: y\nweight: 0.3\nwhole_sentence: true\nentries:\n"
        "  - match: 'nice ~'\n  - match: 'great .. job'\n  - match: '{typical|again}'\n",  # again: fragments
    )
    assert "bad_sentences.yaml: entries.0.match: '~': a whole-sentence pattern spells out its words" in text
    assert "bad_sentences.yaml: entries.1.match: '..'" in text
    assert "'again' is already a whole-sentence phrase" in text


def test_a_whole_sentence_rule_counts_only_as_a_sentence_of_its_own(engine) -> None:
    assert [s.text for s in engine.analyse("The build is red. Again.").signals] == ["Again"]
    assert [s.text for s in engine.analyse("Still waiting. (Still!)").signals] == ["Still waiting", "Still"]
    for calm in ("Can you send it again?", "Again, thanks!", "again and again we win"):
        assert engine.analyse(calm).level == "calm"


def test_empty_or_missing_directory(tmp_path: pathlib.Path) -> None:
    with pytest.raises(PlaybookError, match="no lexicon"):
        load_lexicon(tmp_path / "nope")


def test_lexicon_without_safety_is_refused(tmp_path: pathlib.Path) -> None:
    d = _copy(tmp_path)
    for f in d.glob("safety_*.yaml"):
        f.unlink()
    with pytest.raises(PlaybookError, match="safety"):
        load_lexicon(d)


def test_new_rules_file_extends_without_code(tmp_path: pathlib.Path) -> None:
    from bot.tone import ToneEngine

    d = _copy(tmp_path)
    (d / "extra.yaml").write_text(
        "type: rules\nkind: jargon\nwhy: It hides the point.\nsuggestion: Say it plainly.\nweight: 0.5\n"
        "entries:\n  - match: synergize\n    replace: work together\n", encoding="utf-8")
    engine = ToneEngine(load_lexicon(d))
    report = engine.analyse("We must synergize.")
    assert [s.kind for s in report.signals] == ["jargon"]
    assert engine.rewrite("We must synergize.").text == "We must work together."


def test_a_name_listed_under_two_plain_words_is_refused(tmp_path: pathlib.Path) -> None:
    d = _copy(tmp_path)
    (d / "names_extra.yaml").write_text("type: vocabulary\nname_predicates:\n  wrong: [Idiot]\n",
                                        encoding="utf-8")
    with pytest.raises(PlaybookError) as err:
        load_lexicon(d)
    problem = "names_extra.yaml: name_predicates.wrong: 'Idiot' is already listed under 'mistaken'"
    assert problem in str(err.value)


def test_plain_words_for_names_read_calm(lexicon) -> None:
    from bot.tone import ToneEngine

    engine = ToneEngine(lexicon)
    for word in set(lexicon.name_predicates.values()):
        assert engine.analyse(f"He is {word}.").signals == (), word


@pytest.mark.parametrize("bad", ["", "~ word", ".. word", "[a] [b]", "wo{rd", "what?", "*"])
def test_pattern_syntax_errors(bad: str) -> None:
    with pytest.raises(PatternSyntaxError):
        compile_pattern(bad)


def test_pattern_features() -> None:
    p = compile_pattern("{you're|you are} [so|really] lazy")
    assert p.regex.match("You’re so lazy")
    assert p.regex.match("you are lazy")
    assert not p.regex.match("you are lazyish")
    stem = compile_pattern("fuck* off")
    assert stem.first_stems == ("fuck",)
    assert stem.regex.match("fucking off")


# What a replacement may read as when it stands alone: a plain request may lack courtesy (the style adds it
# where it fits), and "you all" opens on "you" only alone (in the rewrite it stands where the name stood).
# (and the wording model, which reads whole messages, not the fragments here, and never makes an edit)
_PLAIN_ALONE = ("bare_command", "curt_request", "pointed_opening", "wording")


def test_no_replacement_text_raises_tension(engine, lexicon) -> None:
    """Every replacement in the data must itself read calm, or rewrites could go round in circles."""
    for rule in (*lexicon.rules, *lexicon.sentences.values()):
        for text in (rule.replace or {}).values():
            if "$" in text or not text:
                continue
            report = engine.analyse(text)
            hot = [s.kind for s in report.signals if s.kind not in _PLAIN_ALONE]
            assert not hot, (rule.pattern.source, text, hot)


def test_every_shipped_pattern_compiles_with_the_groups_it_counts(lexicon) -> None:
    """Patterns are compiled by the index's alternations, not one by one at start-up: each one's expression
    must still compile alone, with the groups its {choices} and [options] make (what $n refers to)."""
    patterns = [
        *(r.pattern for r in (*lexicon.rules, *lexicon.sentences.values(), *lexicon.safety)),
        *lexicon.exemptions, *lexicon.hedges, *lexicon.courtesy, *lexicon.apology, *lexicon.promise,
        *lexicon.ask, *lexicon.demand,
    ]
    assert len(patterns) > 1000
    for pattern in patterns:
        assert pattern.regex.groups == pattern.groups, pattern.source
    assert compile_pattern("[so] you {a|b c} .. e* ~").groups == 2


def test_digits_in_a_pattern_also_match_a_masked_number_and_a_flag_indexes_no_word() -> None:
    """The analyser masks numbers before matching; "-9" is no word of the text's index ("kill -9")."""
    pattern = compile_pattern("kill -9")
    assert pattern.regex.match("kill -9") and pattern.regex.match("kill -\x00")
    assert not pattern.regex.match("kill -90") and not pattern.regex.match("kill -8")
    assert pattern.second_words == {"kill": None}


# Words in nearly every message. A pattern that opens with one and then takes any word ("the .. is on you",
# "a .. intern would have") runs its regex at every one of them: one such rule cost a quarter of the
# analyser's speed on medium and long messages. Open with a rarer word instead ("is on you").
_EVERYWHERE = {"the", "a", "an", "this", "that", "is", "it", "to", "of", "and", "i", "you", "in", "for", "on"}


def test_no_pattern_opens_with_a_common_word_and_then_any_word(lexicon) -> None:
    # (a rule that counts only where a sentence starts is tried only there: "You ..." costs little)
    patterns = [r.pattern for r in lexicon.rules if not r.at_start] + [s.pattern for s in lexicon.safety]
    patterns += lexicon.exemptions
    slow = [
        p.source
        for p in patterns
        if any(prefix[0] in _EVERYWHERE and (len(prefix) < 2 or prefix[1] is None) for prefix in p.prefixes)
    ]
    assert not slow
