"""A taxonomy rule: a regex behind a literal gate, so most rules never run.

A rule's gate is a *key* of the document scan (`Text.present`): a literal that
starts a word ("limit"), a literal tested as a plain substring ("\\0your extra
usage", for literals that may start mid-word), or a set of keys any of which
opens it (a leading alternation). None: the rule always runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .literals import SUBSTRING, Text
from .regex_gates import required_literal


# Text a lookahead may read past a match ("limit(?! for github)").
_LOOKAHEAD = 80


@dataclass(frozen=True)
class Rule:
    gate: str | frozenset[str] | None
    rx: re.Pattern
    negations: re.Pattern | None = None  # a match right after one of these does not count
    width: int = 0  # the longest match (0: unbounded), so the regex can run near its gate only
    client: str | None = None  # a message of the vocabulary: the client that prints it ...
    says: str | None = None  # ... and the message as it prints it (the pattern must match it)

    def search(self, text: Text) -> bool:
        return self.is_open(text.present) and self.matches(text.low)

    def find_in(self, text: Text) -> re.Match | None:
        """The first match in `text` (gate checked), for rules whose evidence is shown."""
        return self.find(text.low) if self.is_open(text.present) else None

    def is_open(self, present: frozenset[str]) -> bool:
        gate = self.gate
        if gate is None:
            return True
        return gate in present if type(gate) is str else not present.isdisjoint(gate)

    def matches(self, low: str) -> bool:
        return self.find(low) is not None

    def find(self, low: str) -> re.Match | None:
        """The regex alone (the caller has checked the gate). Every match holds a gate
        literal, so in a long text only the windows around its occurrences are searched."""
        if not self.width or self.gate is None or len(low) < 8 * self.width:
            return self._search(low, 0, len(low))
        if type(self.gate) is str:
            return self._near(low, self.gate.lstrip(SUBSTRING))
        for literal in self.gate:  # any of several literals: each one's windows in turn
            if literal in low and (m := self._near(low, literal)):
                return m  # not necessarily the first match in the text: callers only ask whether
        return None

    def _near(self, low: str, literal: str) -> re.Match | None:
        width = self.width
        reach = len(literal) + width + _LOOKAHEAD  # how far past an occurrence a match can read
        start, end = -1, -1  # the window being grown over overlapping occurrences
        at = low.find(literal)
        while at != -1:
            if at - width > end:
                if end > 0 and (m := self._search(low, start, end)):
                    return m
                start = max(0, at - width)
            end = min(at + reach, len(low))
            at = low.find(literal, at + 1)
        return self._search(low, start, end) if end > 0 else None

    def _search(self, low: str, start: int, end: int) -> re.Match | None:
        m = self.rx.search(low, start, end)
        while m is not None and self.negations is not None and self._negated(low, m.start()):
            m = self.rx.search(low, m.start() + 1, end)
        return m

    def _negated(self, low: str, start: int) -> bool:
        return self.negations.search(low, max(0, start - 16), start) is not None

    def keys(self) -> frozenset[str]:
        """The scan keys this rule's gate reads."""
        gate = self.gate
        return frozenset() if gate is None else frozenset((gate,)) if type(gate) is str else gate


def compile_rules(patterns, negations: re.Pattern | None = None) -> tuple[Rule, ...]:
    """Rules from regexes, each gated by a literal it requires. An entry may also be a table
    `{pattern, client, says}`: a message a client prints, as it prints it."""
    return tuple(_rule(p, negations) for p in patterns)


def _rule(entry, negations: re.Pattern | None) -> Rule:
    if isinstance(entry, str):
        return Rule(_gate(entry), re.compile(entry), negations, _max_width(entry))
    pattern, client, says = (entry.get(k) for k in ("pattern", "client", "says"))
    if not (isinstance(pattern, str) and isinstance(client, str) and isinstance(says, str)):
        raise ValueError(f"a client message needs a pattern, its client and what it says: {entry!r}")
    rule = Rule(_gate(pattern), re.compile(pattern), negations, _max_width(pattern), client, says)
    if not rule.rx.search(says.lower()):
        raise ValueError(f"the pattern {pattern!r} does not match the message it stands for: {says!r}")
    return rule


def _max_width(pattern: str) -> int:
    """The longest text a match can span, or 0 when unbounded (or unknown)."""
    try:
        width = re._parser.parse(pattern).getwidth()[1]  # noqa: SLF001 - the stdlib's own parser
    except Exception:  # noqa: BLE001 - a private API: when it changes, search the whole text
        return 0
    return width if width < 1000 else 0


def _gate(pattern: str) -> str | frozenset[str] | None:
    lit, starts_word = required_literal(pattern)
    if lit is None or type(lit) is not str:
        return lit
    return lit if starts_word else SUBSTRING + lit


def alternation(patterns) -> Rule | None:
    """One rule for any of `patterns` (tried in their order), open when any of theirs is;
    None for no patterns."""
    if not patterns:
        return None
    rules = compile_rules(patterns)
    gate = None if any(r.gate is None for r in rules) else frozenset(k for r in rules for k in r.keys())
    return Rule(gate, re.compile("|".join(patterns)))


def any_match(rules: tuple[Rule, ...], text: Text) -> bool:
    for r in rules:  # a plain loop: this runs for every report
        if r.search(text):
            return True
    return False
