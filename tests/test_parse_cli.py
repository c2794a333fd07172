"""`run_parse`: one JSON object per input line, in order, broken lines reported; and
`python -m etl parse` end to end, as a user runs it."""
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from etl.parse import FIELDS, run_parse

KEYS = ["repo", "number", *FIELDS, "why", "tier"]


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


# ---- `python -m etl parse` as a user runs it: a subprocess, on a file and on standard input ----

ROOT = Path(__file__).resolve().parents[1]
API = "https://api.github.com/repos/anthropics/claude-code"
# The README's output fields, in order.
README_KEYS = ["repo", "number", "is_usage_related", "version", "os", "terminal", "plan", "provider", "model",
               "http_status", "error_type", "error_category", "signature", "why", "tier"]


def _rest_issue(number: int, title: str, body: str, labels: list[str]) -> dict:
    """An issue as the REST API returns it (`gh api --paginate .../issues --jq '.[]'` writes one a line):
    labels as objects, `comments` a count, the repo only in the URLs."""
    return {"url": f"{API}/issues/{number}", "repository_url": API, "number": number, "title": title, "body": body,
            "labels": [{"name": n} for n in labels], "comments": 3, "user": {"login": "someone"}, "state": "open",
            "html_url": f"https://github.com/anthropics/claude-code/issues/{number}"}


def _cli(*args, stdin: bytes | None = None, io_encoding: str = "utf-8") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", "parse", *args], cwd=ROOT, input=stdin,
                          capture_output=True, timeout=120, env={**os.environ, "PYTHONIOENCODING": io_encoding})


def _input() -> bytes:
    form = json.loads((ROOT / "tests" / "fixtures" / "parse" / "claude-code-form.json").read_text(encoding="utf-8"))
    lines = [json.dumps(_rest_issue(4242, form["title"], form["body"], form["labels"])),
             "",  # blank lines are skipped, not errors
             json.dumps(_rest_issue(4243, "Terminal flickers when resizing the window", "It flickers.", ["bug"])),
             '{"number": 4244, "title": "cut off',  # a truncated export line
             json.dumps(_rest_issue(4245, "使用量の上限に達しました", "Claude AI usage limit reached", []),
                        ensure_ascii=False)]
    # ...and one byte that is not UTF-8 (a mangled export): the line still parses.
    return ("\n".join(lines) + "\n").encode() + b'{"number": 4246, "title": "Usage limit reached \xe9"}\n'


def test_cli_on_a_file_of_rest_issues(tmp_path):
    path = tmp_path / "issues.jsonl"
    path.write_bytes(_input())
    done = _cli(str(path))
    assert done.returncode == 1 and done.stderr == b""  # 1: a line could not be parsed
    out = [json.loads(x) for x in done.stdout.decode("utf-8").splitlines()]
    assert [o.get("number", o.get("line")) for o in out] == [4242, 4243, 4, 4245, 4246]
    known = out[0]
    assert list(known) == README_KEYS
    assert {k: v for k, v in known.items() if k not in ("signature", "why")} == {
        "repo": "anthropics/claude-code", "number": 4242, "is_usage_related": True, "version": "2.1.5",
        "os": "macos", "terminal": "iTerm2", "plan": "max_5x", "provider": "claude_ai_subscription",
        "model": "Opus", "http_status": None, "error_type": None, "error_category": "session_limit",
        "tier": "client message"}
    assert known["signature"] and known["why"].startswith("title message: ")
    assert out[1]["is_usage_related"] is False and out[1]["repo"] == "anthropics/claude-code"
    assert out[2]["line"] == 4 and out[2]["error"].startswith("JSONDecodeError")  # counted from 1, blanks included
    assert out[3]["error_category"] == "usage_limit_reached" and out[4]["error_category"] == "usage_limit_reached"


def test_cli_reads_standard_input_the_same_way(tmp_path):
    path = tmp_path / "issues.jsonl"
    path.write_bytes(_input())
    from_file = _cli(str(path)).stdout
    assert _cli(stdin=_input()).stdout == from_file
    assert _cli("-", stdin=_input()).stdout == from_file
    # Input and output are UTF-8 whatever the terminal's encoding (here one without Japanese).
    assert _cli(stdin=_input(), io_encoding="latin-1").stdout == from_file


def test_cli_missing_file():
    done = _cli("no/such/file.jsonl")
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().startswith("error: cannot read no/such/file.jsonl")
