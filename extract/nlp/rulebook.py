"""The rules of the language as data: the YAML files in `rules/`, one per component.

Like spaCy's pattern files, a rule file lists what the text may say (trigger words,
cues, phrases) and the Python components decide what to do with a match. A rule is

    name:
      about: why the rule exists, in a sentence
      match:                 # tried in order; the first that matches at a position wins
        - điện đàm           # a phrase, matched as written (case folded unless case_sensitive)
        - re: '\\bgọi cho'    # a regular expression, for what a phrase cannot say
      before: '^'            # optional regex around the list: before(?:item|item|...)after
      after: '\\s*$'
      case_sensitive: false
      examples:              # optional sentences the rule must (not) match; tests/extract/nlp checks them
        match: [...]
        no_match: [...]

and compiles to one regular expression. A file may also hold plain lists (`words:`) and
tables (`mapping:`, e.g. a currency's spellings to its code) that a component reads as
they are. The files are documented in docs/rules.md,
and they are part of the extractor version: editing one re-parses what it affects.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

RULES_DIR = Path(__file__).with_name("rules")


class RuleError(ValueError):
    """A rule file that cannot be read; the message names the file and the rule."""


class Regex(BaseModel):
    model_config = ConfigDict(extra="forbid")
    re: str = Field(min_length=1)


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid")
    match: list[str] = []
    no_match: list[str] = []


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    about: str = Field(min_length=10)
    match: list[str | Regex] | None = Field(default=None, min_length=1)
    words: list[str] | None = Field(default=None, min_length=1)
    mapping: dict[str, str | int | float] | None = Field(default=None, min_length=1)
    before: str = ""
    after: str = ""
    case_sensitive: bool = False
    examples: Examples | None = None

    @field_validator("match", "words")
    @classmethod
    def _no_empty_phrase(cls, items: list[str | Regex] | None) -> list[str | Regex] | None:
        if items and any(isinstance(item, str) and not item.strip() for item in items):
            raise ValueError("an empty phrase would match everywhere")
        return items

    @model_validator(mode="after")
    def _one_kind(self) -> Rule:
        kinds = [kind for kind in ("match", "words", "mapping") if getattr(self, kind) is not None]
        if len(kinds) != 1:
            raise ValueError(f"a rule has exactly one of match, words or mapping (found {kinds or 'none'})")
        if self.match is None and (self.before or self.after or self.examples):
            raise ValueError("before, after and examples belong to a `match` rule")
        return self

    @property
    def source(self) -> str:
        if self.match is None:
            raise ValueError("only a `match` rule is a pattern")
        alternatives = "|".join(item.re if isinstance(item, Regex) else re.escape(item) for item in self.match)
        if self.before or self.after or len(self.match) > 1:
            return f"{self.before}(?:{alternatives}){self.after}"
        return alternatives

    def compile(self) -> re.Pattern[str]:
        return re.compile(self.source, 0 if self.case_sensitive else re.IGNORECASE)


class RuleBook(Mapping[str, re.Pattern[str]]):
    """The compiled rules of one file, by name, in file order: `rules[name]` is a compiled pattern,
    `rules.words(name)` a list and `rules.mapping(name)` a table."""

    def __init__(self, name: str, rules: dict[str, Rule]):
        self.name = name
        self.rules = rules
        self._compiled: dict[str, re.Pattern[str]] = {}
        for rule_name, rule in rules.items():
            if rule.match is None:
                continue
            try:
                self._compiled[rule_name] = rule.compile()
            except re.error as error:
                raise RuleError(f"rules/{name}.yaml, rule {rule_name!r}: not a valid pattern ({error})") from error

    def __getitem__(self, rule_name: str) -> re.Pattern[str]:
        try:
            return self._compiled[rule_name]
        except KeyError:
            raise KeyError(f"rules/{self.name}.yaml has no rule {rule_name!r}") from None

    def words(self, rule_name: str) -> tuple[str, ...]:
        return tuple(self._rule(rule_name, "words").words or ())

    def mapping(self, rule_name: str) -> dict[str, str | int | float]:
        return dict(self._rule(rule_name, "mapping").mapping or {})

    def _rule(self, rule_name: str, kind: str) -> Rule:
        rule = self.rules.get(rule_name)
        if rule is None or getattr(rule, kind) is None:
            raise KeyError(f"rules/{self.name}.yaml has no {kind} rule {rule_name!r}")
        return rule

    def __iter__(self) -> Iterator[str]:
        return iter(self._compiled)

    def __len__(self) -> int:
        return len(self._compiled)


def parse_rules(name: str, text: str) -> RuleBook:
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise RuleError(f"rules/{name}.yaml: expected rules by name, found {type(data).__name__}")
    rules = {}
    for rule_name, spec in data.items():
        try:
            rules[rule_name] = Rule.model_validate(spec)
        except ValidationError as error:
            raise RuleError(f"rules/{name}.yaml, rule {rule_name!r}: {error}") from error
    return RuleBook(name, rules)


@cache
def load_rules(name: str, rules_dir: Path = RULES_DIR) -> RuleBook:
    """The rule file `rules/<name>.yaml`, compiled once per process."""
    path = rules_dir / f"{name}.yaml"
    return parse_rules(name, path.read_text(encoding="utf-8"))


_DOCS_INTRO = """# The rules of the language

The Vietnamese the extractor reads is described in YAML files under
[`extract/nlp/rules/`](../extract/nlp/rules/), one per component, like spaCy's
pattern files: trigger words, negation and denial cues, initiator phrases,
reporting verbs, aid words, junk markers and date forms. The Python components
decide what to do with a match; the files say what the text may say.

To add a trigger word, a cue or a currency spelling, add a line to the rule's
`match`, `words` or `mapping` in its file. A phrase is matched as written (case
folded unless the rule says `case_sensitive: true`); write `re: '...'` for what a
phrase cannot say (a word boundary `\\b`, a look-behind, a choice of words).
Items are tried in order, and the first that matches at a position wins. A
rule's `examples` are sentences it must and must not match; the tests check
them. Every file is part of the extractor version: after an edit, the next run
parses the articles already loaded again. Then run `make rules-docs` to rewrite
this page (a test fails while it is out of date) and `make eval` to see what
the change did to the scores.

Reference data (countries, actors and their dated roles, aliases, role titles,
FX rates) are not rules: they are dbt seeds (see [reference-data.md](reference-data.md)).

This page is written by `make rules-docs` from the files themselves.
"""


def render_docs(rules_dir: Path = RULES_DIR) -> str:
    """docs/rules.md: every rule file and rule, with what it is for and what it matches."""
    lines = [_DOCS_INTRO]
    for path in sorted(rules_dir.glob("*.yaml")):
        book = load_rules(path.stem, rules_dir)
        header = [line.lstrip("# ").rstrip() for line in path.read_text(encoding="utf-8").splitlines()
                  if line.startswith("#")]
        lines += [f"## `{path.name}`", "", " ".join(h for h in header if h), ""]
        lines += ["| rule | what it is for | matches |", "|---|---|---|"]
        for name, rule in book.rules.items():
            lines.append(f"| `{name}` | {_cell(rule.about)} | {_cell(_summary(rule))} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _summary(rule: Rule) -> str:
    if rule.words is not None:
        return "words: " + ", ".join(f"`{w}`" for w in rule.words)
    if rule.mapping is not None:
        return "table: " + ", ".join(f"`{k}` → {v}" for k, v in rule.mapping.items())
    items = [f"`{item.re}` (pattern)" if isinstance(item, Regex) else f"`{item}`" for item in rule.match or ()]
    around = ([f"after `{rule.before}`"] if rule.before else []) + ([f"then `{rule.after}`"] if rule.after else [])
    return ", ".join(items) + (f" ({'; '.join(around)})" if around else "")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


if __name__ == "__main__":
    import sys

    sys.stdout.write(render_docs())
