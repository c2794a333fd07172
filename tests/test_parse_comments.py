"""Comments: report-like comments are reports; bare +1s are me-too signals."""
import pytest

from etl.parse import comment_kind, parse_comment, parse_issue


@pytest.mark.parametrize("body", ["+1", "Same here", "same here!", "me too", "Happening to me too", ":+1:", "👍", "+1 same"])
def test_me_too(body):
    assert comment_kind(body) == "me_too"


@pytest.mark.parametrize("body", ["same on 2.1.12, Windows, Max 20x", "Same here: API Error: 529 overloaded",
                                  "I get 'Credit balance is too low' on v1.0.3"])
def test_report_like(body):
    assert comment_kind(body) == "report"


@pytest.mark.parametrize("body", [None, "", "Thanks, will look into it.", "Could you share your logs?"])
def test_discussion(body):
    assert comment_kind(body) is None


def test_comment_keeps_its_own_environment_and_inherits_the_error():
    issue = parse_issue("Claude AI usage limit reached", "**Environment Info**\n- Platform: darwin\n- Version: 1.0.3\n")
    rep = parse_comment("same on 2.1.12, Windows, Max 20x", issue)
    assert (rep["version"], rep["os"], rep["plan"]) == ("2.1.12", "windows", "max_20x")
    assert rep["error_category"] == "usage_limit_reached"
    assert rep["provenance"]["error_category"] == "issue"


def test_comment_never_inherits_environment():
    issue = parse_issue("x", "- Platform: darwin\n- Version: 1.0.3\n- Terminal: ghostty\n")
    rep = parse_comment("+1", issue)
    assert rep["version"] is None and rep["os"] is None and rep["terminal"] is None
