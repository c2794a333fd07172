"""Golden tests: one fixture per format or trap, input and expected fields side by side."""
import json
from pathlib import Path

import pytest

from etl.parse import FIELDS, parse_issue

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "parse").glob("*.json"))


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_golden(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    got = parse_issue(case["title"], case["body"], case["labels"], repo=case.get("repo"))
    assert set(FIELDS) <= set(got)
    wrong = {k: (got[k], v) for k, v in case["expected"].items() if got[k] != v}
    assert not wrong, f"(got, expected): {wrong}"


def test_provenance_names_the_source_of_each_field():
    body = "**Environment Info**\n- Platform: darwin\n- Terminal: ghostty\n- Version: 2.0.76\n"
    got = parse_issue("API Error: 429 rate limit", body, ["platform:linux"])
    assert got["provenance"]["version"] == "env"
    assert got["provenance"]["os"] == "env"
    assert "plan" not in got["provenance"]  # null fields have no provenance


def test_label_is_a_source_when_the_body_is_silent():
    got = parse_issue("limit", "Usage limit reached", [{"name": "platform:windows"}])
    assert (got["os"], got["provenance"]["os"]) == ("windows", "label")


def test_signature_groups_the_same_error_across_issues():
    a = parse_issue("x", 'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":'
                         '"Rate limited at 2025-06-01T10:00:00Z, request req_011CXlKzRRjLP6FGaLGkDFHF, retry in 32 seconds"}}')
    b = parse_issue("y", 'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":'
                         '"Rate limited at 2026-01-09T23:59:01Z, request req_011ZZZZRRjLP6FGaLGkDFHQ, retry in 5 seconds"}}')
    assert a["signature"] == b["signature"]
    assert "req_" not in a["signature"] and "2025" not in a["signature"]


def test_custom_taxonomy_file_changes_categories(tmp_path):
    from etl.parse import load_taxonomy
    toml = tmp_path / "tax.toml"
    toml.write_text('fallback = "misc"\n[[category]]\nname = "quota"\nmessages = ["quota"]\n', encoding="utf-8")
    tax = load_taxonomy(str(toml))
    assert parse_issue("quota gone", "", None, tax)["error_category"] == "quota"
    assert parse_issue("hello", "", None, tax)["error_category"] == "misc"


def test_signature_from_an_errors_array_drops_the_stack_and_decodes_escapes():
    """An auto-generated report quotes a plain-text limit notice inside a JSON string: the
    signature is the notice as the client printed it, without the stack trace that follows."""
    errors = json.dumps([{"error": "Error: Weekly limit reached ∙ resets Oct 6, 1pm\n    at Ax.run (file:///usr/lib/cli.js:1:2)",
                          "timestamp": "2025-09-01T10:00:00.000Z"}])  # json.dumps escapes ∙ as \u2219
    body = f"**Bug Description**\nBlocked by the weekly limit.\n\n**Environment Info**\n- Platform: darwin\n- Version: 2.0.8\n\n**Errors**\n```json\n{errors}\n```\n"
    form = "### Error Messages/Logs\n\n```shell\nWeekly limit reached ∙ resets Oct 9, 3pm\n```\n\n### Claude Code Version\n\n2.0.8 (Claude Code)\n"
    assert parse_issue("Blocked", body)["signature"] == parse_issue("Blocked", form)["signature"] == "Weekly limit reached ∙ resets <date>, <time>"


def test_which_billing_a_category_implies_is_taxonomy_data(tmp_path):
    """`billing` on a category names the provider when the report does not; without it, none."""
    from etl.parse import load_taxonomy
    from etl.parse.taxonomy import DEFAULT_TAXONOMY
    title, body, repo = "Usage limit reached far too early", "Claude AI usage limit reached|1700000000", "anthropics/claude-code"
    assert parse_issue(title, body, repo=repo)["provider"] == "claude_ai_subscription"
    text = Path(DEFAULT_TAXONOMY).read_text(encoding="utf-8")
    section = 'name = "usage_limit_reached"\nusage_related = true\nbilling = "subscription"\n'
    assert section in text
    plain = tmp_path / "plain.toml"
    plain.write_text(text.replace(section, 'name = "usage_limit_reached"\nusage_related = true\n'), encoding="utf-8")
    rep = parse_issue(title, body, None, load_taxonomy(str(plain)), repo=repo)
    assert (rep["error_category"], rep["provider"]) == ("usage_limit_reached", None)
    api = tmp_path / "api.toml"
    api.write_text(text.replace(section, 'name = "usage_limit_reached"\nusage_related = true\nbilling = "api"\n'), encoding="utf-8")
    assert parse_issue(title, body, None, load_taxonomy(str(api)), repo=repo)["provider"] == "anthropic_api"
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(section, 'name = "usage_limit_reached"\nusage_related = true\nbilling = "monthly"\n'))
    with pytest.raises(ValueError, match="usage_limit_reached.*billing"):
        load_taxonomy(str(bad))
