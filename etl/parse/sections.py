"""Split a report body into its structured parts: issue-form sections, labelled
environment lines, and the free text left over.

Everything here is line-based with bounded regexes so that hostile input (huge
bodies, no newlines, control characters) stays linear.
"""
from __future__ import annotations

import re

# Free-text rules never look past this many characters: reports put the
# environment and the error near the top, and it keeps the worst case bounded.
MAX_SCAN = 60_000
MAX_LINE = 2_000

_HEADING = re.compile(r"^#{2,4}[ \t]{1,4}(.{1,160}?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})")
_ENV_LINE = re.compile(
    r"^[ \t]{0,8}(?:[-*+•][ \t]{1,4}|[│|][ \t]{0,4})?(?:\*\*)?"
    r"([A-Za-z][A-Za-z0-9 ()/._-]{0,40}?)(?:\*\*)?[ \t]{0,4}:(?:\*\*)?[ \t]{0,8}(.{0,300}?)[ \t]*$"
)
# Gemini's `/about` box: "│ CLI Version              0.1.4      │"
_BOX_LINE = re.compile(r"^[ \t]{0,4}(?:[│|][ \t]{0,4})?([A-Za-z][A-Za-z ]{1,30}?)[ \t]{2,80}(\S.{0,200}?)[ \t]*[│|]?[ \t]*$")
# A checked box under a labelled line answers it: "- Platform (select one):" then "  - [x] AWS Bedrock".
_CHECKED = re.compile(r"^[ \t]{0,8}[-*+][ \t]{1,4}\[[ \t]{0,2}[xX][ \t]{0,2}\][ \t]{0,4}(.{1,200}?)[ \t]*$")
_UNCHECKED = re.compile(r"^[ \t]{0,8}[-*+][ \t]{1,4}\[[ \t]{0,2}\]")
# "Platform (select one)" → "platform": template hints are not part of the label.
_KEY_HINT = re.compile(r"[ \t]*\([^)]{0,40}\)")
_NO_RESPONSE = re.compile(r"^(?:_?no response_?|n/?a|none|null|-+|\.+|\?+|unknown|tbd)$", re.I)


def clip(text: str | None, limit: int = MAX_SCAN) -> str:
    """The scanned part of a possibly huge or missing text."""
    if not text:
        return ""
    return text[:limit] if len(text) > limit else text


def lines(text: str) -> list[str]:
    """Lines, each capped so one pathological line cannot dominate."""
    return [ln[:MAX_LINE] for ln in text.splitlines()]


def form_sections(text: str | list[str]) -> dict[str, str]:
    """`### Heading` → content (code fences stripped), for issue-form templates.

    Headings inside code fences are content, not new sections."""
    out: dict[str, str] = {}
    key, buf, in_fence = None, [], False
    for ln in lines(text) if isinstance(text, str) else text:
        head = ln[:4].lstrip()[:1]
        if head in ("`", "~") and _FENCE.match(ln):
            in_fence = not in_fence
            continue
        m = None if in_fence or head != "#" else _HEADING.match(ln)
        if m:
            if key is not None:
                out.setdefault(key, _section_value(buf))
            key, buf = m.group(1).strip().strip("*").strip().lower(), []
        elif key is not None:
            buf.append(ln)
    if key is not None:
        out.setdefault(key, _section_value(buf))
    return out


def _section_value(buf: list[str]) -> str:
    value = "\n".join(x for x in buf if x.strip()).strip()
    return "" if _NO_RESPONSE.match(value) else value


def env_lines(text: str | list[str]) -> dict[str, str]:
    """Labelled lines (`- Platform: darwin`, `OS: Windows 10`, `│ OS   darwin`), and
    checkbox answers under an empty label.

    Keys are lower-cased; the first occurrence wins (templates come first)."""
    out: dict[str, str] = {}
    asked = None  # the label whose checkbox options follow
    for ln in lines(text) if isinstance(text, str) else text:
        if asked and (m := _CHECKED.match(ln)):
            out.setdefault(asked, m.group(1).strip())
            continue
        if asked and _UNCHECKED.match(ln):
            continue
        asked = None
        if len(ln) > 400 or (":" not in ln and "  " not in ln) or ln.startswith(("    at ", "\tat ")):
            continue
        m = _ENV_LINE.match(ln) or _BOX_LINE.match(ln)
        if not m:
            continue
        key = " ".join(_KEY_HINT.sub("", m.group(1)).lower().split())
        value = m.group(2).strip().strip("`*").strip()
        if value and not _NO_RESPONSE.match(value):
            out.setdefault(key, value)
        elif not value:
            asked = key
    return out


def is_placeholder(value: str | None) -> bool:
    return not value or bool(_NO_RESPONSE.match(value.strip()))
