"""Small GitHub REST objects for tests that need a known graph of issues, comments and events."""
from __future__ import annotations

import json
from pathlib import Path


def api(repo: str) -> str:
    return f"https://api.github.com/repos/{repo}"


def issue(repo: str, number: int, body: str = "API Error: 429 rate limited", login: str | None = None,
          **fields) -> dict:
    """An issue as the issues endpoint returns it; any field can be given (`login` sets the author)."""
    return {"number": number, "title": f"Issue {number}", "body": body, "state": "open",
            "user": {"login": login or f"author{number}"}, "labels": [{"name": "bug"}], "comments": 0,
            "created_at": "2025-06-01T00:00:00Z", "updated_at": "2025-07-01T00:00:00Z", "closed_at": None,
            "html_url": f"https://github.com/{repo}/issues/{number}", "repository_url": api(repo), **fields}


def comment(repo: str, cid: int, number: int, body: str, login: str = "someone",
            when: str = "2025-06-10T00:00:00Z") -> dict:
    return {"id": cid, "issue_url": f"{api(repo)}/issues/{number}", "body": body, "user": {"login": login},
            "created_at": when, "updated_at": when, "author_association": "NONE"}


def event(repo: str, number: int, kind: str, eid: int | None = None, source: int | None = None) -> dict:
    """A repo-wide issue event, or (with `source`) a timeline cross-reference, which has no id."""
    e = {"event": kind, "created_at": "2025-06-05T00:00:00Z", "actor": {"login": "maint"},
         "issue": {"number": number, "repository_url": api(repo)}}
    if source is not None:
        return {**e, "source": {"type": "issue", "issue": {"number": source, "repository_url": api(repo)}}}
    return {**e, "id": eid}


def write_files(folder: Path, **named: list[dict]) -> list[Path]:
    """Each list as `<name>.json` in folder, as `python -m etl import` reads them."""
    paths = []
    for name, objs in named.items():
        paths.append(folder / f"{name}.json")
        paths[-1].write_text(json.dumps(objs))
    return paths
