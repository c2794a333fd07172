"""Bodies whose whitespace was collapsed into single spaces (CSV exports): the same
fields as from the multi-line body. The flat-*.json golden fixtures are such bodies."""
import json
import time
from pathlib import Path

import pytest

from etl.parse import FIELDS, parse_issue
from etl.parse.document import make_doc
from etl.parse.linebreaks import restore_line_breaks

FIXTURES = Path(__file__).parent / "fixtures" / "parse"


def flatten(body: str) -> str:
    return " ".join(body.split())


# Multi-line fixtures of the main formats: issue forms, /bug reports, question forms,
# checkbox answers, Gemini's /about box, a heading inside a code block.
MULTI_LINE = ["claude-code-form", "environment-info", "codex-form", "checkbox-platform", "gemini-about",
              "heading-inside-code-block", "signature-plain-text-error-block", "unchecked-option-not-provider",
              "credit-balance-means-api", "api-spend-cap-reached"]


@pytest.mark.parametrize("name", MULTI_LINE)
def test_flattened_body_gives_the_fields_of_the_multi_line_body(name):
    case = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    assert "\n" in case["body"]
    multi = parse_issue(case["title"], case["body"], case["labels"], repo=case.get("repo"))
    flat = parse_issue(case["title"], flatten(case["body"]), case["labels"], repo=case.get("repo"))
    assert {f: flat[f] for f in FIELDS} == {f: multi[f] for f in FIELDS}


def test_breaks_come_back_at_markdown_structure_only():
    body = ("**Environment Info** - Platform: darwin - Version: 2.0.70 **Errors** "
            '```json [{"error": "x - Y", "n": "1. Z"}] ``` Seen twice - both times at noon.')
    assert restore_line_breaks(body) == (
        "**Environment Info**\n- Platform: darwin\n- Version: 2.0.70\n**Errors**\n"
        '```json\n[{"error": "x - Y", "n": "1. Z"}]\n```\nSeen twice - both times at noon.')


def test_a_question_heading_ends_at_its_question_mark():
    body = "### What happened? It stopped. ### Is this a regression? _No response_ ### Platform Anthropic API"
    assert restore_line_breaks(body).split("\n") == [
        "### What happened?", "It stopped.", "### Is this a regression?", "_No response_", "### Platform Anthropic API"]


def test_terminal_output_breaks_even_inside_a_code_fence():
    body = "``` ❯ hello ⎿ You've hit your session limit · resets 3pm ✻ Cooked for 0s ```"
    assert restore_line_breaks(body).split("\n") == [
        "```", "❯ hello", "⎿ You've hit your session limit · resets 3pm", "✻ Cooked for 0s", "```"]


def test_a_multi_line_body_is_left_as_it_is():
    body = "Seen it again:\n\nAPI Error: 429 - rate limited ### not a heading\n- Version: 2.0.70"
    assert make_doc("t", body, []).body == body


def test_a_heading_that_runs_into_its_answer_gives_the_answer():
    doc = make_doc("t", "### Operating System Ubuntu 24.04 ### Terminal/Shell Terminal.app (macOS) "
                        "### Claude Code Version (from claude --version) 2.0.70", [])
    assert doc.form_value("operating system") == "Ubuntu 24.04"
    assert doc.form_value("terminal") == "Terminal.app (macOS)"  # the rest of the heading word, then the answer
    assert doc.form_value("version") == "2.0.70"  # the template's hint is not the answer


def test_a_word_deep_in_a_run_on_heading_is_prose_not_the_heading():
    doc = make_doc("t", "### Steps to Reproduce Open a terminal and run claude twice", [])
    assert doc.form_value("terminal") is None


def test_an_empty_multi_line_section_has_no_run_on_answer():
    doc = make_doc("t", "### Operating System macOS\n\n_No response_\n\n### Platform\n\n", [])
    assert doc.form_value("operating system") is None and doc.form_value("platform") is None


FLAT_BAIT = ["### a? " * 150_000, "- A " * 250_000, "``` " * 250_000, "**A** " * 160_000, "⎿ " * 500_000,
             "### What happened? " + "x - Y " * 150_000, "1. **B** - C: d " * 60_000]


def test_huge_flattened_bodies_parse_in_under_a_second():
    for body in FLAT_BAIT:
        start = time.perf_counter()
        parse_issue(body[:200], body)
        assert time.perf_counter() - start < 1.0, repr(body[:30])
