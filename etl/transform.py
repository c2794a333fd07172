"""Stored issue + comments → report rows. Pure: the parser does the reading, this decides which
texts are reports (the body; each report-like comment; each bare me-too) and shapes the rows."""
from __future__ import annotations

import json
from dataclasses import dataclass

from etl import parse
from etl.versions import sort_key

# Bumped whenever a change of the parser or the default taxonomy changes what it reads:
# `status` then asks for `python -m etl reparse`.
PARSER_VERSION = "4"
REPORT_COLUMNS = (
    "repo", "number", "comment_id", "kind", "author", "created_at", "is_usage_related",
    "version", "version_key", "os", "terminal", "plan", "provider", "model", "http_status",
    "error_type", "error_category", "signature", "provenance", "why", "evidence_tier", "parser_version",
    "parse_error",
)


@dataclass(frozen=True)
class Comment:
    id: int
    author: str | None
    body: str | None
    created_at: object
    association: str | None = None

    @property
    def from_team_or_bot(self) -> bool:
        return self.association in _TEAM or (self.author or "").endswith("[bot]")


_TEAM = {"OWNER", "MEMBER", "COLLABORATOR"}


def _row(repo, number, comment_id, kind, author, created_at, fields: dict) -> tuple:
    return (
        repo, number, comment_id, kind, author, created_at, fields.get("is_usage_related"),
        fields.get("version"), sort_key(fields.get("version")), fields.get("os"),
        fields.get("terminal"), fields.get("plan"), fields.get("provider"), fields.get("model"),
        fields.get("http_status"), fields.get("error_type"), fields.get("error_category"),
        fields.get("signature"), json.dumps(fields.get("provenance") or {}, sort_keys=True),
        fields.get("why"), fields.get("tier"), PARSER_VERSION, fields.get("parse_error"),
    )


def reports_for_issue(repo: str, number: int, title, body, labels, author, created_at,
                      comments: list[Comment], taxonomy=None) -> list[tuple]:
    """One row for the issue body (its error completed from its comments, as the CLI reads it),
    plus one per report-like or me-too comment."""
    issue, readings = parse.read_thread(title, body, labels, [c.body for c in comments], taxonomy, repo=repo)
    rows = [_row(repo, number, 0, "issue", author, created_at, issue)]
    for c, (kind, rep) in zip(comments, readings):
        if (c.author and c.author == author) or c.from_team_or_bot:
            continue  # the reporter adding detail, or a maintainer answering, is no new report
        if kind == "report":
            rows.append(_row(repo, number, c.id, "comment", c.author, c.created_at, rep))
        elif kind == "me_too":
            rows.append(_row(repo, number, c.id, "me_too", c.author, c.created_at, _inherited(issue)))
    return rows


# A bare "+1" states nothing of its own: it says "this, on my setup too". It takes the issue's
# error and environment, marked as inherited, so filters by version or plan keep these people.
_ME_TOO_FIELDS = ("is_usage_related", "error_category", "signature", "http_status", "error_type", "provider",
                  "version", "os", "plan")


def _inherited(issue: dict) -> dict:
    fields = {k: issue.get(k) for k in _ME_TOO_FIELDS}
    fields["provenance"] = {k: "issue" for k, v in fields.items() if v is not None}
    fields["why"], fields["tier"] = issue.get("why"), issue.get("tier")
    return fields
