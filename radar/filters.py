"""The global filters: one small immutable value, built once per rerun and read by every page.

It round-trips through URL query parameters, so a copied URL reopens the same view.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

# Multi-value dimensions: filter field -> reports/issues column (an allow-list: SQL never takes
# a column name from user text).
MULTI = {"os": "os", "plan": "plan", "provider": "provider", "category": "error_category",
         "state": "state", "label": "labels", "tier": "evidence_tier"}


@dataclass(frozen=True)
class Filters:
    repo: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    version_lo: str | None = None   # inclusive; None = unbounded
    version_hi: str | None = None
    latest_n: int | None = None     # only the newest N releases of each repo (overrides the range)
    os: tuple[str, ...] = ()
    plan: tuple[str, ...] = ()
    provider: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    state: tuple[str, ...] = ()
    label: tuple[str, ...] = ()
    tier: tuple[str, ...] = ()      # evidence tiers kept (etl.parse.classify.TIERS); () = all

    def with_(self, **changes) -> "Filters":
        return replace(self, **changes)

    def to_params(self) -> dict[str, str | list[str]]:
        """Only what differs from the default, as strings (lists for multi-value fields)."""
        out: dict[str, str | list[str]] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, ()):
                continue
            out[f.name] = list(value) if isinstance(value, tuple) else str(value)
        return out

    @classmethod
    def from_params(cls, params) -> "Filters":
        """From st.query_params (or any mapping with get_all/get); unreadable values are ignored."""
        def get_all(name):
            if hasattr(params, "get_all"):
                return [v for v in params.get_all(name) if v]
            value = params.get(name)
            return [value] if isinstance(value, str) and value else list(value or [])

        def one(name):
            values = get_all(name)
            return values[0] if values else None

        return cls(
            repo=one("repo"),
            date_from=_date(one("date_from")),
            date_to=_date(one("date_to")),
            version_lo=one("version_lo"),
            version_hi=one("version_hi"),
            latest_n=_positive_int(one("latest_n")),
            **{name: tuple(get_all(name)) for name in MULTI},
        )

    def describe(self) -> str:
        """Short text for file names and captions, e.g. 'demo-ai-cli_v2.0.0-2.1.3_os-macos'."""
        parts = [self.repo.replace("/", "-")] if self.repo else []
        if self.latest_n:
            parts.append(f"latest{self.latest_n}")
        elif self.version_lo or self.version_hi:
            parts.append(f"v{self.version_lo or ''}-{self.version_hi or ''}")
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from or ''}_{self.date_to or ''}")
        parts += [f"{name}-{'+'.join(getattr(self, name))}" for name in MULTI if getattr(self, name)]
        return "_".join(parts) or "all"


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _positive_int(value: str | None) -> int | None:
    try:
        n = int(value) if value else None
    except ValueError:
        return None
    return n if n and n > 0 else None


def narrowed(f: Filters, dim: str, value) -> Filters:
    """The filters narrowed to one clicked value of a chart dimension (drill-down)."""
    if dim == "version":
        return f.with_(version_lo=str(value), version_hi=str(value), latest_n=None)
    if dim == "week":
        start = date.fromisoformat(str(value)[:10])
        end = start + timedelta(days=6)
        return f.with_(date_from=max(start, f.date_from or start), date_to=min(end, f.date_to or end))
    if dim in MULTI:
        return f.with_(**{dim: (str(value),)})
    raise ValueError(f"cannot narrow by {dim!r}")
