"""The labelled corpus through the whole pipeline (skipped when ../shared/data is absent).

The parser's accuracy on the corpus is measured, not floored: `benchmarks/bench_parse.py`
prints it and the README states it. What the parser must do is specified by the golden
fixtures (tests/test_parse_golden.py, tests/test_parse_coverage.py)."""
import json

import pytest

from benchmarks.scoring import DATA, corpus
from etl import db, importer
from etl.parse import FIELDS
from etl.parse.cli import parse_line


def test_the_database_stores_what_the_cli_reads_on_every_corpus_issue(tmp_path):
    """One path: each corpus issue, with its comments, imported as GitHub API JSON into a real
    database, has the same issue report there as `python -m etl parse` prints for it."""
    rows = corpus()
    if not rows:
        pytest.skip(f"labelled corpus not found under {DATA}")
    api, files = "https://api.github.com/repos", []
    for repo in sorted({r["repo"] for r in rows}):
        mine = [r for r in rows if r["repo"] == repo]
        issues = [{"url": f"{api}/{repo}/issues/{r['number']}", "repository_url": f"{api}/{repo}",
                   "number": r["number"], "id": i, "title": r["title"], "body": r["body"], "state": r["state"],
                   "labels": [{"name": n} for n in r["labels"]], "user": {"login": "reporter"},
                   "created_at": r["created_at"], "updated_at": r["created_at"], "comments": len(r["comments"])}
                  for i, r in enumerate(mine, 1)]
        comments = [{"id": 1000 * r["number"] + k, "issue_url": f"{api}/{repo}/issues/{r['number']}",
                     "body": c.get("body"), "user": {"login": f"commenter{k}"}, "created_at": c.get("created_at"),
                     "updated_at": c.get("created_at")}
                    for r in mine for k, c in enumerate(r["comments"])]
        name = repo.replace("/", "__")
        for kind, objects in (("issues", issues), ("comments", comments)):
            path = tmp_path / f"{name}-{kind}.json"
            path.write_text(json.dumps(objects))
            files.append(path)
    path = tmp_path / "corpus.duckdb"
    with db.writing(path) as con:
        importer.save_batch(con, importer.read_batch(files))
    with db.reading(path) as con:
        stored = {(repo, n): dict(zip(FIELDS, values)) for repo, n, *values in con.execute(
            f"SELECT repo, number, {', '.join(FIELDS)} FROM reports WHERE kind = 'issue'").fetchall()}
    assert len(stored) == len(rows)
    differ = [(r["repo"], r["number"]) for r in rows
              if {f: parse_line(json.dumps(r))[f] for f in FIELDS} != stored[(r["repo"], r["number"])]]
    assert differ == []
