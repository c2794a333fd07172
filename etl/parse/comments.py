"""Comments: a report-like comment is a report of its own; a bare "+1" is a
me-too signal; anything else is discussion."""
from __future__ import annotations

import re

from .classify import DEFAULT, Taxonomy, quoted_category
from .document import make_doc
from .report import empty_report, parse_doc

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


def comment_kind(body: str | None) -> str | None:
    """`report`, `me_too` or None."""
    if not isinstance(body, str) or not body.strip():
        return None
    text = body.strip()
    if is_me_too(text):
        return "me_too"
    try:
        rep = parse_doc(make_doc("", body, None), DEFAULT)
    except Exception:  # noqa: BLE001
        return None
    if any(rep[f] for f in ("version", "os", "plan", "http_status", "error_type")):
        return "report"
    if rep["signature"] and rep["error_category"] != DEFAULT.fallback:
        return "report"
    return None


def parse_comment(body: str | None, issue: dict | None, taxonomy: Taxonomy | None = None, *,
                  repo: str | None = None) -> dict:
    """A comment's own report; error fields it does not state come from the issue.
    `repo` tells the vendor when the text does not (as in `parse_issue`)."""
    try:
        rep = parse_doc(make_doc("", body, None, repo), taxonomy or DEFAULT)
    except Exception:  # noqa: BLE001
        rep = empty_report()
    taxonomy = taxonomy or DEFAULT
    low = body.lower()[:60_000] if isinstance(body, str) else ""
    said_nothing = quoted_category(low, taxonomy) is None and not (rep["http_status"] or rep["error_type"])
    return inherit(rep, issue or {}, said_nothing)


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
    if prov.get("error_category") == "issue" and issue.get("why"):
        rep["why"] = f"issue {issue['why']}"
    return rep


def merge_comment_evidence(rep: dict, comments: list, taxonomy: Taxonomy | None = None,
                           repo: str | None = None) -> dict:
    """Fill the error fields the issue body lacks from its comments: the issue as a
    whole is described, and the error is often pasted in a follow-up. The environment
    (version, os, terminal, plan) stays the reporter's: commenters run their own setups."""
    taxonomy = taxonomy or DEFAULT
    if not _lacks_error_evidence(rep, taxonomy):
        return rep
    for comment in comments[:_MAX_COMMENTS]:
        body = comment.get("body") if isinstance(comment, dict) else None
        if isinstance(body, str) and body.strip():
            try:
                found = parse_doc(make_doc("", body, None, repo), taxonomy)
            except Exception:  # noqa: BLE001 - one odd comment must not lose the issue
                continue
            _fill_from(rep, found, taxonomy, _quotes_error(body, found, taxonomy))
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
            rep["why"] = f"comment {found['why']}"
        if found["is_usage_related"] and not rep["is_usage_related"]:
            rep["is_usage_related"], prov["is_usage_related"] = True, "comment"
            rep["why"] = f"comment {found['why']}"
