"""Demo generator → import → DuckDB: counts, idempotence, bad files, and the import formats."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from apiobjects import issue
from conftest import DEMO_ISSUES, DEMO_SEED, etl_main
from etl import demo

TABLES = ("issues", "comments", "timeline_events", "reports", "reaction_snapshots", "repos")


def table_contents(path: Path) -> dict[str, list]:
    """Every row of every data table (timestamps of when we loaded are excluded)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: sorted(map(repr, con.execute(f"SELECT * {_LOAD_TIME.get(t, '')} FROM {t}").fetchall()))
                for t in TABLES}


_LOAD_TIME = {"reaction_snapshots": "EXCLUDE (taken_at)", "repos": "EXCLUDE (added_at)"}


def _counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_demo_counts_match_what_was_generated(demo_build):
    db_path, files = demo_build
    generated = {p.stem: json.loads(p.read_text()) for p in files}
    with duckdb.connect(str(db_path), read_only=True) as con:
        issues, prs = con.execute(
            "SELECT count(*) FILTER (WHERE NOT is_pull_request), count(*) FILTER (WHERE is_pull_request) FROM issues"
        ).fetchone()
        body_reports = con.execute("SELECT count(*) FROM reports WHERE kind = 'issue'").fetchone()[0]
        comments = con.execute("SELECT count(*) FROM comments").fetchone()[0]
        events = con.execute("SELECT count(*) FROM timeline_events").fetchone()[0]
        is_demo = con.execute("SELECT is_demo FROM repos WHERE repo = ?", [demo.DEMO_REPO]).fetchone()[0]
        syncs = con.execute("SELECT count(DISTINCT taken_at) FROM reaction_snapshots").fetchone()[0]
        grown = con.execute("""SELECT count(*) FROM (SELECT number FROM reaction_snapshots GROUP BY number
                               HAVING max(reactions_total) > min(reactions_total))""").fetchone()[0]
    expected_prs = sum("pull_request" in i for i in generated["issues"])
    assert issues + prs == DEMO_ISSUES
    assert prs == expected_prs and prs > 0
    assert body_reports == issues  # one report per issue body, none for pull requests
    assert comments == len(generated["comments"])
    assert events == len(generated["events"])
    assert is_demo is True
    assert syncs == 2 and grown > 0  # a week-earlier sync, so reaction growth shows on the demo


def test_demo_is_deterministic_and_realistic(tmp_path):
    a = demo.write_files(tmp_path / "a", n_issues=300, seed=DEMO_SEED)
    b = demo.write_files(tmp_path / "b", n_issues=300, seed=DEMO_SEED)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    bundles = list(demo.generate(3000, seed=7))
    categories = [b.category for b in bundles if b.category]
    shares = {c: categories.count(c) / len(categories) for c in set(categories)}
    assert max(shares.values()) > 3 * min(shares.values())  # uneven, like real trackers
    assert len({v for v, _ in demo.releases()}) == 40
    assert any(b.issue.get("state_reason") == "duplicate" for b in bundles)
    assert any("pull_request" in b.issue for b in bundles)


def test_regression_release_is_visible_in_the_demo(demo_build, tmp_path):
    paths = demo.write_files(tmp_path, n_issues=3000, seed=7)
    db_path = tmp_path / "r.duckdb"
    assert etl_main(["import", *map(str, paths), "--db", str(db_path)]) == 0
    with duckdb.connect(str(db_path), read_only=True) as con:
        share = dict(con.execute("""
            SELECT version IN (SELECT unnest(?)), avg((error_category = ?)::INT)
            FROM reports WHERE kind = 'issue' AND version IS NOT NULL GROUP BY 1""",
            [list(demo.REGRESSION_VERSIONS), demo.REGRESSION_CATEGORY]).fetchall())
    assert share[True] > 3 * share[False]


def test_reimport_changes_nothing(demo_build, tmp_path):
    db_path, files = demo_build
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(db_path, copy)
    before = table_contents(copy)
    assert etl_main(["import", *map(str, files), "--db", str(copy)]) == 0
    assert table_contents(copy) == before


def test_malformed_file_names_the_file_and_loads_nothing(demo_build, tmp_path, capsys):
    db_path, files = demo_build
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(db_path, copy)
    before = _counts(copy)
    good = tmp_path / "more.json"
    good.write_text(json.dumps([issue("o/r", 90001)]))
    bad = tmp_path / "broken.json"
    bad.write_text('[{"number": 90002, "title": "x", "body": "y"')
    assert etl_main(["import", str(good), str(bad), "--db", str(copy), "--repo", demo.DEMO_REPO]) == 2
    err = capsys.readouterr().err
    assert "broken.json" in err and "invalid JSON" in err and "line 1" in err
    assert _counts(copy) == before  # not even the good file's issue went in


def test_object_of_the_wrong_shape_is_refused(tmp_path, capsys):
    path = tmp_path / "odd.json"
    path.write_text(json.dumps([issue("o/r", 1), {"hello": "world"}]))
    assert etl_main(["import", str(path), "--db", str(tmp_path / "x.duckdb"), "--repo", "a/b"]) == 2
    err = capsys.readouterr().err
    assert "odd.json" in err and "object #2" in err and not (tmp_path / "x.duckdb").exists()


@pytest.mark.parametrize("layout", ["array", "paginated", "jsonl"])
def test_import_reads_arrays_concatenated_pages_and_json_lines(tmp_path, layout):
    issues = [issue("o/r", n) for n in range(1, 8)]
    if layout == "array":
        text = json.dumps(issues, indent=2)
    elif layout == "paginated":  # what `gh api --paginate` prints: one array per page, back to back
        text = json.dumps(issues[:3]) + json.dumps(issues[3:])
    else:
        text = "\n".join(json.dumps(i) for i in issues) + "\n"
    path = tmp_path / "issues.json"
    path.write_text(text)
    db_path = tmp_path / "db.duckdb"
    assert etl_main(["import", str(path), "--db", str(db_path)]) == 0
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT repo, count(*) FROM issues GROUP BY repo").fetchall() == [("o/r", 7)]


def test_status_describes_the_database(demo_db, capsys):
    assert etl_main(["status", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert demo.DEMO_REPO in out and "synthetic demo data" in out
    assert f"{DEMO_ISSUES - _prs(demo_db)} issues" in out


def test_reparse_brings_a_new_reading_to_an_older_database(tmp_path, capsys):
    """A database whose reports an earlier parser read (no `why`, another parser version, another
    verdict) is flagged by `status`; `reparse` re-reads the stored issues offline."""
    path = tmp_path / "db.duckdb"
    src = tmp_path / "i.json"
    src.write_text(json.dumps([issue("o/r", 1, "Plan mode saves files to the wrong directory.", title="Plan mode bug"),
                               issue("o/r", 2, "Claude usage limit reached. Your limit will reset at 5pm.")]))
    assert etl_main(["import", str(src), "--db", str(path)]) == 0
    with duckdb.connect(str(path)) as con:  # what the earlier parser stored
        con.execute("UPDATE reports SET is_usage_related = true, error_category = 'plan_or_billing', why = NULL, "
                    "parser_version = '1' WHERE number = 1")
    assert etl_main(["status", "--db", str(path)]) == 0
    assert "run `python -m etl reparse`" in capsys.readouterr().out
    assert etl_main(["reparse", "--db", str(path)]) == 0
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("SELECT number, is_usage_related, error_category, why FROM reports ORDER BY number").fetchall()
    assert rows == [(1, False, "other", "no evidence"),
                    (2, True, "usage_limit_reached", "message: usage limit reached")]
    capsys.readouterr()
    assert etl_main(["status", "--db", str(path)]) == 0
    assert "run `python -m etl reparse`" not in capsys.readouterr().out


def _prs(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT count(*) FROM issues WHERE is_pull_request").fetchone()[0]


def test_status_without_a_database_says_what_to_run(tmp_path, capsys):
    assert etl_main(["status", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "python -m etl demo" in capsys.readouterr().err


def test_corrupt_database_gets_a_clear_message(tmp_path, capsys):
    path = tmp_path / "bad.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    assert etl_main(["status", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad.duckdb" in err and "not a readable DuckDB database" in err
    good = tmp_path / "i.json"
    good.write_text(json.dumps([issue("o/r", 1)]))
    assert etl_main(["import", str(good), "--db", str(path)]) == 2  # the writer refuses too
    assert path.read_bytes().startswith(b"this is not a database")  # and leaves it as it was


def test_parse_of_a_missing_file_says_so(tmp_path, capsys):
    assert etl_main(["parse", str(tmp_path / "nope.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
