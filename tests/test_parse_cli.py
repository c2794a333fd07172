"""`run_parse`: one JSON object per input line, in order, broken lines reported."""
import io
import json

from etl.parse import FIELDS, run_parse

KEYS = ["repo", "number", *FIELDS, "why"]


def _run(lines):
    out = io.StringIO()
    errors = run_parse(io.StringIO("\n".join(lines) + "\n"), out)
    return errors, [json.loads(x) for x in out.getvalue().splitlines()]


def test_one_object_per_line_in_order_with_exact_keys():
    lines = [json.dumps({"repo": "o/r", "number": n, "title": "API Error: 429", "body": "- Version: 1.0.%d" % n,
                         "labels": [{"name": "platform:macos"}, "bug"], "comments": 3}) for n in range(5)]
    errors, out = _run(lines)
    assert errors == 0
    assert [o["number"] for o in out] == list(range(5))
    assert all(list(o) == KEYS for o in out)
    assert out[2]["version"] == "1.0.2" and out[2]["os"] == "macos" and out[2]["http_status"] == 429


def test_broken_line_gives_an_error_object_and_the_rest_still_parse():
    errors, out = _run([json.dumps({"number": 1, "title": "a"}), '{"number": 2, "title": ', "[1, 2]",
                        json.dumps({"number": 4, "title": None, "body": None, "labels": None})])
    assert errors == 2
    assert out[1]["line"] == 2 and "error" in out[1]
    assert out[2]["line"] == 3
    assert out[3]["number"] == 4 and out[3]["error_category"] == "other"


def test_repo_from_repository_url():
    _, out = _run([json.dumps({"repository_url": "https://api.github.com/repos/acme/cli", "number": 9, "title": "t"})])
    assert out[0]["repo"] == "acme/cli"


def test_comments_fill_the_missing_error_but_never_the_environment():
    issue = {"number": 1, "title": "Usage limit reached", "body": "It stopped.",
             "comments": [{"body": "same on 2.1.12, Windows: API Error: 429", "created_at": "2025-01-01T00:00:00Z"},
                          {"body": "+1"}]}
    _, out = _run([json.dumps(issue)])
    assert out[0]["error_category"] == "usage_limit_reached"
    assert out[0]["http_status"] == 429
    assert out[0]["version"] is None and out[0]["os"] is None


def test_the_line_repo_tells_the_vendor():
    line = {"repo": "openai/codex", "number": 2, "title": "Blocked", "body": "You've hit your usage limit."}
    _, out = _run([json.dumps(line)])
    assert out[0]["provider"] == "chatgpt_subscription"
