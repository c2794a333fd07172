"""Comments: report-like comments are reports; bare +1s are me-too signals."""
import pytest

from etl.parse import comment_kind, parse_comment, parse_issue
from etl.parse.comments import read_thread


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


def test_merge_takes_the_error_from_a_comment_when_the_body_lacks_it():
    comments = ["Full error: {\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}"]
    merged, _ = read_thread("Model keeps failing", "It fails when I use an API key.", None, comments,
                            repo="google-gemini/gemini-cli")
    assert (merged["http_status"], merged["error_type"]) == (503, "UNAVAILABLE")
    assert merged["provenance"]["http_status"] == "comment"


def test_merge_keeps_the_body_error_and_the_reporter_environment():
    merged, kinds = read_thread("API Error: 429", "- Version: 1.0.3\n- Platform: darwin\nAPI Error: 429 rate_limit_error", None,
                                ["same on 2.1.12, Windows, Max 20x — API Error: 529 overloaded_error", "junk", None])
    assert [k for k, _ in kinds] == ["report", None, None]
    assert (merged["http_status"], merged["error_type"]) == (429, "rate_limit_error")
    assert (merged["version"], merged["os"], merged["plan"]) == ("1.0.3", "macos", None)


def test_merge_fills_the_category_only_when_the_body_has_none():
    assert parse_issue("It stops", "Nothing works since this morning.")["error_category"] == "other"
    merged, _ = read_thread("It stops", "Nothing works since this morning.", None,
                            ["Error: 429 rate_limit_error: This request would exceed your rate limit"])
    assert merged["error_category"] == "rate_limited" and merged["is_usage_related"] is True


def test_repo_parameter_tells_the_vendor():
    body = "You've hit your usage limit. Try again later."
    assert parse_issue("Blocked", body, repo="openai/codex")["provider"] == "chatgpt_subscription"
    assert parse_issue("Blocked", body, repo="anthropics/claude-code")["provider"] == "claude_ai_subscription"
    assert parse_comment(body, None, repo="openai/codex")["provider"] == "chatgpt_subscription"
    assert parse_issue("Blocked", body)["provider"] is None  # no repo, no vendor words
