"""The rule files: each one loads, each rule says why it exists, its examples hold, and docs/rules.md follows them."""

from pathlib import Path

import pytest

from extract.nlp.rulebook import RULES_DIR, RuleError, load_rules, parse_rules, render_docs

RULE_FILES = sorted(path.stem for path in RULES_DIR.glob("*.yaml"))
DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def test_the_components_rules_are_all_there():
    assert {"calls", "aid", "aid_kinds", "aid_status", "cleaning", "dates", "date_forms", "money", "people"} <= set(RULE_FILES)


@pytest.mark.parametrize("name", RULE_FILES)
def test_every_rule_loads_and_its_examples_hold(name):
    book = load_rules(name)
    assert book.rules
    for rule_name, rule in book.rules.items():
        if rule.examples is None:
            continue
        for sentence in rule.examples.match:
            assert book[rule_name].search(sentence), f"{name}.{rule_name} should match: {sentence}"
        for sentence in rule.examples.no_match:
            assert not book[rule_name].search(sentence), f"{name}.{rule_name} should not match: {sentence}"


def test_a_phrase_is_matched_as_written_and_a_pattern_as_a_pattern():
    book = parse_rules("sample", """
call:
  about: Words for a call, for this test.
  match:
    - điện đàm
    - gọi (video)
    - re: 'cuộc gọi (?:video|điện thoại)'
""")
    pattern = book["call"]
    assert pattern.search("Hai bên ĐIỆN ĐÀM hôm qua")  # case folded
    assert pattern.search("họ gọi (video) cho nhau")  # brackets in a phrase are text
    assert not pattern.search("họ gọi video cho nhau")
    assert pattern.search("một cuộc gọi điện thoại")


def test_words_and_tables_are_read_as_they_are():
    book = parse_rules("sample", """
titles:
  about: Titles, for this test.
  words: [ông, bà]
codes:
  about: Currency codes, for this test.
  mapping: {đồng: VND, yên: JPY}
""")
    assert book.words("titles") == ("ông", "bà")
    assert book.mapping("codes") == {"đồng": "VND", "yên": "JPY"}
    with pytest.raises(KeyError, match="no words rule 'codes'"):
        book.words("codes")


@pytest.mark.parametrize(("text", "complaint"), [
    ("call:\n  about: A rule without items.\n", "exactly one of match, words or mapping"),
    ("call:\n  about: Two kinds at once.\n  match: [a]\n  words: [b]\n", "exactly one of match, words or mapping"),
    ("call:\n  about: An unknown key.\n  match: [a]\n  flags: I\n", "Extra inputs are not permitted"),
    ("call:\n  match: [a]\n", "about"),
    ("call:\n  about: An empty phrase here.\n  match: ['  ']\n", "empty phrase"),
    ("call:\n  about: A broken pattern here.\n  match:\n    - re: '(?:a'\n", "not a valid pattern"),
    ("- a list, not rules by name\n", "expected rules by name"),
])
def test_a_broken_rule_file_says_which_rule_and_why(text, complaint):
    with pytest.raises(RuleError, match=r"rules/broken\.yaml") as error:
        parse_rules("broken", text)
    assert complaint in str(error.value)


def test_docs_rules_md_is_written_from_the_rule_files():
    assert DOCS.read_text(encoding="utf-8") == render_docs(), "docs/rules.md is stale: run `make rules-docs`"
