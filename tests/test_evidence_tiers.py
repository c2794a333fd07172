"""Evidence tiers: every decision stores how strong its evidence is, the Data quality page counts
reports per tier, and the Evidence filter keeps only the tiers picked, on every page."""
import pytest

from apphelpers import frame_with, open_page
from etl.parse import parse_issue, read_thread
from etl.parse.classify import STRONG_TIERS, TIERS
from test_app_pages import metric, sql

RATE_PAYLOAD = 'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}'


@pytest.mark.parametrize("title, body, tier", [
    ("Claude AI usage limit reached", "", "client message"),  # a message the vocabulary lists with its client
    ("I hit my daily limit after an hour", "", "unlisted message"),  # a message pattern, in the reporter's words
    ("It fails", RATE_PAYLOAD, "error type"),
    ("Request failed", "got HTTP 429 from the api", "http status"),
    ("Max plan shown as Pro in /status", "my subscription is wrong", "topic"),
    ("Usage display is confusing", "the plan page displays odd numbers about my usage limits", "weak topic"),
    ("It stops", "Nothing works.", "fallback"),
])
def test_each_decision_records_its_tier(title, body, tier):
    assert parse_issue(title, body)["tier"] == tier


def test_a_comment_that_decides_lends_its_tier_and_one_that_inherits_takes_the_issues():
    issue, comments = read_thread("It stops", "Nothing works.", None, [RATE_PAYLOAD, "same on 2.1.12, Windows"])
    assert (issue["error_category"], issue["tier"]) == ("rate_limited", "error type")
    (kind1, own), (kind2, inherited) = comments
    assert (kind1, own["tier"]) == ("report", "error type")
    assert (kind2, inherited["tier"], inherited["provenance"]["error_category"]) == ("report", "error type", "issue")


def test_data_quality_counts_reports_per_tier_strongest_first(hostile_db, use_db):
    use_db(hostile_db)
    shown = frame_with(open_page("pages/data_quality.py"), "tier", "usage_related", "reports")
    expected = sql(hostile_db, """SELECT evidence_tier AS tier, is_usage_related AS usage_related, count(*) AS reports
                                  FROM reports WHERE kind = 'issue' GROUP BY ALL""")
    assert ({(r.tier, bool(r.usage_related)): r.reports for r in shown.itertuples()}
            == {(r.tier, bool(r.usage_related)): r.reports for r in expected.itertuples()})
    order = [TIERS.index(t) for t in shown["tier"]]
    assert order == sorted(order) and len(set(shown["tier"])) >= 3


def test_the_evidence_filter_keeps_only_strong_evidence_everywhere(hostile_db, use_db):
    use_db(hostile_db)
    everything = metric(open_page(), "Reports")
    stored = set(sql(hostile_db, "SELECT DISTINCT evidence_tier FROM reports WHERE is_usage_related")["evidence_tier"])
    picked = [t for t in STRONG_TIERS if t in stored]  # the sidebar offers only tiers the data has
    at = open_page(params={"tier": picked})
    strong = sql(hostile_db, """SELECT count(*) AS n FROM reports WHERE kind IN ('issue', 'comment')
                                AND is_usage_related AND evidence_tier IN (SELECT unnest(?))""", [picked]).iloc[0]["n"]
    assert metric(at, "Reports") == strong and 0 < strong < everything
    picker = next(m for m in at.multiselect if m.label == "Evidence")
    assert list(picker.value) == picked and len(picked) >= 2
    assert list(picker.options) == [t for t in TIERS if t in picker.options]  # strongest first
