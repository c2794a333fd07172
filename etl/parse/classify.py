"""Error category and usage flag, driven by a taxonomy kept in TOML."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .vendors import Vendor, load_vendors

DEFAULT_TAXONOMY = Path(__file__).with_name("taxonomy.toml")
_META = set("\\.^$*+?{}[]|()")


@dataclass(frozen=True)
class Rule:
    """A regex with an optional literal gate: it only runs when the gate occurs
    (so every gate must be a substring of every match)."""
    gate: str | None
    rx: re.Pattern

    def search(self, low: str) -> bool:
        return (self.gate is None or self.gate in low) and self.rx.search(low) is not None


def literal_prefix(pattern: str) -> str | None:
    """The longest literal every match of `pattern` contains (None if < 3 chars):
    a cheap `in` test that skips the regex on most texts."""
    runs, run, depth, i = [], [], 0, 0
    while i < len(pattern):
        ch = pattern[i]
        nxt = pattern[i + 1] if i + 1 < len(pattern) else ""
        if ch == "\\":
            lit = nxt if nxt and not nxt.isalnum() else None  # `\.` is a dot; `\b`, `\d` are classes
            step = 2
        elif ch in _META:
            lit, step = None, 1
            depth += ch == "("
            depth -= ch == ")"
            if ch == "|" and depth == 0:
                return None  # top-level alternation: no literal is required
            if ch == "[":  # skip the class
                step = pattern.find("]", i + 2) - i + 1 if pattern.find("]", i + 2) != -1 else 1
        else:
            lit, step = ch, 1
        after = pattern[i + step:i + step + 1]
        if lit is not None and depth == 0 and after not in ("?", "*", "{"):
            run.append(lit)
            if after == "+":
                runs.append("".join(run))
                run = []
        else:
            runs.append("".join(run))
            run = []
        i += step
    runs.append("".join(run))
    best = max(runs, key=len)
    return best if len(best) >= 3 else None


def compile_rules(patterns) -> tuple[Rule, ...]:
    return tuple(Rule(literal_prefix(p), re.compile(p)) for p in patterns)


def any_match(rules: tuple[Rule, ...], low: str) -> bool:
    return any(r.search(low) for r in rules)


@dataclass(frozen=True)
class Category:
    name: str
    usage_related: bool
    messages: tuple[Rule, ...] = ()
    topics: tuple[Rule, ...] = ()
    weak_topics: tuple[Rule, ...] = ()
    unless: tuple[Rule, ...] = ()
    error_types: frozenset[str] = frozenset()
    http_statuses: frozenset[int] = frozenset()
    refined_by: tuple[str, ...] = ()

    def quotes(self, low: str) -> bool:
        return any_match(self.messages, low) and not any_match(self.unless, low)


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[Category, ...]
    usage_patterns: tuple[Rule, ...] = ()
    lookalikes: tuple[Rule, ...] = ()
    fallback: str = "other"
    by_name: dict = field(default_factory=dict, compare=False)
    vendors: tuple[Vendor, ...] = ()
    gateways: tuple[Rule, ...] = ()
    api_cues: tuple[Rule, ...] = ()
    subscription_cues: tuple[Rule, ...] = ()


def _category(c: dict) -> Category:
    return Category(
        name=c["name"], usage_related=bool(c.get("usage_related", True)),
        messages=compile_rules(c.get("messages", ())), topics=compile_rules(c.get("topics", ())),
        weak_topics=compile_rules(c.get("weak_topics", ())), unless=compile_rules(c.get("unless", ())),
        error_types=frozenset(t.lower() for t in c.get("error_types", ())),
        http_statuses=frozenset(int(s) for s in c.get("http_statuses", ())),
        refined_by=tuple(c.get("refined_by", ())),
    )


def load_taxonomy(path: str | None = None) -> Taxonomy:
    """Read a taxonomy TOML file (default: the one shipped beside this module)."""
    with open(path or DEFAULT_TAXONOMY, "rb") as fh:
        data = tomllib.load(fh)
    cats = tuple(_category(c) for c in data.get("category", ()))
    usage = data.get("usage", {})
    return Taxonomy(categories=cats, usage_patterns=compile_rules(usage.get("patterns", ())),
                    lookalikes=compile_rules(usage.get("lookalikes", ())),
                    fallback=data.get("fallback", "other"), by_name={c.name: c for c in cats},
                    vendors=load_vendors(data.get("vendor", ())),
                    **_provider_cues(data.get("provider", {})))


def _provider_cues(table: dict) -> dict:
    return {k: compile_rules(table.get(k, ())) for k in ("gateways", "api_cues", "subscription_cues")}


DEFAULT = load_taxonomy()


def _first(cats: tuple[Category, ...], attr: str, low: str, whole: str | None = None) -> Category | None:
    """The first category (file order) with a rule of kind `attr` matching `low`;
    `unless` vetoes are looked up in the `whole` report (a title has no payload).
    A tight loop: this is the hot path of the whole parser."""
    for cat in cats:
        for rule in getattr(cat, attr):
            if (rule.gate is None or rule.gate in low) and rule.rx.search(low):
                if attr != "messages" or not any_match(cat.unless, whole or low):
                    return cat
                break
    return None


def quoted_category(low: str, taxonomy: Taxonomy) -> str | None:
    """The category of an error message the text quotes, if any."""
    cat = _first(taxonomy.categories, "messages", low)
    return cat.name if cat else None


def _refine(cat: Category, low: str, taxonomy: Taxonomy) -> str:
    """A generic hit ("usage limit reached") gives way to a specific one the
    body quotes ("5-hour limit reached")."""
    for name in cat.refined_by:
        other = taxonomy.by_name.get(name)
        if other is not None and other.quotes(low):
            return name
    return cat.name


def classify(title: str, low: str, error_type: str | None, http_status: int | None, taxonomy: Taxonomy) -> str:
    """The report's category (see the taxonomy file for the order of evidence).
    `title` and `low` are lower-cased; `low` is title + body."""
    cats = taxonomy.categories
    for text in (title, low):
        if cat := _first(cats, "messages", text, low):
            return _refine(cat, low, taxonomy)
    etype = (error_type or "").lower()
    for cat in cats:
        if etype and etype in cat.error_types:
            return cat.name
    for cat in cats:
        if http_status in cat.http_statuses:
            return cat.name
    for attr, text in (("topics", title), ("topics", low), ("weak_topics", low)):
        if cat := _first(cats, attr, text):
            return cat.name
    return taxonomy.fallback


def is_usage_related(low: str, category: str, taxonomy: Taxonomy) -> bool:
    cat = taxonomy.by_name.get(category)
    if cat is not None and category != taxonomy.fallback:
        return cat.usage_related
    if any_match(taxonomy.lookalikes, low):
        return False
    return any_match(taxonomy.usage_patterns, low)
