"""Triage corrections: kept beside the database, applied wherever reports are counted, surviving
pulls and reparses, undone exactly, exported in the corpus format and imported back."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import duckdb
import pytest

from benchmarks.scoring import accuracy, read_jsonl
from conftest import REPO, etl_main
from etl import corrections, db
from etl.parse.cli import parse_line
from fake_github import FakeGitHub, run_pull
from radar import queries
from radar.filters import Filters

pytestmark = pytest.mark.timeout(120)
ALL = Filters()


@pytest.fixture
def demo_copy(demo_db, tmp_path):
    path = tmp_path / "radar.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def rows(path, sql, params=()):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def kpis(path, f=ALL):
    with duckdb.connect(str(path), read_only=True) as con:
        return queries.summary(con, f).iloc[0].to_dict()


def usage_issue(path):
    """An issue with a usage-related body, a comment report and a me-too."""
    return rows(path, """SELECT number FROM reports WHERE is_usage_related GROUP BY number
                         HAVING count(*) FILTER (kind = 'comment') > 0 AND count(*) FILTER (kind = 'me_too') > 0
                         ORDER BY number LIMIT 1""")[0][0]


def fix(path, *args, who="alice"):
    return etl_main(["corrections", *args, "--who", who, "--db", str(path)])


def test_marking_an_issue_not_usage_related_drops_its_reports_everywhere_and_undo_restores_it(demo_copy, capsys):
    n = usage_issue(demo_copy)
    before_rows = rows(demo_copy, "SELECT * FROM reports ORDER BY number, comment_id")
    before = kpis(demo_copy)
    own = rows(demo_copy, "SELECT count(*) FROM reports WHERE number = ? AND kind IN ('issue', 'comment') AND is_usage_related", [n])[0][0]
    assert fix(demo_copy, "add", f"demo/ai-cli#{n}", "is_usage_related", "false") == 0
    after = kpis(demo_copy)
    assert after["reports"] == before["reports"] - own and own >= 2
    # the corrections file holds it; the database's mirror says what the parser read
    assert rows(demo_copy, "SELECT field, value, parsed, corrected_by FROM corrections") == [
        ("is_usage_related", "false", "true", "alice")]
    assert corrections.corrections_path(demo_copy).exists()
    assert fix(demo_copy, "undo", f"demo/ai-cli#{n}", "is_usage_related") == 0
    assert kpis(demo_copy) == before
    assert rows(demo_copy, "SELECT * FROM reports ORDER BY number, comment_id") == before_rows
    assert rows(demo_copy, "SELECT count(*) FROM corrections") == [(0,)]


def test_a_corrected_version_moves_the_reports_to_that_version_and_survives_a_reparse(demo_copy):
    n = usage_issue(demo_copy)
    parsed = rows(demo_copy, "SELECT version FROM reports WHERE number = ? AND kind = 'issue'", [n])[0][0]
    assert fix(demo_copy, "add", f"demo/ai-cli#{n}", "version", "v9.8.7", "--note", "said so in a comment") == 0
    only = Filters(version_lo="9.8.7", version_hi="9.8.7")
    assert rows(demo_copy, "SELECT DISTINCT kind, version FROM reports WHERE number = ? AND kind <> 'comment' ORDER BY kind",
                [n]) == [("issue", "9.8.7"), ("me_too", "9.8.7")]
    with duckdb.connect(str(demo_copy), read_only=True) as con:
        by_version = queries.reports_by_version(con, only)
    assert list(by_version["version"]) == ["9.8.7"] and by_version["reports"].iloc[0] >= 1
    assert etl_main(["reparse", "--db", str(demo_copy)]) == 0
    assert rows(demo_copy, "SELECT version, version_key IS NOT NULL FROM reports WHERE number = ? AND kind = 'issue'",
                [n]) == [("9.8.7", True)]
    assert rows(demo_copy, "SELECT parsed, note FROM corrections") == [(parsed, "said so in a comment")]


def test_corrections_survive_a_pull_that_changes_the_issue(tmp_path):
    path = tmp_path / "pulled.duckdb"
    with FakeGitHub(60, 5) as server:
        assert run_pull(server, path)[0] == 0
        n = usage_issue(path)
        assert fix(path, "add", f"demo/ai-cli#{n}", "error_category", "server_error") == 0
        server.add_comment(n, "Same here, also on 2.1.0. API Error: 429 rate limited")
        server.touch_issue(n, title="Edited title: still hitting it")
        rc, out, _ = run_pull(server, path)
        assert rc == 0 and "1 issues new or changed" in out
    assert rows(path, "SELECT title FROM issues WHERE number = ?", [n]) == [("Edited title: still hitting it",)]
    assert rows(path, "SELECT DISTINCT error_category FROM reports WHERE number = ? AND kind IN ('issue', 'me_too')",
                [n]) == [("server_error",)]


def test_duplicate_and_canonical_corrections_move_the_cluster(demo_copy):
    a, b = rows(demo_copy, """SELECT number FROM clusters WHERE canonical_number = number AND error_canonical = number
                              AND number NOT IN (SELECT number FROM issue_links WHERE kind = 'duplicate_of')
                              AND number NOT IN (SELECT target_number FROM issue_links WHERE kind = 'duplicate_of')
                              AND number IN (SELECT number FROM reports WHERE kind = 'issue' AND is_usage_related)
                              AND number NOT IN (SELECT error_canonical FROM clusters WHERE number <> error_canonical)
                              ORDER BY number LIMIT 2""")
    a, b = a[0], b[0]
    issues_before = kpis(demo_copy)["issues"]
    assert fix(demo_copy, "add", f"demo/ai-cli#{a}", "duplicate_of", f"#{b}") == 0
    assert rows(demo_copy, "SELECT canonical_number FROM clusters WHERE number = ?", [a]) == [(b,)]
    assert rows(demo_copy, "SELECT DISTINCT canonical FROM reports WHERE number = ?", [a]) == [(b,)]
    assert rows(demo_copy, "SELECT source FROM issue_links WHERE number = ? AND target_number = ?", [a, b]) == [("triage",)]
    assert kpis(demo_copy)["issues"] == issues_before - 1  # the two count as one issue now
    # the triager may also say which of the two is canonical
    assert fix(demo_copy, "add", f"demo/ai-cli#{a}", "canonical", "true") == 0
    assert rows(demo_copy, "SELECT canonical_number FROM clusters WHERE number IN (?, ?) ORDER BY number", [a, b]) == [(a,), (a,)]
    for field in ("canonical", "duplicate_of"):
        assert fix(demo_copy, "undo", f"demo/ai-cli#{a}", field) == 0
    assert rows(demo_copy, "SELECT number, canonical_number FROM clusters WHERE number IN (?, ?) ORDER BY number",
                [a, b]) == [(a, a), (b, b)]
    assert kpis(demo_copy)["issues"] == issues_before


@pytest.mark.parametrize("args, message", [
    (["add", "demo/ai-cli#999999", "os", "linux"], "not in the database"),
    (["add", "demo/ai-cli#1", "duplicate_of", "999999"], "not in the database (pull or fetch them first): demo/ai-cli#999999"),
    (["add", "demo/ai-cli#1", "os", "beos"], "not one of macos, windows"),
    (["add", "demo/ai-cli#1", "error_category", "made_up"], "'made_up' is not one of"),
    (["add", "demo/ai-cli#1", "version", "latest"], "not a release number"),
    (["add", "demo/ai-cli#1", "duplicate_of", "1"], "duplicate of itself"),
    (["add", "demo/ai-cli#1", "colour", "red"], "unknown field"),
    (["add", "demo/ai-cli#1", "os"], "takes ISSUE FIELD VALUE"),
])
def test_bad_corrections_get_a_clear_message_and_change_nothing(demo_copy, capsys, args, message):
    stamp = db.version(demo_copy)
    assert fix(demo_copy, *args) == 2
    assert message in capsys.readouterr().err
    assert db.version(demo_copy) == stamp and corrections.in_force(demo_copy) == []


def test_export_is_scored_by_the_benchmark_as_the_page_counts_disagreements(demo_copy, tmp_path, capsys):
    numbers = [n for (n,) in rows(demo_copy, "SELECT number FROM reports WHERE kind = 'issue' AND is_usage_related "
                                             "AND version IS NOT NULL ORDER BY number LIMIT 4")]
    parsed_os = rows(demo_copy, "SELECT os FROM reports WHERE number = ? AND kind = 'issue'", [numbers[2]])[0][0]
    fix(demo_copy, "add", f"demo/ai-cli#{numbers[0]}", "is_usage_related", "false")
    fix(demo_copy, "add", f"demo/ai-cli#{numbers[1]}", "version", "0.0.1")
    fix(demo_copy, "add", f"demo/ai-cli#{numbers[2]}", "os", parsed_os or "unknown")  # agrees with the parser
    fix(demo_copy, "add", f"demo/ai-cli#{numbers[3]}", "error_category", "weekly_limit", who="bob")
    out = tmp_path / "labels.jsonl"
    assert fix(demo_copy, "export", str(out)) == 0
    lines = read_jsonl(out)
    assert [r["number"] for r in lines] == numbers
    assert {"title", "body", "labels", "comments", "truth"} <= set(lines[0]) and lines[3]["corrections"]["error_category"]["by"] == "bob"
    with duckdb.connect(str(demo_copy), read_only=True) as con:
        page = queries.disagreement_by_field(con, ALL).set_index("field")["parser_disagrees"].to_dict()
    scored = accuracy([(parse_line(json.dumps(r)), r["truth"]) for r in lines])
    assert {f: n - ok for f, (ok, n) in scored.items() if n} == page
    assert page == {"is_usage_related": 1, "error_category": 1, "version": 1, "os": 0}
    bench = subprocess.run([sys.executable, "benchmarks/bench_parse.py", "--labels", str(out)], cwd=REPO,
                           capture_output=True, text=True, timeout=60)
    printed = {line.split()[0]: int(line.split()[3]) for line in bench.stdout.splitlines()[2:]}
    assert printed == page


def test_import_round_trip_keeps_who_when_and_why(demo_db, demo_copy, tmp_path):
    n = usage_issue(demo_copy)
    fix(demo_copy, "add", f"demo/ai-cli#{n}", "plan", "team", "--note", "org account", who="carol")
    fix(demo_copy, "add", f"demo/ai-cli#{n}", "provider", "bedrock", who="dave")
    out = tmp_path / "labels.jsonl"
    fix(demo_copy, "export", str(out))
    other = tmp_path / "teammate.duckdb"
    shutil.copyfile(demo_db, other)
    assert fix(other, "import", str(out), who="ignored") == 0
    assert corrections.in_force(other) == corrections.in_force(demo_copy)
    reports = "SELECT number, comment_id, plan, provider FROM reports ORDER BY number, comment_id"
    assert rows(other, reports) == rows(demo_copy, reports)
    stamp = db.version(other)
    assert fix(other, "import", str(out)) == 0  # the same file again adds nothing and writes nothing
    assert db.version(other) == stamp and len(corrections.in_force(other)) == 2


def test_an_export_to_a_folder_that_does_not_exist_says_so(demo_copy, tmp_path, capsys):
    assert fix(demo_copy, "export", str(tmp_path / "no" / "such" / "dir.jsonl")) == 2
    assert "cannot write" in capsys.readouterr().err


def test_a_bad_line_in_an_import_file_imports_nothing(demo_copy, tmp_path, capsys):
    good = {"repo": "demo/ai-cli", "number": 1, "truth": {"os": "linux"}}
    bad = {"repo": "demo/ai-cli", "number": 2, "truth": {"plan": "platinum"}}
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    assert fix(demo_copy, "import", str(path)) == 2
    assert "line 2: plan 'platinum' is not one of" in capsys.readouterr().err
    assert corrections.in_force(demo_copy) == []


CAST = r"""
import sys
from pathlib import Path
from etl import corrections
path, who, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for i in range(1, n + 1):
    corrections.add(path, [corrections.correction("demo/ai-cli", i, "os", "linux", who)])
"""


def test_two_people_correcting_at_once_lose_nothing(demo_copy):
    procs = [subprocess.Popen([sys.executable, "-c", CAST, str(demo_copy), who, "25"], cwd=REPO,
                              stderr=subprocess.PIPE, text=True) for who in ("erin", "frank")]
    for p in procs:
        assert p.wait(timeout=60) == 0, p.stderr.read()
    with duckdb.connect(str(corrections.corrections_path(demo_copy)), read_only=True) as con:
        assert con.execute("SELECT who, count(*) FROM corrections GROUP BY who ORDER BY who").fetchall() == [
            ("erin", 25), ("frank", 25)]
    with db.writing(demo_copy):
        pass  # a run's end applies the file
    assert rows(demo_copy, "SELECT count(*), count(DISTINCT number) FROM corrections WHERE value = 'linux'") == [(25, 25)]
    assert rows(demo_copy, "SELECT count(*) FROM reports WHERE number <= 25 AND kind = 'issue' AND os <> 'linux'") == [(0,)]


def test_a_corrupt_corrections_file_gets_a_clear_message_and_the_data_is_kept(demo_copy, capsys):
    corrections.corrections_path(demo_copy).write_bytes(b"not a duckdb file" * 100)
    assert fix(demo_copy, "add", "demo/ai-cli#1", "os", "linux") == 2
    assert "radar.corrections.duckdb cannot be opened" in capsys.readouterr().err
    assert etl_main(["reparse", "--db", str(demo_copy)]) == 2  # the reports are rebuilt, the file is named
    assert "move it aside" in capsys.readouterr().err
    assert rows(demo_copy, "SELECT count(*) > 0 FROM reports WHERE parser_version IS NOT NULL") == [(True,)]
