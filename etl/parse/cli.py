"""`python -m etl parse`: JSON Lines of GitHub issues in, one result per line out."""
from __future__ import annotations

import json
from typing import TextIO

from .report import FIELDS, parse_issue

def parse_line(line: str) -> dict:
    """One input line → its output object (raises ValueError on bad input)."""
    issue = json.loads(line)
    if not isinstance(issue, dict):
        raise ValueError("line is not a JSON object")
    repo = _repo_of(issue)
    rep = parse_issue(issue.get("title"), issue.get("body"), issue.get("labels"), repo=repo)
    rep = _with_comment_evidence(rep, issue, repo)
    out = {"repo": repo, "number": issue.get("number")}
    out.update({f: rep[f] for f in FIELDS})
    out["why"] = rep["why"]
    return out


def _with_comment_evidence(rep: dict, issue: dict, repo: str | None) -> dict:
    from .comments import merge_comment_evidence  # local: keeps import graph flat
    comments = issue.get("comments")
    if isinstance(comments, list):
        rep = merge_comment_evidence(rep, comments, repo=repo)
    return rep


def _repo_of(issue: dict):
    repo = issue.get("repo")
    if isinstance(repo, str):
        return repo
    url = issue.get("repository_url") or issue.get("url") or ""
    if isinstance(url, str) and "/repos/" in url:
        parts = url.split("/repos/", 1)[1].split("/")
        if len(parts) >= 2:
            return f"{parts[0]}/{parts[1]}"
    return None


def run_parse(infile: TextIO, outfile: TextIO) -> int:
    """Parse every line of `infile`; return how many lines could not be parsed."""
    errors = 0
    for n, line in enumerate(infile, start=1):
        if not line.strip():
            continue
        try:
            out = parse_line(line)
        except Exception as exc:  # noqa: BLE001 - one bad line must not stop the rest
            errors += 1
            out = {"line": n, "error": f"{type(exc).__name__}: {exc}"[:300]}
        outfile.write(json.dumps(out, ensure_ascii=False) + "\n")
    return errors
