"""Every rule of the default taxonomy is specified by a golden fixture (tests/fixtures/parse).

A parse result records what decided (`why`: the step and the phrase it read), not which
pattern read it, so a rule counts as exercised when its own regex finds its phrase in a
fixture that asserts the outcome the rule stands for:
- a `messages`, `topics`, `weak_topics` or `names` pattern: in a fixture whose expected
  `error_category` is the rule's category;
- an `error_types` / `http_statuses` / `weak_http_statuses` value: a fixture expecting that
  `error_type` / `http_status` and the category;
- an `unless` veto: in a fixture where the veto matters (a message of its category occurs
  too) and whose expected category is another one;
- a `[usage]` anchor: in a fixture expected to be usage-related (a title anchor: in its title);
- a look-alike: in a fixture expected not to be usage-related, where it either overlaps an
  anchor (the veto matters) or is the look-alike the result names.
Rules are read from the loaded taxonomy (`etl.parse.taxonomy.DEFAULT`) and named by category,
kind and pattern (a pattern listed twice is one rule), so moving patterns around in
taxonomy.toml changes nothing here, and a rule added to it fails this test until a fixture
specifies it. The failure lists every rule without one.
"""
import json
from pathlib import Path

from etl.parse import parse_issue
from etl.parse.taxonomy import DEFAULT

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "parse").glob("*.json"))
PATTERN_KINDS = ("messages", "topics", "weak_topics", "names")

# Rules no fixture can exercise honestly, each with the reason: (where, kind, pattern or value).
# An entry that no longer names a rule, or whose rule a fixture now exercises, fails the test.
UNREACHABLE: dict[tuple[str, str, str], str] = {
    ("usage", "lookalikes", "max_(?:output_)?tokens"):
        # A look-alike counts where it overlaps an anchor, or as the look-alike a report not about
        # usage is left with. No anchor spans a "max_tokens" in real wording, and a report that
        # names max_tokens is decided before look-alikes are read: the context_or_token_limit
        # messages `max_tokens` and `max_output_tokens` match the same text.
        "never decides: no anchor overlaps it and the max_tokens messages always match first",
}


class Case:
    def __init__(self, path: Path):
        case = json.loads(path.read_text(encoding="utf-8"))
        self.title = case["title"].lower()
        self.low = f"{case['title']}\n{case['body']}".lower()
        self.expected = case["expected"]
        self.result = parse_issue(case["title"], case["body"], case["labels"], repo=case.get("repo"))

    @property
    def category(self) -> str | None:
        """The expected category (None: the fixture does not assert it, so it specifies no category's rule)."""
        return self.expected.get("error_category")

    @property
    def usage(self) -> bool | None:
        return self.expected.get("is_usage_related")

    @property
    def lookalike_named(self) -> str | None:
        why = self.result["why"] or ""
        return why.removeprefix("look-alike: ") if why.startswith("look-alike: ") else None


def _overlap(a, b) -> bool:
    return a.start() < b.end() and b.start() < a.end()


def _veto_matters(rule, case: Case) -> bool:
    """A look-alike in a report that is not about usage, overlapping an anchor or named as the look-alike."""
    if case.usage is not False:
        return False
    if (named := case.lookalike_named) and rule.rx.search(named):
        return True
    anchors = [m for r in DEFAULT.anchors + DEFAULT.title_anchors for m in r.rx.finditer(case.low)]
    return any(_overlap(m, a) for m in rule.rx.finditer(case.low) for a in anchors)


def rule_checks():
    """(rule id, does this fixture exercise it?) for every rule of the default taxonomy."""
    for cat in DEFAULT.categories:
        for kind in PATTERN_KINDS:
            for rule in getattr(cat, kind):
                yield (cat.name, kind, rule.rx.pattern), \
                    lambda c, cat=cat, rule=rule: c.category == cat.name and rule.rx.search(c.low) is not None
        for rule in cat.unless:
            yield (cat.name, "unless", rule.rx.pattern), \
                lambda c, cat=cat, rule=rule: (c.category not in (None, cat.name) and rule.rx.search(c.low) is not None
                                               and any(m.rx.search(c.low) for m in cat.messages))
        for value in sorted(cat.error_types):
            yield (cat.name, "error_types", value), \
                lambda c, cat=cat, value=value: (c.category == cat.name
                                                 and str(c.expected.get("error_type", "")).lower() == value)
        for kind in ("http_statuses", "weak_http_statuses"):
            for value in sorted(getattr(cat, kind)):
                yield (cat.name, kind, str(value)), \
                    lambda c, cat=cat, value=value: c.category == cat.name and c.expected.get("http_status") == value
    for rule in DEFAULT.anchors:
        yield ("usage", "anchors", rule.rx.pattern), lambda c, rule=rule: c.usage is True and rule.rx.search(c.low) is not None
    for rule in DEFAULT.title_anchors:
        yield ("usage", "title_anchors", rule.rx.pattern), \
            lambda c, rule=rule: c.usage is True and rule.rx.search(c.title) is not None
    for rule in DEFAULT.lookalikes:
        yield ("usage", "lookalikes", rule.rx.pattern), lambda c, rule=rule: _veto_matters(rule, c)


def test_every_rule_of_the_taxonomy_has_a_golden_fixture():
    cases = [Case(path) for path in FIXTURES]
    checks = dict(rule_checks())
    uncovered = [rid for rid, check in checks.items() if rid not in UNREACHABLE and not any(check(c) for c in cases)]
    assert not uncovered, f"{len(uncovered)} rules have no golden fixture:\n" + "\n".join(
        f"  [{where}] {kind}: {pattern}" for where, kind, pattern in uncovered)
    stale = [rid for rid in UNREACHABLE if rid not in checks or any(checks[rid](c) for c in cases)]
    assert not stale, f"allow-listed but gone or now covered (drop from UNREACHABLE): {stale}"
