"""Canonical clusters from duplicate links (and, optionally, other relations such as the same
error). Pure: numbers and edges in, a mapping out.

Issues joined by links (in either direction, through chains and cycles) form one cluster. Its
canonical issue is the one a triager chose, else the one the others point to: a member that is not
itself a duplicate; among several (or in a pure cycle), the most engaged, then the oldest.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IssueFacts:
    number: int
    engagement: int = 0       # reactions + comments: where people already gather
    is_duplicate: bool = False  # closed as duplicate / labelled / marked by an event
    chosen: bool = False        # a triager said it is the canonical issue (etl/corrections.py)


def _find(parent: dict[int, int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def canonical_map(issues: list[IssueFacts], duplicate_edges: list[tuple[int, int]],
                  related_edges: list[tuple[int, int]] = ()) -> dict[int, int]:
    """number -> canonical number for every issue. Duplicate edges are (duplicate, original);
    related edges (e.g. the same error) join clusters without saying which side is the original."""
    facts = {i.number: i for i in issues}
    parent = {n: n for n in facts}
    points_elsewhere: set[int] = set()
    for a, b in [*duplicate_edges, *related_edges]:
        if a in facts and b in facts and a != b:
            parent[_find(parent, a)] = _find(parent, b)
    for dup, original in duplicate_edges:
        if dup in facts and original in facts and dup != original:
            points_elsewhere.add(dup)
    members: dict[int, list[int]] = {}
    for n in facts:
        members.setdefault(_find(parent, n), []).append(n)
    result: dict[int, int] = {}
    for group in members.values():
        heads = ([n for n in group if facts[n].chosen] or [n for n in group if n not in points_elsewhere]
                 or group)
        best = min(heads, key=lambda n: (facts[n].is_duplicate, -facts[n].engagement, n))
        result.update(dict.fromkeys(group, best))
    return result
