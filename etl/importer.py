"""`python -m etl import`: saved GitHub API JSON → the database, through the same savers a pull uses.

A file may hold a JSON array, the concatenated arrays that `gh api --paginate` prints, or JSON
Lines. Every file is read and checked before anything is written, so a malformed file loads
nothing, not part of itself.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from etl import graph, load, records


class ImportFileError(ValueError):
    """A file that cannot be imported; the message names the file and the problem."""


def iter_json_values(text: str):
    """Every top-level JSON value in text: one document, concatenated documents, or JSON Lines."""
    decoder = json.JSONDecoder()
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return
        value, i = decoder.raw_decode(text, i)
        yield value


def read_objects(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ImportFileError(f"{path}: {exc.strerror}") from None
    objs: list[dict] = []
    try:
        for value in iter_json_values(text):
            objs.extend(value if isinstance(value, list) else [value])
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    return objs


@dataclass
class Batch:
    """Objects sorted by repo and kind, ready to save."""
    issues: dict = field(default_factory=lambda: defaultdict(list))
    comments: dict = field(default_factory=lambda: defaultdict(list))
    events: dict = field(default_factory=lambda: defaultdict(list))

    def add(self, obj: dict, repo: str | None) -> None:
        kind = records.kind_of(obj)
        repo = repo or _repo_of(obj, kind)
        if not repo:
            raise records.RecordError(f"cannot tell which repository this {kind} belongs to; pass --repo OWNER/NAME")
        getattr(self, kind + "s")[repo].append(obj)

    @property
    def repos(self) -> set[str]:
        return set(self.issues) | set(self.comments) | set(self.events)


def _repo_of(obj: dict, kind: str) -> str | None:
    if kind == "issue":
        return records.repo_from_url((obj.get("repository_url") or "") + "/issues") or records.repo_from_url(obj.get("url"))
    if kind == "comment":
        return records.repo_from_url(obj.get("issue_url"))
    issue = obj.get("issue") or {}
    return records.repo_from_url((issue.get("repository_url") or "") + "/issues")


def read_batch(paths: list[Path], repo: str | None = None) -> Batch:
    batch = Batch()
    for path in paths:
        for i, obj in enumerate(read_objects(path)):
            try:
                batch.add(obj, repo)
                _check(obj)
            except records.RecordError as exc:
                raise ImportFileError(f"{path}: object #{i + 1}: {exc}") from None
    return batch


def _check(obj: dict) -> None:
    """Run the row conversion once up front, so bad fields fail before any write."""
    kind = records.kind_of(obj)
    if kind == "issue":
        records.issue_row("x/y", obj)
    elif kind == "comment":
        records.comment_row("x/y", obj)
    else:
        records.event_row("x/y", obj, (obj.get("issue") or {}).get("number") or 0)


def save_batch(con, batch: Batch, is_demo: bool = False, seen_at=None) -> dict:
    """Write a checked batch in one transaction; returns counts per kind. `seen_at` dates the
    reaction snapshots (default now)."""
    counts = {"issues": 0, "changed": 0, "comments": 0, "events": 0, "reports": 0}
    con.begin()
    try:
        for repo in sorted(batch.repos):
            load.ensure_repo(con, repo, is_demo)
            changed = load.upsert_issues(con, repo, batch.issues.get(repo, []), seen_at)
            touched = set(changed) | set(load.upsert_comments(con, repo, batch.comments.get(repo, [])))
            touched |= set(load.upsert_events(con, repo, batch.events.get(repo, [])))
            # Links of every issue and PR in the batch (changed or not), reports of what changed.
            in_batch = touched | {int(o["number"]) for o in batch.issues.get(repo, [])}
            graph.rebuild_links(con, repo, in_batch)
            counts["reports"] += load.rebuild_reports(con, repo, touched)
            graph.rebuild_clusters(con, repo, in_batch)
            counts["issues"] += len(batch.issues.get(repo, []))
            counts["changed"] += len(changed)
            counts["comments"] += len(batch.comments.get(repo, []))
            counts["events"] += len(batch.events.get(repo, []))
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return counts
