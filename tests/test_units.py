"""Pure helpers: version order, filters in the URL, CSV safety."""
from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from etl.versions import sort_key, sort_versions
from radar import export
from radar.filters import Filters


def test_versions_sort_semantically():
    assert sort_versions(["2.1.10", "2.1.9", "10.0.0", "2.1.9-beta.1", "garbage", "0.1.2504161510", "2.1.9.1"]) == [
        "0.1.2504161510", "2.1.9-beta.1", "2.1.9", "2.1.9.1", "2.1.10", "10.0.0", "garbage"]
    assert sort_key("v2") == sort_key("2.0.0")
    assert sort_key(None) is None and sort_key("latest") is None


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 999), st.integers(0, 999)), min_size=2, max_size=20))
def test_sort_key_orders_like_tuples(triples):
    versions = [".".join(map(str, t)) for t in triples]
    assert [sort_key(v) for v in sorted(versions, key=lambda v: tuple(map(int, v.split("."))))] == sorted(
        sort_key(v) for v in versions)


def test_filters_round_trip_through_url_params():
    f = Filters(repo="o/r", date_from=date(2025, 6, 1), version_lo="2.0.1", version_hi="2.1.10",
                os=("macos", "windows"), category=("weekly_limit",), latest_n=None)
    assert Filters.from_params(f.to_params()) == f
    assert Filters.from_params({}) == Filters()


def test_filters_ignore_unreadable_url_values():
    f = Filters.from_params({"date_from": "yesterday", "latest_n": "-3", "version_lo": "2.0.0"})
    assert f == Filters(version_lo="2.0.0")


def test_csv_neutralizes_formula_cells_but_keeps_numbers():
    df = pd.DataFrame({"title": ["=HYPERLINK(\"http://x\")", "+1 me too", "-rf", "@SUM(A1)", "\tx", "\rx", "plain"],
                       "count": [-1, 2, 3, 4, 5, 6, 7]})
    rows = list(csv.reader(io.StringIO(export.csv_bytes(df).decode(), newline="")))
    assert rows[0] == ["title", "count"]
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://x\")", "'+1 me too", "'-rf", "'@SUM(A1)", "'\tx", "'\rx", "plain"]
    assert [r[1] for r in rows[1:]] == ["-1", "2", "3", "4", "5", "6", "7"]


def test_csv_file_name_says_view_and_filters():
    name = export.file_name("reports-by-version", Filters(repo="demo/ai-cli", version_lo="2.0.0", version_hi="2.1.0"))
    assert name == "usage-radar_reports-by-version_demo-ai-cli_v2.0.0-2.1.0.csv"


def test_every_cli_command_is_documented_in_the_readme():
    from conftest import REPO
    from etl.__main__ import build_parser
    readme = (REPO / "README.md").read_text()
    commands = build_parser()._subparsers._group_actions[0].choices
    assert set(commands) == {"demo", "import", "pull", "fetch", "status", "reparse", "parse", "corrections"}
    for name in commands:
        assert f"| `{name}" in readme, f"`python -m etl {name}` is missing from the README's command table"
