"""Triage corrections through the real app (AppTest): cast on the issue report or the Issues page,
counted on every page, shown beside the parser's reading, undone, and measured on Data quality."""
from __future__ import annotations

import shutil

import pytest

from apphelpers import open_page
from etl import corrections

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def app_db(demo_db, tmp_path, use_db):
    path = tmp_path / "radar.duckdb"
    shutil.copyfile(demo_db, path)
    return use_db(path)


def overview_reports(**params) -> int:
    at = open_page("pages/overview.py", params)
    return int(next(m for m in at.metric if m.label == "Reports").value.replace(",", ""))


def report_page(number: int):
    return open_page("pages/issue_report.py", {"issue": f"demo/ai-cli#{number}"})


def test_not_usage_related_from_the_issue_report_drops_the_kpis_and_undo_brings_them_back(app_db):
    before = overview_reports()
    at = report_page(5)
    assert "No correction" in " ".join(c.value for c in at.caption)
    at.selectbox(key="report_fix_field").set_value("is_usage_related").run()
    at.selectbox(key="report_fix_usage").set_value("false")
    at.text_input(key="report_fix_name").input("Grace")
    at.text_input(key="report_fix_note").input("a crash report")
    at.button(key="report_fix_save").click().run()
    assert not at.exception and [s.value for s in at.success] == ["Saved and applied."]
    shown = " ".join(t.value for t in at.text)
    assert "usage-related or not: false (parser: true), by name:grace" in shown and "a crash report" in shown
    fields = next(df.value for df in at.dataframe if "from" in df.value.columns).set_index("field")
    assert fields.loc["is_usage_related", "value"] == "False"
    assert fields.loc["is_usage_related", "from"] == "corrected by name:grace (parser: true)"
    dropped = overview_reports()
    assert dropped < before

    at = report_page(5)
    at.button(key="report_fix_undo_is_usage_related").click().run()
    assert [s.value for s in at.success] == ["Undone and applied."]
    assert overview_reports() == before
    assert corrections.in_force(app_db) == []


def test_a_category_set_on_the_issues_page_shows_on_data_quality(app_db):
    at = open_page("pages/issues.py")
    target = at.selectbox(key="issues_fix_issue").options[0]
    at.selectbox(key="issues_fix_field").set_value("error_category").run()
    at.selectbox(key="issues_fix_error_category").set_value("plan_or_billing")
    at.button(key="issues_fix_save").click().run()
    assert [s.value for s in at.success] == ["Saved and applied."]
    (fixed,) = corrections.in_force(app_db)
    assert f"{fixed.repo}#{fixed.number}" == target and fixed.value == "plan_or_billing"

    dq = open_page("pages/data_quality.py")
    tables = {tuple(df.value.columns): df.value for df in dq.dataframe}
    by_field = next(v for k, v in tables.items() if "parser_disagrees" in k)
    disagrees = int(by_field.set_index("field").loc["error_category", "parser_disagrees"])
    listed = next(v for k, v in tables.items() if "corrected" in k and "parser" in k)
    assert len(listed) == 1 and listed["corrected"].iloc[0] == "plan_or_billing"
    assert disagrees == int(listed["parser"].iloc[0] != "plan_or_billing")


def test_a_duplicate_of_an_issue_that_is_not_stored_is_refused(app_db):
    at = report_page(5)
    at.selectbox(key="report_fix_field").set_value("duplicate_of").run()
    at.number_input(key="report_fix_dup").set_value(999999)
    at.button(key="report_fix_save").click().run()
    assert [e.value for e in at.error] == ["demo/ai-cli#999999 is not in the database: fetch it first (issue report)"]
    assert corrections.in_force(app_db) == []
