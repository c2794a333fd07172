"""The literal gates: what a rule's regex requires, and the one-pass document scan."""
import pytest

from etl.parse.comments import read_thread
from etl.parse.literals import SUBSTRING, Scanner
from etl.parse.regex_gates import required_literal
from etl.parse.rules import compile_rules


@pytest.mark.parametrize(("pattern", "gate", "starts_word"), [
    ("rate limit", "rate limit", True),
    ("token (?:has )?expired", "expired", True),  # after a space, or after "has "
    ("(?:reached|hit) (?:the|my) (?:opus |sonnet )?weekly (?:usage )?limit", "weekly ", True),
    ("limits? (?:were |was )?(?:cut|reduced)", "limit", True),
    (r"\btpm\b", "tpm", True),
    (r"quota exceeded\. check", "quota exceeded. check", True),
    ("(?:x)?limit reached", "limit reached", False),  # may follow a letter: a substring gate
    ("a|b", None, False),  # top-level alternation: nothing is required
    ("(?:consumed|used up|burn(?:ed|t)?) .{0,9}in", frozenset({"consumed", "used up", "burn"}), True),
    ("(?:ab|cd)? x", None, True),  # an optional group and a too-short literal
    (r"weekly (?:usage )?limit (?:at|stuck at) 100 ?%", "weekly ", True),
])
def test_required_literal(pattern, gate, starts_word):
    assert required_literal(pattern) == (gate, starts_word)


def test_scan_finds_literals_at_word_starts_only():
    text, title = Scanner(["counter", "limit", "usage limit", "429", SUBSTRING + "ratelimit"]).scan(
        "meter encounter\nthe usage limit (429); x-ratelimit", len("meter encounter"))
    assert {"limit", "usage limit", "429", SUBSTRING + "ratelimit"} <= text.present
    assert "counter" not in text.present  # inside "encounter"
    assert title.present == frozenset()


def test_scan_reports_literals_contained_in_longer_ones():
    text, _ = Scanner(["session limit reached", "limit", "limit reached"]).scan("session limit reached", 0)
    assert text.present == {"session limit reached", "limit", "limit reached"}


def test_a_rule_runs_only_when_its_gate_is_present():
    rule = compile_rules(["counter"])[0]
    scanner = Scanner(rule.keys())
    assert not rule.search(scanner.scan("i encounter an error", 0)[0])
    assert rule.search(scanner.scan("the counter is wrong", 0)[0])


def test_has_falls_back_to_substrings_for_undeclared_words():
    text, _ = Scanner(["limit"]).scan("ratelimit hit", 0)
    assert text.has("ratelimit") and not text.has("limit")


def test_comment_topics_do_not_categorize_the_issue():
    """A comment that only discusses (no quoted error) leaves the category alone."""
    merged, _ = read_thread("What does code 456 mean?", "what is this error code", None,
                            ["It usually means the provider dashboard balance is empty."])
    assert merged["error_category"] == "other"
    quoted, _ = read_thread("Blocked", "it stops", None, ["Same: API Error: 529 Overloaded"])
    assert quoted["error_category"] == "overloaded"
