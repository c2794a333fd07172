"""Put back the line breaks of a body whose whitespace was collapsed into single
spaces (CSV exports and some tools do `" ".join(body.split())`).

The parser reads issue forms and labelled lines line by line. A break is restored
only where markdown structure makes it certain: before a heading (and after the
"?" of a question heading), around a code fence, before a list or checkbox item,
a bold label (`**Environment Info**`), an image, an issue form's `_No response_`,
and a line of a coding client's terminal output (`⎿`, `❯`, `⏺` …). Inside a code
fence only the fence and terminal output break: a payload's strings may hold
"- " or "1. ". Each break replaces the space that stood there, so the text keeps
its length. Where a heading ends and its one-line answer begins is not certain:
`### Operating System macOS` stays one line (see `Doc.form_value`).
"""
from __future__ import annotations

import re

# Each mark starts at the space a line break became; the first character is tested
# before the alternatives so most spaces are passed over fast.
_MARK = re.compile(
    r" (?=[-#`~_*!0-9⏺●⎿❯✻■✕])(?:"
    r"(?P<fence>(?:`{3,}|~{3,})[^\s`]{0,40}(?= |$))"  # a fence and its info string (```json)
    r"|(?=#{1,6} (?P<question>[^?#`]{1,150}\? )?)"  # a heading; a question heading ends at its "?"
    r"|(?=_No response_(?: |$))"  # an issue form's empty answer
    # A list item; a dash before a lower-case word is prose. The marker is consumed: "- **OS:**" breaks once.
    r"|(?:[-*]|\d{1,2}\.) (?=[^\sa-z])"
    r"|(?=\*\*[A-Z][^*]{0,40}\*\*(?: |$))"  # a bold label
    r"|(?=!\[)"  # an image
    r"|(?P<output>)(?=[⏺●⎿❯✻■✕] )"  # a line of a coding client's terminal output, pasted or fenced
    r")"
)


def is_flattened(body: str) -> bool:
    """A body with no line break at all: either one line of prose or a collapsed one."""
    return "\n" not in body and "\r" not in body


def restore_line_breaks(body: str) -> str:
    """`body` with a newline in place of each space that stood at a line break."""
    text = " " + body  # a mark at the very start then has its space like any other
    breaks: set[int] = set()  # a question's "?" may end where a list item starts
    in_fence = False
    for m in _MARK.finditer(text):
        if m.group("fence"):
            in_fence = not in_fence
            breaks.update(p for p in (m.start(), m.end()) if text[p:p + 1] == " ")
        elif m.group("output") is not None or not in_fence:
            breaks.add(m.start())
            if m.group("question"):
                breaks.add(m.end("question") - 1)
    breaks.discard(0)  # the added space
    if not breaks:
        return body
    parts, last = [], 0
    for pos in sorted(breaks):
        parts.append(text[last:pos])
        last = pos + 1
    parts.append(text[last:])
    return "\n".join(parts)[1:]
