"""Everything the tracker knows about one issue, as facts, a short summary and Markdown.

Pure: DataFrames from radar/issue_queries.py in, plain values out, so the numbers are testable
without Streamlit.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from etl.records import REACTION_KINDS
from etl.versions import sort_versions

ENV_FIELDS = ("version", "os", "terminal", "plan", "provider", "model")
ERROR_FIELDS = ("http_status", "error_type", "error_category", "signature", "is_usage_related")
REACTION_EMOJI = {"+1": "👍", "-1": "👎", "laugh": "😄", "hooray": "🎉", "confused": "😕",
                  "heart": "❤️", "rocket": "🚀", "eyes": "👀"}


@dataclass
class IssueReport:
    repo: str
    number: int
    title: str
    state: str
    state_reason: str | None
    labels: list[str]
    url: str | None
    created_at: object
    updated_at: object
    closed_at: object
    comments: int
    participants: int
    reactions: dict[str, int]
    events: dict[str, int]
    parsed: list[tuple[str, object, str]]          # (field, value, provenance)
    why: str | None                                # the rule and phrase that decided usage and category
    tier: str | None                               # how strong that evidence is (etl.parse.classify.TIERS)
    canonical: int
    cluster: pd.DataFrame
    cluster_reports: pd.DataFrame
    links: pd.DataFrame
    votes: dict[str, int] = field(default_factory=dict)

    @property
    def is_canonical(self) -> bool:
        return self.canonical == self.number


def build(repo: str, number: int, issue: pd.DataFrame, reports: pd.DataFrame, events: pd.DataFrame,
          participants: list[str], links: pd.DataFrame, cluster: pd.DataFrame,
          cluster_reports: pd.DataFrame, votes: dict[str, int] | None = None,
          corrections: pd.DataFrame | None = None) -> IssueReport:
    row = issue.iloc[0]
    body = reports[reports["kind"] == "issue"]
    mine = cluster[cluster["number"] == number]
    return IssueReport(
        repo=repo, number=number, title=str(row["title"] or ""), state=row["state"],
        state_reason=_none(row["state_reason"]), labels=list(row["labels"] if row["labels"] is not None else []),
        url=row["html_url"] if str(row["html_url"] or "").startswith("https://github.com/") else None,
        created_at=row["created_at"], updated_at=row["updated_at"], closed_at=_none(row["closed_at"]),
        comments=int(_none(row["comment_count"]) or 0), participants=len(participants),
        reactions={k: int(row[f"reactions_{_col(k)}"] or 0) for k in REACTION_KINDS},
        events=dict(zip(events["event"], events["n"].astype(int))),
        parsed=_parsed(body.iloc[0], corrections) if len(body) else [],
        why=_none(body["why"].iloc[0]) if len(body) and "why" in body else None,
        tier=_none(body["evidence_tier"].iloc[0]) if len(body) and "evidence_tier" in body else None,
        canonical=int(mine["canonical"].iloc[0]) if len(mine) else number,
        cluster=cluster, cluster_reports=cluster_reports, links=links, votes=votes or {},
    )


def _col(kind: str) -> str:
    return {"+1": "plus1", "-1": "minus1"}.get(kind, kind)


def _none(value):
    return None if value is None or (not isinstance(value, (list, str)) and pd.isna(value)) else value


def _parsed(report: pd.Series, corrections: pd.DataFrame | None) -> list[tuple[str, object, str]]:
    """(field, value, where it came from); a corrected value says who corrected it and what the parser read."""
    provenance = json.loads(report["provenance"] or "{}")
    fixed = {} if corrections is None else {r.field: r for r in corrections.itertuples()}
    def source(f):
        if f in fixed:
            parser = _none(fixed[f].parser)
            return f"corrected by {fixed[f].corrected_by} (parser: {parser if parser is not None else '—'})"
        return provenance.get(f, "") if _none(report[f]) is not None else ""
    return [(f, _none(report[f]), source(f)) for f in ENV_FIELDS + ERROR_FIELDS]


def _counted(reports: pd.DataFrame) -> pd.DataFrame:
    return reports[reports["kind"].isin(["issue", "comment"])]


def spread(report: IssueReport, column: str) -> list[tuple[str, int]]:
    """How the cluster's reports spread over a field (versions in release order)."""
    values = Counter(_counted(report.cluster_reports)[column].fillna("unknown"))
    if column == "version":
        return [(v, values[v]) for v in sort_versions(values)]
    return values.most_common()


def events_line(report: IssueReport) -> str:
    """'cross-referenced ×6, commented ×1, labeled ×1' — the timeline at a glance."""
    return ", ".join(f"{k} ×{n}" for k, n in report.events.items()) or "no timeline events stored"


def summary(report: IssueReport) -> list[str]:
    """A few data-driven sentences: what, since when, how many, fixed or not, what to follow."""
    parsed = {f: v for f, v, _ in report.parsed}
    counted = _counted(report.cluster_reports)
    versions = [v for v, _ in spread(report, "version") if v != "unknown"]
    me_too = int((report.cluster_reports["kind"] == "me_too").sum())
    what = parsed.get("error_category") or "an uncategorized problem"
    lines = [f"What: {what}" + (f" — {parsed['signature']}" if parsed.get("signature") else "") + "."]
    if versions:
        lines.append(f"Reported on versions {versions[0]} to {versions[-1]} ({len(versions)} versions), "
                     f"first on {_day(counted['created_at'].min())}.")
    lines.append(f"{len(counted)} reports from {counted['author'].nunique()} distinct reporters across "
                 f"{len(report.cluster)} issues, plus {me_too} me-too comments and "
                 f"{report.reactions.get('+1', 0)} +1 reactions on this issue.")
    lines.append(_fixed_line(report, counted))
    lines.append(_follow_line(report))
    return lines


def _day(ts) -> str:
    return str(ts)[:10] if ts is not None and not pd.isna(ts) else "an unknown date"


def _fixed_line(report: IssueReport, counted: pd.DataFrame) -> str:
    """Fixed or not, judged on the cluster's canonical issue and the reports that came after it closed."""
    canon = report.cluster[report.cluster["number"] == report.canonical]
    state = canon["state"].iloc[0] if len(canon) else report.state
    reason = _none(canon["state_reason"].iloc[0]) if len(canon) else report.state_reason
    closed_at = _none(canon["closed_at"].iloc[0]) if len(canon) else report.closed_at
    who = "This issue" if report.is_canonical else f"The canonical issue #{report.canonical}"
    if state != "closed" or reason in ("not_planned", "duplicate") or closed_at is None:
        newest = counted.sort_values("created_at").tail(1)
        status = f"{who} is {'open' if state != 'closed' else 'closed as ' + str(reason or 'closed')}"
        if newest.empty:
            return status + "."
        version = _none(newest["version"].iloc[0])
        return f"{status}; newest report {_day(newest['created_at'].iloc[0])}" + (f" on {version}." if version else ".")
    later = counted[counted["created_at"] > closed_at]
    if later.empty:
        return f"{who} was closed as completed on {_day(closed_at)}; no report in the cluster since."
    newer = sort_versions(set(later["version"].dropna()))
    return (f"{who} was closed as completed on {_day(closed_at)}, but it is still reported since: "
            f"{len(later)} reports" + (f", on versions up to {newer[-1]}." if newer else "."))


def _follow_line(report: IssueReport) -> str:
    if report.is_canonical:
        return f"Follow this issue (#{report.number}): it is the canonical one of its cluster."
    return f"Follow #{report.canonical}: the canonical issue of this cluster (most engaged, not a duplicate)."


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def md_escape(text: str) -> str:
    """Untrusted text inert in Markdown: no links, images, HTML, emphasis or math."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def to_markdown(report: IssueReport) -> str:
    lines = [f"# {report.repo}#{report.number}: {md_escape(report.title)}", ""]
    if report.url:
        lines += [f"<{report.url}>", ""]
    lines += [f"- State: {report.state}" + (f" ({report.state_reason})" if report.state_reason else ""),
              f"- Labels: {', '.join(md_escape(l) for l in report.labels) or 'none'}",
              f"- Opened {_day(report.created_at)}, updated {_day(report.updated_at)}"
              + (f", closed {_day(report.closed_at)}" if report.closed_at is not None else ""),
              f"- {report.comments} comments, {report.participants} participants; timeline: {events_line(report)}",
              "- Reactions: " + (", ".join(f"{REACTION_EMOJI[k]} {n}" for k, n in report.reactions.items() if n) or "none"),
              "- Votes: " + (", ".join(f"{k} {n}" for k, n in report.votes.items()) or "none"), "",
              "## Summary", "", *[f"- {md_escape(s)}" for s in summary(report)], "",
              "## Parsed fields", "", "| field | value | from |", "|---|---|---|",
              *[f"| {f} | {md_escape(v) if v is not None else '—'} | {p or '—'} |" for f, v, p in report.parsed], "",
              f"Why: {md_escape(report.why) if report.why else 'not recorded (run python -m etl reparse)'}"
              + (f" (evidence: {report.tier})" if report.tier else ""), "",
              f"## Cluster (canonical: #{report.canonical})", "", "| issue | state | duplicate of |", "|---|---|---|",
              *[f"| #{r.number} | {r.state} | {'#%d' % r.duplicate_of if _none(r.duplicate_of) else ''} |"
                for r in report.cluster.itertuples()], ""]
    for column in ("version", "os", "plan"):
        lines.append(f"- {column}: " + (", ".join(f"{md_escape(v)} ×{n}" for v, n in spread(report, column)) or "none"))
    lines += ["", "## Linked issues and pull requests", ""]
    lines += [f"- {r.direction} {r.kind} ({r.source}): {r.other_repo}#{r.other_number}" for r in report.links.itertuples()] or ["- none"]
    return "\n".join(lines) + "\n"
