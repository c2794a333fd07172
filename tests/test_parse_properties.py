"""Property tests: the parser never raises and stays fast on hostile input."""
import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.parse import FIELDS, comment_kind, parse_comment, parse_issue
from etl.parse.classify import RULES, TIERS

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(rep):
    assert rep.get("parse_error") is None, rep["parse_error"]  # a failure is stored, so it must not happen
    assert set(FIELDS) <= set(rep)
    assert isinstance(rep["is_usage_related"], bool)
    assert rep["http_status"] is None or 400 <= rep["http_status"] < 600
    json.dumps(rep)


def _check_issue(rep):
    """An issue's verdict always says which rule decided it."""
    _check(rep)
    assert rep["provenance"]["is_usage_related"] == rep["provenance"]["error_category"] in RULES
    assert rep["why"].split(":")[0] in RULES
    assert rep["tier"] in TIERS


@FAST
@given(st.text(max_size=3000), st.text(max_size=200), st.lists(st.one_of(st.text(max_size=30), st.none(), st.integers())))
def test_never_raises_on_any_text(body, title, labels):
    _check_issue(parse_issue(title, body, labels))
    comment_kind(body)
    _check(parse_comment(body, parse_issue(title, None)))


FRAGMENTS = ["### Claude Code Version\n", "- Version: ", "v", "2.1.", "API Error: ", "429", "{\"error\":",
             "\\\"type\\\":", "\"", "\\", "{", "[", "```", "\n", "Max 20x", "│ OS   ", "darwin", "\x00", "\r",
             "\u202e", "limit reached", " ", "\t", "#", "/Users/x/", "C:\\Users\\", "$200", "5-hour"]


@FAST
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=400))
def test_never_raises_on_report_shaped_garbage(parts):
    _check_issue(parse_issue("".join(parts[:20]), "".join(parts), ["platform:" + "".join(parts[:3])]))


def _nested(depth):
    return "{\"error\":" * depth + "\"x\"" + "}" * (depth // 2)


def test_deeply_nested_and_broken_json():
    for body in (_nested(20000), "[" * 50000, "\\\"" * 100000, "{\"message\": \"" + "a" * 200000):
        _check_issue(parse_issue("t", body))


BAIT = ["a" * 1_000_000, " " * 1_000_000, "1." * 500_000, "- " * 500_000, "Error: " * 150_000,
        "\"message\":\"" * 80_000, "#" * 1_000_000, "\n" * 1_000_000, "max " * 250_000, "5 x " * 250_000,
        "/a" * 500_000, ("x" * 60 + ": " + "y " * 100 + "\n") * 4000,
        "limit " * 200_000, "### Error Messages/Logs\n" + "no error here\n" * 80_000, "pro or max plan " * 60_000,
        "type: 'x' " * 100_000]


def test_one_megabyte_bodies_parse_in_under_a_second():
    for body in BAIT:
        start = time.perf_counter()
        _check_issue(parse_issue(body[:500], body))
        assert time.perf_counter() - start < 1.0, repr(body[:30])
