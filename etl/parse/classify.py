"""Error category and usage flag of a report, and the evidence that decided them.

A report counts as usage-related on evidence (see taxonomy.toml): an error the client
prints, a machine error type or status, or a title or text that is *about* usage. What
an auto-generated report attaches (its session's recent errors) and what the reporter
complains about count only when the report is about usage on its own.
"""
from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from .literals import Text
from .rules import Rule, any_match
from .taxonomy import DEFAULT, DEFAULT_TAXONOMY, Category, Taxonomy, load_taxonomy

__all__ = ["DEFAULT", "DEFAULT_TAXONOMY", "Taxonomy", "Verdict", "Zones", "classify", "load_taxonomy",
           "quoted_category", "split", "zones"]

_EVIDENCE_CHARS = 80


class Verdict(NamedTuple):
    category: str
    usage: bool
    rule: str  # what decided both fields (the provenance of each): see RULES
    evidence: str  # the phrase, error type or status it read ("" when nothing decided)
    attached: bool = False  # the attached errors are the report's own (their status and type count)
    weak: bool = False  # a complaint read from weak_topics or names, not from topics
    unlisted: bool = False  # a message pattern that is no client's message in the vocabulary

    @property
    def why(self) -> str:
        return f"{self.rule}: {self.evidence}" if self.evidence else self.rule

    @property
    def tier(self) -> str:
        if self.unlisted:
            return "unlisted message"
        return _TIER_OF.get(self.rule) or ("weak topic" if self.weak else "topic")


# Every `Verdict.rule`, strongest evidence first.
RULES = ("title message", "error type", "message", "http status", "attached error", "title complaint",
         "complaint", "about usage", "look-alike", "no evidence")
# How strong the evidence behind a decision is, strongest first: a message a client prints (one the
# vocabulary lists with its client), the error type of a quoted payload, an HTTP status, an error a
# tool attached, a message pattern the vocabulary does not list (often the reporter's words for
# one: "hit my daily limit"), a complaint naming a usage concept, a weak complaint word, nothing
# specific (the fallback). The first four are quoted errors, the rest the reporter's own words.
TIERS = ("client message", "error type", "http status", "attached error", "unlisted message", "topic", "weak topic",
         "fallback")
STRONG_TIERS = TIERS[:4]
_TIER_OF = {"title message": "client message", "message": "client message", "error type": "error type",
            "http status": "http status", "attached error": "attached error", "about usage": "fallback",
            "look-alike": "fallback", "no evidence": "fallback"}  # complaints: topic or weak topic


class Zones(NamedTuple):
    """The scanned title; title and body outside attached blocks; the attached blocks
    (and their spans in the whole text)."""
    title: Text
    prose: Text
    attached: Text
    spans: tuple[tuple[int, int], ...] = ()


def zones(view: Text, title: Text, taxonomy: Taxonomy) -> Zones:
    """Split a scanned report into what the reporter wrote and what a tool attached.
    An attached block starts at a `[usage] attachments` pattern and ends with the code
    fence it opens. The parts share the scan of the whole (a superset: gates stay sound)."""
    spans = _attached_spans(view, taxonomy.attachments, len(title.low))
    if not spans:
        return Zones(title, view, Text("", frozenset(), view.known))
    kept, cut = split(view.low, spans)
    return Zones(title, view._replace(low=kept), view._replace(low=cut), spans)


def split(text: str, spans) -> tuple[str, str]:
    """(`text` outside `spans`, the spans), each part joined by newlines."""
    kept, cut, at = [], [], 0
    for start, end in spans:
        kept.append(text[at:start])
        cut.append(text[start:end])
        at = end
    kept.append(text[at:])
    return "\n".join(kept), "\n".join(cut)


def _attached_spans(view: Text, starts: tuple[Rule, ...], body_start: int) -> list[tuple[int, int]]:
    spans = []
    for rule in starts:
        if rule.is_open(view.present):
            for m in rule.rx.finditer(view.low, body_start):
                close = view.low.find("```", m.end())
                spans.append((m.start(), len(view.low) if close == -1 else close + 3))
    spans.sort()
    return [s for i, s in enumerate(spans) if i == 0 or s[0] >= spans[i - 1][1]]


def quoted_category(low: str, taxonomy: Taxonomy) -> str | None:
    """The category of an error message the lower-cased text quotes, if any."""
    found = _message(taxonomy, taxonomy.scan(low)[0])
    return found[0].name if found else None


def classify(z: Zones, error_type: str | None, http_status: int | None, taxonomy: Taxonomy,
             labels: list[str] | tuple = (), attached: tuple[str | None, int | None] = (None, None)) -> Verdict:
    """The report's category and usage flag. `error_type` and `http_status` are read from
    the prose, `attached` from the attached blocks; `labels` lower-cased."""
    about = cache(lambda: about_usage(z, taxonomy))  # most reports are decided before it is needed
    if hit := _error_hit(z, error_type, http_status, taxonomy, about):
        cat, rule, evidence, listed = hit
        own = bool(z.attached.low) and _agrees(cat, _attached_error(z.attached, attached, taxonomy))
        return Verdict(cat.name, cat.usage_related, rule, evidence, own, unlisted=not listed)
    if z.attached.low and about() is not None and (found := _attached_error(z.attached, attached, taxonomy)):
        cat, evidence = found
        return Verdict(_refine(cat, z, taxonomy), cat.usage_related, "attached error", evidence, True)
    request = taxonomy.is_request(z.title.low, labels)
    if not request and (found := _complaint(z, taxonomy, ("topics",))):
        return Verdict(found[0].name, found[0].usage_related, found[1], found[2])
    if about() is None:
        if look := _first_hit(taxonomy.lookalikes, z.prose):
            return Verdict(taxonomy.fallback, False, "look-alike", look)
        return Verdict(taxonomy.fallback, False, "no evidence", "")
    if not request and (found := _complaint(z, taxonomy, ("weak_topics", "names"))):
        return Verdict(found[0].name, found[0].usage_related, found[1], found[2], weak=True)
    return Verdict(taxonomy.fallback, True, "about usage", about())


def _error_hit(z: Zones, error_type: str | None, http_status: int | None, taxonomy: Taxonomy, about):
    """(category, rule, evidence) of the error the reporter quotes, by precedence: a message
    in the title, the payload's error type, a message in the text, the HTTP status. In a
    report about usage, a look-alike error in the text (a context window) does not decide
    (`about()` tells whether it is)."""
    if found := _message(taxonomy, z.title, z.prose):
        return _refined(found[0], z, taxonomy), "title message", found[1], found[2]
    etype = (error_type or "").lower()
    if etype and (cat := _by_type(taxonomy, etype)):
        return _refined(cat, z, taxonomy), "error type", error_type, True
    if (found := _message(taxonomy, z.prose, z.prose)) and (found[0].usage_related or about() is None):
        return _refined(found[0], z, taxonomy), "message", found[1], found[2]
    if http_status is not None and (cat := _by_status(taxonomy, http_status, about)):
        return cat, "http status", str(http_status), True
    return None


def _attached_error(attached: Text, found: tuple[str | None, int | None],
                    taxonomy: Taxonomy) -> tuple[Category, str] | None:
    """The category of the attached errors and its evidence: their error type, a message
    they quote, their status."""
    etype, status = found
    if etype and (cat := _by_type(taxonomy, etype.lower())):
        return cat, etype
    if hit := _message(taxonomy, attached, attached):
        return hit[:2]
    if status is not None and (cat := _by_status(taxonomy, status, lambda: True)):
        return cat, str(status)
    return None


def _agrees(cat: Category, other: tuple[Category, str] | None) -> bool:
    """The same error, or one a category refines (a 429 behind "usage limit reached")."""
    if other is None:
        return False
    return other[0] is cat or cat.name in other[0].refined_by or other[0].name in cat.refined_by


def _by_type(taxonomy: Taxonomy, etype: str) -> Category | None:
    return next((c for c in taxonomy.categories if etype in c.error_types), None)


def _by_status(taxonomy: Taxonomy, status: int, about) -> Category | None:
    """A status names the error on its own (429), or in a report about usage (a 403);
    `about()` tells whether the report is."""
    for c in taxonomy.categories:
        if status in c.http_statuses or (status in c.weak_http_statuses and about() is not None):
            return c
    return None


def _refined(cat: Category, z: Zones, taxonomy: Taxonomy) -> Category:
    return taxonomy.by_name[_refine(cat, z, taxonomy)]


def _message(taxonomy: Taxonomy, text: Text, whole: Text | None = None) -> tuple[Category, str, bool] | None:
    """The first category (file order) with a message matching `text`, the phrase, and whether
    the vocabulary lists that message with its client; `unless` vetoes are looked up in the
    `whole` report (a title has no payload)."""
    vetoed = None
    for cat, rule in taxonomy.candidates("messages", text.present):
        if cat is vetoed or not (m := rule.find(text.low)):
            continue
        if not any_match(cat.unless, whole or text):
            return cat, _phrase(m), rule.client is not None
        vetoed = cat
    return None


def _refine(cat: Category, z: Zones, taxonomy: Taxonomy) -> str:
    """A generic hit ("usage limit reached") gives way to a specific one the text quotes
    ("5-hour limit reached"), else to a specific limit the title names ("5h usage went
    to 100%")."""
    if not cat.refined_by:
        return cat.name
    text, quoted = z.prose, {}
    for other, rule in taxonomy.candidates("messages", text.present):
        if other.name in cat.refined_by and other.name not in quoted and rule.matches(text.low):
            quoted[other.name] = not any_match(other.unless, text)
    if name := next((name for name in cat.refined_by if quoted.get(name)), None):
        return name
    named = {other.name for other, rule in taxonomy.candidates("names", z.title.present)
             if other.name in cat.refined_by and rule.matches(z.title.low)}
    return next((name for name in cat.refined_by if name in named), cat.name)


def _complaint(z: Zones, taxonomy: Taxonomy, kinds: tuple[str, ...]) -> tuple[Category, str, str] | None:
    """What the reporter complains about (rules of `kinds`, in order), in the title, then
    in the text outside headings (an issue form's questions, "What subscription do you
    have?", are template text, not the reporter's words)."""
    for part, rule in ((z.title, "title complaint"), (_prose(z.prose), "complaint")):
        for kind in kinds:
            if found := _topic(taxonomy, kind, part):
                return found[0], rule, found[1]
    return None


def _topic(taxonomy: Taxonomy, kind: str, text: Text) -> tuple[Category, str] | None:
    for cat, rule in taxonomy.candidates(kind, text.present):
        if m := rule.find(text.low):
            return cat, _phrase(m)
    return None


def about_usage(z: Zones, taxonomy: Taxonomy) -> str | None:
    """The phrase that makes the report about usage: an anchor in the title, or anchors
    named at least `body_mentions` times in the text outside headings — never a negated one
    ("no quota error") or one inside a look-alike ("GitHub API rate limit")."""
    for rules in (taxonomy.anchors, taxonomy.title_anchors):
        for rule in rules:
            if rule.is_open(z.title.present):
                for m in rule.rx.finditer(z.title.low):
                    if _counts(rule, z.title, m, taxonomy.lookalikes):
                        return _phrase(m)
    found, low = None, z.prose.low
    spans: list[tuple[int, int]] = []  # one phrase that two anchors match is one mention
    for rule in taxonomy.anchors:
        if rule.is_open(z.prose.present):
            for m in rule.rx.finditer(low):
                if (not any(m.start() < end and start < m.end() for start, end in spans)
                        and not _in_heading(low, m.start()) and _counts(rule, z.prose, m, taxonomy.lookalikes)):
                    found = found or _phrase(m)
                    spans.append(m.span())
                    if len(spans) >= taxonomy.body_mentions:
                        return found
    return None


_NEAR = 60  # a look-alike that overlaps an anchor starts or ends this close to it
_HEADING_CHARS = 60  # a form's heading is shorter; more on its line is the answer run on


def _counts(rule: Rule, text: Text, m: re.Match, lookalikes: tuple[Rule, ...]) -> bool:
    """Is this anchor match evidence: not negated, and not part of a look-alike?"""
    low = text.low
    if rule.negations is not None and rule._negated(low, m.start()):  # noqa: SLF001 - the rule's own test
        return False
    lo, hi = max(0, m.start() - _NEAR), m.end() + _NEAR
    for look in lookalikes:
        if look.is_open(text.present):
            for other in look.rx.finditer(low, lo, hi):
                if other.start() < m.end() and m.start() < other.end():
                    return False
    return True


def _in_heading(low: str, at: int) -> bool:
    """Is `at` in a markdown heading (an issue form's question, not the reporter's words)? In
    a body whose line breaks were restored, the answer may follow on the heading's line."""
    start = low.rfind("\n", 0, at) + 1
    return at - start <= _HEADING_CHARS and (low.startswith("#", start) or low.startswith(("  #", " #"), start))


def _first_hit(rules: tuple[Rule, ...], text: Text) -> str | None:
    for rule in rules:
        if m := rule.find_in(text):
            return _phrase(m)
    return None


def _phrase(m: re.Match) -> str:
    return " ".join(m.group().split())[:_EVIDENCE_CHARS]


_HEADING = re.compile(r"\n#{1,6}[ \t][^\n]{0,%d}" % _HEADING_CHARS)  # a newline first: a fast literal scan


def _prose(text: Text) -> Text:
    """The text without markdown headings: an issue form's questions ("What subscription
    do you have?") are template text, not the reporter's words."""
    return text._replace(low=_HEADING.sub("\n", "\n" + text.low)) if "#" in text.low else text
