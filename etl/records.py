"""GitHub REST objects → table rows. Pure functions: dicts in, tuples out, no I/O.

Each `*_row` returns a tuple in the column order of the matching `*_COLUMNS`, so the loader can
insert batches without knowing the API's shape.
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime

ISSUE_COLUMNS = (
    "repo", "number", "id", "title", "body", "state", "state_reason", "author", "labels",
    "created_at", "updated_at", "closed_at", "comment_count", "reactions_total",
    "reactions_plus1", "reactions_minus1", "reactions_laugh", "reactions_hooray",
    "reactions_confused", "reactions_heart", "reactions_rocket", "reactions_eyes", "html_url",
    "is_pull_request",
)
COMMENT_COLUMNS = (
    "repo", "id", "issue_number", "author", "author_association", "body", "created_at",
    "updated_at", "reactions_total", "html_url",
)
EVENT_COLUMNS = (
    "repo", "id", "issue_number", "event", "actor", "created_at", "label", "source_repo",
    "source_number",
)
REACTION_KINDS = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")

_REPO_IN_URL = re.compile(r"/repos/([^/]+/[^/]+)/issues(?:/(\d+))?")


class RecordError(ValueError):
    """An object that is not the GitHub shape we expect; the message says which field."""


def repo_from_url(url: str | None) -> str | None:
    m = _REPO_IN_URL.search(url or "")
    return m.group(1) if m else None


def issue_number_from_url(url: str | None) -> int | None:
    m = _REPO_IN_URL.search(url or "")
    return int(m.group(2)) if m and m.group(2) else None


def ts(value: str | None) -> datetime | None:
    """GitHub timestamps (`2025-05-01T12:00:00Z`) as naive UTC datetimes."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except (TypeError, ValueError):
        raise RecordError(f"bad timestamp {value!r}") from None


def _login(user) -> str | None:
    return user.get("login") if isinstance(user, dict) else None


def _text(value) -> str | None:
    """Text as stored: strings kept, NUL bytes dropped (DuckDB strings cannot hold them)."""
    if value is None:
        return None
    return str(value).replace("\x00", "")


def label_names(labels) -> list[str]:
    return [(l.get("name") if isinstance(l, dict) else str(l)) or "" for l in labels or []]


def kind_of(obj: dict) -> str:
    """Which endpoint an object came from: 'issue', 'comment' or 'event'."""
    if not isinstance(obj, dict):
        raise RecordError(f"expected a JSON object, got {type(obj).__name__}")
    if "event" in obj:
        return "event"
    if "number" in obj and "title" in obj:
        return "issue"
    if "issue_url" in obj and "body" in obj:
        return "comment"
    raise RecordError("object is neither an issue, a comment nor an event (keys: " + ", ".join(sorted(obj)[:8]) + ")")


def issue_row(repo: str, obj: dict) -> tuple:
    try:
        number = int(obj["number"])
    except (KeyError, TypeError, ValueError):
        raise RecordError("issue without a numeric 'number'") from None
    reactions = obj.get("reactions") or {}
    counts = [int(reactions.get(k) or 0) for k in REACTION_KINDS]
    comments = obj.get("comments")
    return (
        repo, number, obj.get("id"), _text(obj.get("title")), _text(obj.get("body")),
        obj.get("state"), obj.get("state_reason"), _login(obj.get("user")),
        label_names(obj.get("labels")), ts(obj.get("created_at")), ts(obj.get("updated_at")),
        ts(obj.get("closed_at")), comments if isinstance(comments, int) else None,
        int(reactions.get("total_count") or sum(counts)), *counts, obj.get("html_url"),
        "pull_request" in obj and obj["pull_request"] is not None,
    )


def comment_row(repo: str, obj: dict) -> tuple:
    number = issue_number_from_url(obj.get("issue_url"))
    if number is None or obj.get("id") is None:
        raise RecordError("comment without an id or an issue_url naming its issue")
    reactions = obj.get("reactions") or {}
    return (
        repo, int(obj["id"]), number, _login(obj.get("user")), obj.get("author_association"),
        _text(obj.get("body")), ts(obj.get("created_at")), ts(obj.get("updated_at")),
        int(reactions.get("total_count") or 0), obj.get("html_url"),
    )


def _synthetic_id(*parts) -> int:
    """Stable negative id for timeline items that have none (cross-references)."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=7).digest()
    return -int.from_bytes(digest, "big")


def event_row(repo: str, obj: dict, issue_number: int | None = None) -> tuple:
    """A repo-wide issue event (carries `issue`) or a timeline item (issue number given)."""
    issue = obj.get("issue") or {}
    number = issue_number if issue_number is not None else issue.get("number")
    if number is None:
        raise RecordError("event without the issue it belongs to")
    source = (obj.get("source") or {}).get("issue") or {}
    source_repo = repo_from_url(source.get("repository_url") + "/issues" if source.get("repository_url") else None)
    label = (obj.get("label") or {}).get("name")
    event = obj.get("event") or "unknown"
    actor = _login(obj.get("actor"))
    created = obj.get("created_at")
    event_id = obj.get("id")
    if event_id is None:
        event_id = _synthetic_id(repo, number, event, created, source_repo, source.get("number"))
    return (
        repo, int(event_id), int(number), event, actor, ts(created), label,
        source_repo, source.get("number"),
    )
