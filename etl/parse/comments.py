"""Comments: a report-like comment is a report of its own; a bare "+1" is a
me-too signal; anything else is discussion."""
from __future__ import annotations

import re

from .classify import DEFAULT, Taxonomy, quoted_category
from .document import make_doc
from .report import empty_report, failed_report, parse_doc, parse_issue

_ME_TOO_PHRASE = re.compile(
    r"\+1|:\+1:|👍|\bsame(?: here| issue| problem| error| for me| bug| thing)?\b|\bme(?: too| as well)\b|\bditto\b|"
    r"\b(?:this is )?(?:also )?happening (?:to|for) me(?: too| as well)?\b|\b(?:i(?:'m| am) )?(?:also )?(?:seeing|having|getting) "
    r"(?:this|the same)(?: issue| problem| error)?(?: too| as well)?\b|\b(?:i )?have the same (?:issue|problem|error)\b|"
    r"\btoo\b|\bas well\b|\bhere\b|\bconfirm(?:ed)?\b|\bbump\b")
_WORD = re.compile(r"[^\W_]")
# Fields a comment may supply for the issue as a whole (the error, not the environment).
_FROM_COMMENTS = ("http_status", "error_type", "signature", "provider")
_MAX_COMMENTS = 30
_INHERITABLE = ("error_category", "signature", "http_status", "error_type", "is_usage_related", "provider", "model")


def is_me_too(text: str) -> bool:
    """Nothing but agreement: "+1", "same here", "me too!", "+1 same"."""
    if len(text) > 120:
        return False
    rest = _ME_TOO_PHRASE.sub(" ", text.lower())
    return bool(rest != text.lower() or text.strip() in ("👍", ":+1:")) and not _WORD.search(rest)


def read_thread(title: str | None, body: str | None, labels, comment_bodies, taxonomy: Taxonomy | None = None,
                *, repo: str | None = None) -> tuple[dict, list[tuple[str | None, dict | None]]]:
    """The one reading of an issue with its comments — the CLI, the pipeline and the benchmarks
    all call it, so what is measured is what is stored. Returns the issue's report, its error
    completed from its comments, and per comment (kind, report): kind `report`, `me_too` or None,
    and the comment's own report for a `report`. Each comment is parsed once, with the repo's
    taxonomy."""
    taxonomy = taxonomy or DEFAULT
    issue = parse_issue(title, body, labels, taxonomy, repo=repo)
    readings = [_read(b, taxonomy, repo) for b in comment_bodies]
    if _lacks_error_evidence(issue, taxonomy):
        for found, quotes in readings[:_MAX_COMMENTS]:
            if found is not None and not found.get("parse_error"):
                _fill_from(issue, found, taxonomy, quotes)
    failed = [(i, found["parse_error"]) for i, (found, _) in enumerate(readings, 1) if found and found.get("parse_error")]
    if failed and not issue.get("parse_error"):  # the issue's row counts its thread's failures too
        issue["parse_error"] = f"comment {failed[0][0]}: {failed[0][1]}"[:300]
    out = []
    for b, (found, quotes) in zip(comment_bodies, readings):
        kind = _kind(b, found, taxonomy)
        out.append((kind, inherit(found, issue, not quotes) if kind == "report" else None))
    return issue, out


def _read(body, taxonomy: Taxonomy, repo: str | None) -> tuple[dict | None, bool]:
    """A comment's own fields (None for an empty one, a failed report for one the parser failed on)
    and whether it quotes an error."""
    if not isinstance(body, str) or not body.strip():
        return None, False
    try:
        found = parse_doc(make_doc("", body, None, repo), taxonomy)
    except Exception as exc:  # noqa: BLE001 - one odd comment must not lose the issue
        return failed_report(exc), False
    return found, _quotes_error(body, found, taxonomy)


def _kind(body, found: dict | None, taxonomy: Taxonomy) -> str | None:
    if found is None or found.get("parse_error"):
        return None
    if is_me_too(body.strip()):
        return "me_too"
    if any(found[f] for f in ("version", "os", "plan", "http_status", "error_type")):
        return "report"
    if found["signature"] and found["error_category"] != taxonomy.fallback:
        return "report"
    return None


def comment_kind(body: str | None, taxonomy: Taxonomy | None = None, *, repo: str | None = None) -> str | None:
    """`report`, `me_too` or None."""
    taxonomy = taxonomy or DEFAULT
    return _kind(body, _read(body, taxonomy, repo)[0], taxonomy)


def parse_comment(body: str | None, issue: dict | None, taxonomy: Taxonomy | None = None, *,
                  repo: str | None = None) -> dict:
    """A comment's own report; error fields it does not state come from the issue.
    `repo` tells the vendor when the text does not (as in `parse_issue`)."""
    found, quotes = _read(body, taxonomy or DEFAULT, repo)
    return inherit(found or empty_report(), issue or {}, not quotes)


def inherit(rep: dict, issue: dict, said_nothing: bool) -> dict:
    """Copy the issue's error fields the comment does not state (never its environment)."""
    prov = rep["provenance"]
    for f in _INHERITABLE:
        if issue.get(f) is None:
            continue
        if f in ("error_category", "is_usage_related", "signature") and not said_nothing:
            continue
        if rep.get(f) in (None, False) or said_nothing:
            rep[f] = issue[f]
            prov[f] = "issue"
    if prov.get("error_category") == "issue":  # the decision is the issue's, and so its evidence
        rep["tier"] = issue.get("tier")
        if issue.get("why"):
            rep["why"] = f"issue {issue['why']}"
    return rep


def _quotes_error(body: str, found: dict, taxonomy: Taxonomy) -> bool:
    """Does the comment quote an error (a client message, an error type or status)?
    Only then is its category the issue's: topics in a comment are discussion."""
    return bool(found["http_status"] or found["error_type"]) or quoted_category(body.lower()[:60_000], taxonomy) is not None


def _lacks_error_evidence(rep: dict, taxonomy: Taxonomy) -> bool:
    return rep["error_category"] == taxonomy.fallback or any(rep[f] is None for f in _FROM_COMMENTS)


def _fill_from(rep: dict, found: dict, taxonomy: Taxonomy, quotes_error: bool) -> None:
    prov = rep["provenance"]
    for f in _FROM_COMMENTS:
        if rep[f] is None and found[f] is not None:
            rep[f], prov[f] = found[f], "comment"
    if rep["error_category"] == taxonomy.fallback and found["error_category"] != taxonomy.fallback:
        if quotes_error:
            rep["error_category"], prov["error_category"] = found["error_category"], "comment"
            rep["why"], rep["tier"] = f"comment {found['why']}", found["tier"]
        if found["is_usage_related"] and not rep["is_usage_related"]:
            rep["is_usage_related"], prov["is_usage_related"] = True, "comment"
            rep["why"], rep["tier"] = f"comment {found['why']}", found["tier"]
