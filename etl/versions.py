"""Client versions: a sortable key so SQL can order and range-filter versions semantically.

`2.1.10` sorts after `2.1.9`, and a pre-release before its final release, as packaging.version
orders them. The key is a plain string so DuckDB compares it without any extension.
"""
from __future__ import annotations

from functools import lru_cache

from packaging.version import InvalidVersion, Version

_PHASES = {"dev": "0", "a": "1", "b": "2", "rc": "3", None: "5", "post": "7"}
_WIDTH = 10  # wide enough for date-like parts such as 0.1.2504161510


def _num(n: int) -> str:
    return str(min(n, 10**_WIDTH - 1)).zfill(_WIDTH)


@lru_cache(maxsize=65536)
def sort_key(version: str | None) -> str | None:
    """Sortable string for a normalized version, or None when it is not a version at all."""
    if not version:
        return None
    try:
        v = Version(version)
    except InvalidVersion:
        return None
    release = (list(v.release) + [0, 0, 0, 0])[:4]
    if v.dev is not None and v.pre is None and v.post is None:
        phase, n = "dev", v.dev
    elif v.pre is not None:
        phase, n = v.pre[0], v.pre[1]
    elif v.post is not None:
        phase, n = "post", v.post
    else:
        phase, n = None, 0
    return ".".join(_num(p) for p in release) + "~" + _PHASES[phase] + _num(n)


def sort_versions(versions) -> list[str]:
    """Versions in semantic order; strings that are not versions go last, alphabetically."""
    return sorted(versions, key=lambda v: (sort_key(v) is None, sort_key(v) or "", v))
