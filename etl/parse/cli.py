"""`python -m etl parse`: JSON Lines of GitHub issues in, one result per line out."""
from __future__ import annotations

import json
from typing import TextIO

from .comments import read_thread
from .report import FIELDS


def parse_line(line: str) -> dict:
    """One input line → its output object (raises ValueError on bad input)."""
    issue = json.loads(line)
    if not isinstance(issue, dict):
        raise ValueError("line is not a JSON object")
    repo = _repo_of(issue)
    comments = issue.get("comments") if isinstance(issue.get("comments"), list) else []
    rep, _ = read_thread(issue.get("title"), issue.get("body"), issue.get("labels"),
                         [c.get("body") if isinstance(c, dict) else None for c in comments], repo=repo)
    out = {"repo": repo, "number": issue.get("number")}
    out.update({f: rep[f] for f in FIELDS})
    out["why"], out["tier"] = rep["why"], rep["tier"]
    if rep.get("parse_error"):
        out["parse_error"] = rep["parse_error"]
    return out


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
