"""Vendors: whose model a report is about, from the client repository or the text.

The table lives in taxonomy.toml (`[[vendor]]`) so a new client is a data change."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vendor:
    name: str
    subscription: str | None
    api: str | None
    repos: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()


def load_vendors(rows) -> tuple[Vendor, ...]:
    return tuple(Vendor(name=v["name"], subscription=v.get("subscription"), api=v.get("api"),
                        repos=tuple(r.lower() for r in v.get("repos", ())),
                        cues=tuple(c.lower() for c in v.get("cues", ()))) for v in rows)


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
