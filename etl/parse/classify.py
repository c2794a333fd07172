"""Error category and usage flag, driven by a taxonomy kept in TOML."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_TAXONOMY = Path(__file__).with_name("taxonomy.toml")
_META = set("\\.^$*+?{}[]|()")


@dataclass(frozen=True)
class Rule:
    """A regex with an optional literal gate: it only runs when the gate occurs."""
    gate: str | None
    rx: re.Pattern

    def search(self, low: str) -> bool:
        return (self.gate is None or self.gate in low) and self.rx.search(low) is not None


def literal_prefix(pattern: str) -> str | None:
    """The literal text every match of `pattern` starts with (None if < 3 chars)."""
    p = pattern[2:] if pattern.startswith("\\b") else pattern
    out = []
    for i, ch in enumerate(p):
        if ch in _META:
            if ch in "?*{" and out:
                out.pop()  # the previous char is optional
            if ch == "|" or "|" in p[i:]:
                return None if "|" in p else ("".join(out) if len(out) >= 3 else None)
            break
        out.append(ch)
    if "|" in p:
        return None
    return "".join(out) if len(out) >= 3 else None


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
                    fallback=data.get("fallback", "other"), by_name={c.name: c for c in cats})


DEFAULT = load_taxonomy()


def _first(cats: tuple[Category, ...], attr: str, low: str) -> Category | None:
    """The first category (file order) with a rule of kind `attr` matching `low`.
    A tight loop: this is the hot path of the whole parser."""
    for cat in cats:
        for rule in getattr(cat, attr):
            if (rule.gate is None or rule.gate in low) and rule.rx.search(low):
                if attr != "messages" or not any_match(cat.unless, low):
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
    for attr, text in (("messages", title), ("topics", title), ("messages", low)):
        if cat := _first(cats, attr, text):
            return _refine(cat, low, taxonomy) if attr == "messages" else cat.name
    etype = (error_type or "").lower()
    for cat in cats:
        if etype and etype in cat.error_types:
            return cat.name
    for cat in cats:
        if http_status in cat.http_statuses:
            return cat.name
    for attr in ("topics", "weak_topics"):
        if cat := _first(cats, attr, low):
            return cat.name
    return taxonomy.fallback


def is_usage_related(low: str, category: str, taxonomy: Taxonomy) -> bool:
    cat = taxonomy.by_name.get(category)
    if cat is not None and category != taxonomy.fallback:
        return cat.usage_related
    if any_match(taxonomy.lookalikes, low):
        return False
    return any_match(taxonomy.usage_patterns, low)
