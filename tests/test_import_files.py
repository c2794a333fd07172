"""`python -m etl import` reads what people save from the API: arrays, `gh api --paginate`
output (concatenated pages), JSON Lines — and derives the same data as a pull."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from etl.__main__ import main as etl_main
from fake_github import VOLATILE, FakeGitHub, run_pull

PAYLOADS = Path(__file__).resolve().parents[2] / "shared" / "data" / "github-payloads"
N, SEED = 120, 5


@pytest.fixture(scope="module")
def server():
    with FakeGitHub(N, SEED) as s:
        yield s


def write(path: Path, objs: list[dict], layout: str) -> Path:
    if layout == "array":
        path.write_text(json.dumps(objs, indent=2))
    elif layout == "paginate":  # what `gh api --paginate` prints: one array per page, back to back
        path.write_text("".join(json.dumps(objs[i:i + 50], indent=2) for i in range(0, len(objs), 50)))
    else:
        path.write_text("\n".join(json.dumps(o) for o in objs) + "\n")
    return path


def rows(db: Path, table: str, order: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        volatile = ", ".join(VOLATILE.get(table, ()))
        return con.execute(f"SELECT * {f'EXCLUDE ({volatile})' if volatile else ''} FROM {table} ORDER BY {order}").fetchall()
    finally:
        con.close()


def test_every_layout_loads_the_same_rows(server, tmp_path):
    issues, comments = list(server.issues.values()), list(server.comments.values())
    results = []
    for layout in ("array", "paginate", "jsonl"):
        d = tmp_path / layout
        d.mkdir()
        files = [write(d / "issues.json", issues, layout), write(d / "comments.json", comments, layout)]
        assert etl_main(["import", *map(str, files), "--db", str(d / "r.duckdb")]) == 0
        results.append([rows(d / "r.duckdb", t, o) for t, o in
                        (("issues", "number"), ("comments", "id"), ("reports", "number, comment_id"))])
    assert results[0] == results[1] == results[2]
    assert len(results[0][0]) == N and len(results[0][1]) == len(comments)


def test_import_and_pull_derive_the_same_reports(server, tmp_path):
    pulled = tmp_path / "pulled.duckdb"
    assert run_pull(server, pulled)[0] == 0
    files = [write(tmp_path / "issues.json", list(server.issues.values()), "paginate"),
             write(tmp_path / "comments.json", list(server.comments.values()), "jsonl")]
    imported = tmp_path / "imported.duckdb"
    assert etl_main(["import", *map(str, files), "--db", str(imported)]) == 0
    for table, order in (("issues", "number"), ("comments", "id"), ("reports", "number, comment_id")):
        assert rows(imported, table, order) == rows(pulled, table, order), table


@pytest.mark.skipif(not PAYLOADS.is_dir(), reason="shared GitHub payloads not present")
def test_real_api_payloads_import(tmp_path, capsys):
    db = tmp_path / "r.duckdb"
    files = [PAYLOADS / "issues.json", PAYLOADS / "issue-comments.json"]
    assert etl_main(["import", *map(str, files), "--db", str(db)]) == 0
    issues, comments = (json.loads(f.read_text()) for f in files)
    stored = rows(db, "issues", "number")
    assert [(r[0], r[1]) for r in stored] == sorted(("simonw/datasette", o["number"]) for o in issues)
    assert len(rows(db, "comments", "id")) == len(comments)
    assert all(r[13] == 0 for r in stored)  # an older API version: no reactions field, counted as none
    assert "2 issues" in capsys.readouterr().out


@pytest.mark.skipif(not (PAYLOADS / "repo.json").is_file(), reason="shared GitHub payloads not present")
def test_a_file_that_is_not_issues_is_refused_with_one_line(tmp_path, capsys):
    db = tmp_path / "r.duckdb"
    assert etl_main(["import", str(PAYLOADS / "repo.json"), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "repo.json" in err and err.count("\n") == 1
    assert not db.exists()
