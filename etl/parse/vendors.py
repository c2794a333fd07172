"""Vendors and providers: whose model a report is about, from the client repository or
the text, what the vendor's plans are called, and how reports name each provider.

The tables live in taxonomy.toml (`[[vendor]]`, `[[provider.named]]`) so a new client is a
data change."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .rules import Rule, alternation


@dataclass(frozen=True)
class Vendor:
    name: str
    subscription: str | None
    api: str | None
    repos: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    plans: tuple[tuple[str, Rule], ...] = ()  # (plan, its product names: "claude max\b") in file order


@dataclass(frozen=True)
class ProviderName:
    """How reports name one provider: in a form or environment field, and in the text."""
    provider: str
    field: re.Pattern | None = None
    text: Rule | None = None


def load_vendors(rows) -> tuple[Vendor, ...]:
    return tuple(Vendor(name=v["name"], subscription=v.get("subscription"), api=v.get("api"),
                        repos=tuple(r.lower() for r in v.get("repos", ())),
                        cues=tuple(c.lower() for c in v.get("cues", ())),
                        plans=tuple((plan, alternation(p)) for plan, p in v.get("plans", {}).items() if p))
                 for v in rows)


def load_provider_names(rows) -> tuple[ProviderName, ...]:
    return tuple(ProviderName(provider=p["provider"],
                              field=re.compile("|".join(p["field"])) if p.get("field") else None,
                              text=alternation(p.get("text", ()))) for p in rows)


def vendor_of(low: str, repo: str | None, vendors: tuple[Vendor, ...]) -> Vendor | None:
    """The repository's vendor; else the vendor whose cue words the text uses most."""
    if repo:
        repo = repo.lower()
        for v in vendors:
            if repo in v.repos:
                return v
    best, best_score = None, 0
    for v in vendors:
        score = sum(low.count(c) for c in v.cues)
        if score > best_score:
            best, best_score = v, score
    return best
