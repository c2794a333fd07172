"""The error taxonomy, read from TOML (see taxonomy.toml for the format)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .clients import Client, load_clients
from .literals import Scanner, Text, registered
from .rules import Rule, compile_rules
from .vendors import ProviderName, Vendor, load_provider_names, load_vendors

DEFAULT_TAXONOMY = Path(__file__).with_name("taxonomy.toml")
RULE_KINDS = ("messages", "topics", "weak_topics", "names")


@dataclass(frozen=True)
class Category:
    name: str
    usage_related: bool
    messages: tuple[Rule, ...] = ()
    topics: tuple[Rule, ...] = ()
    weak_topics: tuple[Rule, ...] = ()
    names: tuple[Rule, ...] = ()  # the limit named, when a report about usage says nothing more
    unless: tuple[Rule, ...] = ()
    error_types: frozenset[str] = frozenset()
    http_statuses: frozenset[int] = frozenset()
    weak_http_statuses: frozenset[int] = frozenset()  # count only in a report about usage
    refined_by: tuple[str, ...] = ()
    billing: str | None = None  # "subscription" or "api": the only billing on which this error exists

    def rules(self) -> tuple[Rule, ...]:
        return self.messages + self.topics + self.weak_topics + self.names + self.unless


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[Category, ...]
    anchors: tuple[Rule, ...] = ()  # what a report about usage names: in its title, or often in its text
    title_anchors: tuple[Rule, ...] = ()  # the same, in the title only
    body_mentions: int = 2
    lookalikes: tuple[Rule, ...] = ()
    attachments: tuple[Rule, ...] = ()  # where a tool's attached block (recent errors) starts
    fallback: str = "other"
    by_name: dict = field(default_factory=dict, compare=False)
    vendors: tuple[Vendor, ...] = ()
    gateways: tuple[Rule, ...] = ()
    api_cues: tuple[Rule, ...] = ()
    api_hints: tuple[Rule, ...] = ()
    subscription_cues: tuple[Rule, ...] = ()
    request_labels: frozenset[str] = frozenset()
    request_titles: tuple[Rule, ...] = ()
    clients: tuple[Client, ...] = ()
    provider_names: tuple[ProviderName, ...] = ()
    platforms: frozenset[str] = frozenset()  # providers that are a plan of their own (a cloud account)
    named_error_types: tuple[str, ...] = ()  # error types as providers write them ("RESOURCE_EXHAUSTED")
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def is_request(self, title: str, labels) -> bool:
        """A feature request: it asks for something new rather than reporting a problem."""
        return any(lab in self.request_labels for lab in labels) or any(r.rx.search(title) for r in self.request_titles)

    def scan(self, low: str, title_end: int = 0) -> tuple[Text, Text]:
        """`low` with the gate keys of this taxonomy's rules and of the code it contains,
        and the same for its first `title_end` characters (see `Scanner.scan`)."""
        if "scanner" not in self._cache:  # built on first use, when every module has declared its gates
            self._cache["scanner"] = Scanner(self._keys() | registered())
        return self._cache["scanner"].scan(low, title_end)

    def compiled(self, build):
        """`build(self)`, once per taxonomy: the regexes a module builds from this data."""
        if build not in self._cache:
            self._cache[build] = build(self)
        return self._cache[build]

    def candidates(self, kind: str, present: frozenset[str]):
        """The rules of `kind` whose gate key is present (and the ungated ones), in file
        order, as (category, rule) pairs; lazily, since the first match usually ends the walk."""
        mask = self._mask(kind, present)
        table = self._cache["index"][kind][2]
        while mask:
            lowest = mask & -mask
            yield table[lowest.bit_length() - 1]
            mask ^= lowest

    def _mask(self, kind: str, present: frozenset[str]) -> int:
        """A bit per rule of `kind` that may match, remembered for the last scan (a report
        asks for the same kind more than once)."""
        memo = self._cache.get("last")
        if memo is None or memo[0] is not present:
            memo = (present, {})
            self._cache["last"] = memo
        if kind not in memo[1]:
            if "index" not in self._cache:
                self._cache["index"] = {k: _index(self.categories, k) for k in RULE_KINDS}
            by_key, mask, _table = self._cache["index"][kind]
            for key in present:
                mask |= by_key.get(key, 0)
            memo[1][kind] = mask
        return memo[1][kind]

    def _keys(self) -> set[str]:
        rules = (self.anchors + self.title_anchors + self.lookalikes + self.attachments + self.gateways
                 + self.api_cues + self.api_hints + self.subscription_cues)
        rules += tuple(r for c in self.categories for r in c.rules())
        rules += tuple(r for c in self.clients for r in c.error_lines)
        rules += tuple(r for v in self.vendors for _plan, r in v.plans)
        rules += tuple(p.text for p in self.provider_names if p.text)
        return {k for r in rules for k in r.keys()} | {p for c in self.clients for p in c.packages}


def _index(categories: tuple[Category, ...], kind: str):
    """Rules of one kind as bits (bit i: the i-th rule in file order): the bits of each
    gate key, the bits of the ungated rules, and the (category, rule) of each bit."""
    table = [(cat, rule) for cat in categories for rule in getattr(cat, kind)]
    by_key: dict[str, int] = {}
    ungated = 0
    for i, (_cat, rule) in enumerate(table):
        for key in rule.keys():
            by_key[key] = by_key.get(key, 0) | 1 << i
        if rule.gate is None:
            ungated |= 1 << i
    return by_key, ungated, table


def _category(c: dict, negations: re.Pattern | None) -> Category:
    return Category(
        name=c["name"], usage_related=bool(c.get("usage_related", True)),
        messages=compile_rules(c.get("messages", ()), negations), topics=compile_rules(c.get("topics", ())),
        weak_topics=compile_rules(c.get("weak_topics", ())), names=compile_rules(c.get("names", ())),
        unless=compile_rules(c.get("unless", ())),
        error_types=frozenset(t.lower() for t in c.get("error_types", ())),
        http_statuses=frozenset(int(s) for s in c.get("http_statuses", ())),
        weak_http_statuses=frozenset(int(s) for s in c.get("weak_http_statuses", ())),
        refined_by=tuple(c.get("refined_by", ())),
        billing=_billing(c),
    )


def _billing(c: dict) -> str | None:
    billing = c.get("billing")
    if billing not in (None, "subscription", "api"):
        raise ValueError(f"category {c.get('name')!r}: billing must be \"subscription\" or \"api\", not {billing!r}")
    return billing


def load_taxonomy(path: str | None = None) -> Taxonomy:
    """Read a taxonomy TOML file (default: the one shipped beside this module)."""
    with open(path or DEFAULT_TAXONOMY, "rb") as fh:
        data = tomllib.load(fh)
    negations = re.compile(f"(?:{'|'.join(data['negations'])})\\s{{0,3}}$") if data.get("negations") else None
    cats = tuple(_category(c, negations) for c in data.get("category", ()))
    usage, requests = data.get("usage", {}), data.get("feature_requests", {})
    return Taxonomy(categories=cats, anchors=compile_rules(usage.get("anchors", ()), negations),
                    title_anchors=compile_rules(usage.get("title_anchors", ()), negations),
                    body_mentions=int(usage.get("body_mentions", 2)),
                    lookalikes=compile_rules(usage.get("lookalikes", ())),
                    attachments=compile_rules(usage.get("attachments", ())),
                    fallback=data.get("fallback", "other"), by_name={c.name: c for c in cats},
                    vendors=load_vendors(data.get("vendor", ())),
                    request_labels=frozenset(lab.lower() for lab in requests.get("labels", ())),
                    request_titles=compile_rules(requests.get("titles", ())),
                    clients=_checked_clients(cats, load_clients(data.get("client", ()))),
                    **_provider(data.get("provider", {})))


def _checked_clients(cats: tuple[Category, ...], clients: tuple[Client, ...]) -> tuple[Client, ...]:
    """Every message of the vocabulary names a client the taxonomy describes."""
    names = {c.name for c in clients}
    for cat in cats:
        for rule in cat.messages:
            if rule.client is not None and rule.client not in names:
                raise ValueError(f"category {cat.name!r}: message {rule.rx.pattern!r} names the client "
                                 f"{rule.client!r}, which no [[client]] table describes")
    return clients


def _provider(table: dict) -> dict:
    cues = {k: compile_rules(table.get(k, ())) for k in ("gateways", "api_cues", "api_hints", "subscription_cues")}
    return dict(cues, provider_names=load_provider_names(table.get("named", ())),
                platforms=frozenset(table.get("platforms", ())), named_error_types=tuple(table.get("error_types", ())))


DEFAULT = load_taxonomy()
