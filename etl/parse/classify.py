"""Error category and usage flag of a report, by the rules of a taxonomy."""
from __future__ import annotations

import re

from .literals import Text
from .rules import any_match
from .taxonomy import DEFAULT, DEFAULT_TAXONOMY, Category, Taxonomy, load_taxonomy

__all__ = ["DEFAULT", "DEFAULT_TAXONOMY", "Taxonomy", "classify", "is_usage_related", "load_taxonomy",
           "quoted_category"]


def _first(taxonomy: Taxonomy, kind: str, text: Text, whole: Text | None = None) -> Category | None:
    """The first category (file order) with a rule of `kind` matching `text`; `unless`
    vetoes are looked up in the `whole` report (a title has no payload)."""
    vetoed = None
    for cat, rule in taxonomy.candidates(kind, text.present):
        if cat is vetoed or not rule.matches(text.low):
            continue
        if kind != "messages" or not any_match(cat.unless, whole or text):
            return cat
        vetoed = cat
    return None


def quoted_category(low: str, taxonomy: Taxonomy) -> str | None:
    """The category of an error message the lower-cased text quotes, if any."""
    cat = _first(taxonomy, "messages", taxonomy.scan(low)[0])
    return cat.name if cat else None


def _refine(cat: Category, text: Text, taxonomy: Taxonomy) -> str:
    """A generic hit ("usage limit reached") gives way to a specific one the
    body quotes ("5-hour limit reached")."""
    if not cat.refined_by:
        return cat.name
    quoted: dict[str, bool] = {}
    for other, rule in taxonomy.candidates("messages", text.present):
        if other.name in cat.refined_by and other.name not in quoted and rule.matches(text.low):
            quoted[other.name] = not any_match(other.unless, text)
    return next((name for name in cat.refined_by if quoted.get(name)), cat.name)


def classify(title: Text, text: Text, error_type: str | None, http_status: int | None, taxonomy: Taxonomy,
             labels: list[str] | tuple = ()) -> str:
    """The report's category (see the taxonomy file for the order of evidence).
    `title` and `text` (title + body) are scanned lower-cased texts; `labels` lower-cased."""
    if cat := _first(taxonomy, "messages", title, text):
        return _refine(cat, text, taxonomy)
    etype = (error_type or "").lower()
    for cat in taxonomy.categories:
        if etype and etype in cat.error_types:
            return _refine(cat, text, taxonomy)
    if cat := _first(taxonomy, "messages", text, text):
        return _refine(cat, text, taxonomy)
    for cat in taxonomy.categories:
        if http_status in cat.http_statuses:
            return cat.name
    if not taxonomy.is_request(title.low, labels):
        return _complaint(title, text, taxonomy)
    return taxonomy.fallback


def _complaint(title: Text, text: Text, taxonomy: Taxonomy) -> str:
    """What the reporter complains about: topics (title, then text), then weak topics
    — outside headings (template questions such as "What subscription do you have?")
    and only when no look-alike (memory leak, CPU usage) explains the report."""
    for part in (title, text):
        if cat := _first(taxonomy, "topics", part):
            return cat.name
    if any_match(taxonomy.lookalikes, text):
        return taxonomy.fallback
    cat = _first(taxonomy, "weak_topics", _prose(text))
    return cat.name if cat else taxonomy.fallback


_HEADING = re.compile(r"\n#{1,6}[ \t][^\n]{0,300}")  # a newline first: a fast literal scan


def _prose(text: Text) -> Text:
    """The text without markdown headings: an issue form's questions ("What subscription
    do you have?") are template text, not the reporter's words."""
    return text._replace(low=_HEADING.sub("\n", "\n" + text.low)) if "#" in text.low else text


def is_usage_related(text: Text, category: str, taxonomy: Taxonomy) -> bool:
    cat = taxonomy.by_name.get(category)
    if cat is not None and category != taxonomy.fallback:
        return cat.usage_related
    if any_match(taxonomy.lookalikes, text):
        return False
    return any_match(taxonomy.usage_patterns, _prose(text))
