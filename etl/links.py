"""Links between issues, read from text and events. Pure functions, no I/O.

A link is (target_repo, target_number, kind) with kind 'duplicate_of' ("Duplicate of #12",
GitHub's own phrase, also "duplicate of https://github.com/o/r/issues/12") or 'mentions' (`#12`,
`o/r#12`, a full issue or pull-request URL). Code blocks are skipped: `#1` in a stack trace or a
shell prompt is not a reference.
"""
from __future__ import annotations

import re

_MAX_TEXT = 200_000  # a pasted log can be huge; references sit in the prose around it
_FENCE = re.compile(r"```.*?(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]{0,500}`")
_URL = re.compile(r"https://github\.com/([\w.-]{1,100}/[\w.-]{1,100})/(?:issues|pull)/(\d{1,9})\b")
_SHORT = re.compile(r"(?<![\w/#&])(?:([\w.-]{1,100}/[\w.-]{1,100}))?#(\d{1,9})\b")
_DUPLICATE = re.compile(
    r"\bduplicate\s+of\s+(?:(?:https://github\.com/([\w.-]{1,100}/[\w.-]{1,100})/issues/)|(?:([\w.-]{1,100}/[\w.-]{1,100}))?#)(\d{1,9})\b",
    re.I)


def _prose(text: str | None) -> str:
    text = (text or "")[:_MAX_TEXT]
    return _INLINE_CODE.sub(" ", _FENCE.sub(" ", text))


def links_in_text(text: str | None, repo: str, number: int | None = None) -> list[tuple[str, int, str]]:
    """Every issue this text refers to, once per (target, kind); never the issue itself."""
    prose = _prose(text)
    found: dict[tuple[str, int, str], None] = {}
    for m in _DUPLICATE.finditer(prose):
        found[(m.group(1) or m.group(2) or repo, int(m.group(3)), "duplicate_of")] = None
    for m in _URL.finditer(prose):
        found[(m.group(1), int(m.group(2)), "mentions")] = None
    for m in _SHORT.finditer(_URL.sub(" ", prose)):
        found[(m.group(1) or repo, int(m.group(2)), "mentions")] = None
    duplicates = {(r, n) for r, n, kind in found if kind == "duplicate_of"}
    return [link for link in found
            if not (link[0] == repo and link[1] == number) and link[1] > 0
            and not (link[2] == "mentions" and link[:2] in duplicates)]
