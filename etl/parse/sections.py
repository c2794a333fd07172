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
# In a collapsed body a heading line may run on into its answer or prose: its key is its first 160 characters.
_RUN_ON_HEADING = re.compile(r"^#{2,4}[ \t](.{1,160})")
_FENCE = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})")
_FENCE_START = ("`", "~", " ", "\t")
_ENV_LINE = re.compile(
    r"^[ \t]{0,8}(?:[-*+•][ \t]{1,4}|[│|][ \t]{0,4})?(?:\*\*)?"
    r"([A-Za-z][A-Za-z0-9 ()/._-]{0,40})(?:\*\*)?[ \t]{0,4}:(?:\*\*)?[ \t]{0,8}(.{0,300})$"  # greedy: values are stripped
)
# Gemini's `/about` box: "│ CLI Version              0.1.4      │"
_BOX_LINE = re.compile(r"^[ \t]{0,4}(?:[│|][ \t]{0,4})?([A-Za-z][A-Za-z ]{1,30}?)[ \t]{2,80}(\S.{0,200}?)[ \t]*[│|]?[ \t]*$")
_LABEL_END = 64  # a label's colon (or a box line's gap) comes before this column
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


def structure(text: str, flat: bool = False) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(issue-form sections, labelled lines, run-on headings) of a body, in one pass over its lines.

    Sections: `### Heading` → content (code fences stripped); headings inside code
    fences are content. Labelled lines: `- Platform: darwin`, `OS: Windows 10`,
    `│ OS   darwin`, and checkbox answers under an empty label; keys lower-cased,
    the first occurrence wins (templates come first). In a body that lost its line
    breaks (`flat`) a heading line may end in its one-line answer (`### Operating
    System macOS`): each heading line with nothing under it is kept as written,
    by key, for the field lookups that know which heading words they look for."""
    form: dict[str, str] = {}
    env: dict[str, str] = {}
    run_on: dict[str, str] = {}
    key, heading, buf, in_fence, asked = None, "", [], False, None
    all_lines = text.splitlines()
    if len(text) > MAX_LINE:  # one pathological line must not dominate
        all_lines = [ln[:MAX_LINE] for ln in all_lines]
    for ln in all_lines:
        head = ln[:1]  # a heading starts the line; a fence may be indented by up to 3 blanks
        if head in _FENCE_START and _FENCE.match(ln):
            in_fence = not in_fence
        elif head == "#" and not in_fence and (m := _HEADING.match(ln) or (flat and _RUN_ON_HEADING.match(ln))):
            if key is not None:
                _add_section(form, run_on, key, heading, buf, flat)
            heading = m.group(1).strip().strip("*").strip()
            key, buf = heading.lower(), []
            continue
        elif key is not None:
            buf.append(ln)
        if asked or ":" in ln or "  " in ln:
            asked = _env_line(ln, env, asked)  # only lines that can hold a label or an answer
    if key is not None:
        _add_section(form, run_on, key, heading, buf, flat)
    return form, env, run_on


def _add_section(form: dict[str, str], run_on: dict[str, str], key: str, heading: str,
                 buf: list[str], flat: bool) -> None:
    if key in form:
        return
    form[key] = _section_value(buf)
    if flat and not any(x.strip() for x in buf):
        run_on[key] = heading


def _section_value(buf: list[str]) -> str:
    value = "\n".join(x for x in buf if x.strip()).strip()
    return "" if _NO_RESPONSE.match(value) else value


def _env_line(ln: str, env: dict[str, str], asked: str | None) -> str | None:
    """Record a labelled line (or a checkbox answer to the `asked` label) in `env`;
    the label whose checkbox options may follow."""
    if asked and (m := _CHECKED.match(ln)):
        env.setdefault(asked, m.group(1).strip())
        return None
    if asked and _UNCHECKED.match(ln):
        return asked
    if (m := _labelled(ln)) is None:
        return None
    key = " ".join(_KEY_HINT.sub("", m.group(1)).lower().split())
    value = m.group(2).strip().strip("`*").strip()
    if value and not _NO_RESPONSE.match(value):
        env.setdefault(key, value)
    return None if value else key


def _labelled(ln: str) -> re.Match | None:
    """A labelled or box line; cheap tests first (a label is short, stack frames are not labels)."""
    if len(ln) > 400 or ln.startswith(("    at ", "\tat ")):
        return None
    if ln.find(":", 0, _LABEL_END) != -1 and (m := _ENV_LINE.match(ln)):
        return m
    return _BOX_LINE.match(ln) if ln.find("  ", 0, _LABEL_END) != -1 else None


def is_placeholder(value: str | None) -> bool:
    return not value or bool(_NO_RESPONSE.match(value.strip()))
