"""Error-tracker style fingerprint of the error message a report quotes.

The message comes from the error itself — a payload's `message`, the report's
error/log section, or a client error line quoted in the text — never from a
heading, a label or template text. Volatile parts (ids, uuids, timestamps,
dates, amounts, reset times, numbers with units, paths, urls) become
placeholders so equal errors group together.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .document import Doc
from .literals import SUBSTRING, gate

MAX_SIGNATURE = 160
_RAW_CAP = 400  # raw text enough for MAX_SIGNATURE once placeholders have shortened it

# A payload's message: JSON (quotes escaped up to three times) or a JS object dump.
_PAYLOAD = (
    re.compile(r"message\\{0,3}[\"']\s{0,3}:\s{0,3}\\{0,3}[\"'](.{4,400}?)\\{0,3}[\"']\s{0,3}[,}]"),
    re.compile(r"message:\s{0,3}'(.{4,400}?)'"),
    re.compile(r"message\\{0,3}\"\s{0,3}:\s{0,3}\\{0,3}\"([^\"\\\n]{4,400})"),  # a truncated payload
)
# Error lines, on the lower-cased text (each starts with a literal, so each search is a
# fast scan): "Error: …", "RateLimitError: …", "[Error]: …", "Error message: …", a rate
# limit reached, and the lines each client prints ([[client]] error_lines: "API Error (429 …)",
# the usage-limit notices without an "Error" prefix). The earliest match is the message.
_ERROR_LINES = (
    ("error", re.compile(r"error(?: message| details)?\]?\**:\**[ \t]{0,3}(?:\d{3}\b[ \t—–:-]{0,4})?([^\n]{3,300})")),
    ("rate limit", re.compile(r"rate limit (?:reached|exceeded)[^\n]{0,200}")),
)
_LINE_GATE = gate("rate limit")  # a text without "error" holds a line only with this or a client line's gate
_LINE_SPAN = 400  # longer than any match of an error line
# Who printed a limit notice, written before it ("Claude AI usage limit reached", "daily limit
# reached"): a client ([[client]] notice_names) or the limit's period.
_LIMIT_PERIODS = r"5[- ]?h(?:ou)?rs?|daily|monthly"
# A section of an issue form that holds the error output ("Error Messages/Logs", "Relevant logs").
_ERROR_HEADING = re.compile(r"\b(?:errors?|logs?)\b")
# A line of such a section that names a failure (free-form pastes have no fixed shape).
_FAILURE_WORDS = re.compile(
    r"error|limit|fail|denied|invalid|unable|cannot|can't|not (?:available|found|allowed|supported|enabled)"
    r"|exceeded|expired|too (?:low|many|long)|unavailable|overloaded|required|reached|refused|timed? ?out"
    r"|disabled|only available|unauthori[sz]ed|forbidden|exception|\b[45]\d\d\b")
_NOT_AN_ERROR = re.compile(r"^(?:none\b|n/?a\b|no (?:error|message|output|logs?)\b|nothing\b|-+$)")
_OUTPUT_MARK = re.compile(r"^[\s⎿>■✕✗⏺●•*`-]{0,12}")  # terminal/markdown decoration before a line


class _Lines(NamedTuple):
    lines: tuple[tuple[str | None, re.Pattern], ...]  # (a literal every match holds, or None; regex)
    gate: tuple[str, ...] | None  # scan keys one of which a text with an error line holds (None: any text)
    owner: re.Pattern


def _lines(taxonomy) -> _Lines:
    """The error lines, their gates and the limit notices' owners, with the taxonomy's clients'."""
    rules = list({r.rx.pattern: r for c in taxonomy.clients for r in c.error_lines}.values())  # clients share lines
    owners = [n for c in taxonomy.clients for n in c.notice_names] + [_LIMIT_PERIODS]
    gate = None if any(r.gate is None for r in rules) else _LINE_GATE + tuple(k for r in rules for k in r.keys())
    return _Lines(lines=_ERROR_LINES + tuple((_literal(r), r.rx) for r in rules), gate=gate,
                  owner=re.compile("(?:(?:" + "|".join(owners) + ") )$"))


def _literal(rule) -> str | None:
    """A plain substring every match of `rule` holds (None: none, or one of several)."""
    return rule.gate.lstrip(SUBSTRING) if type(rule.gate) is str else None


def extract_message(doc: Doc, taxonomy) -> str | None:
    """The quoted error message, most specific source first."""
    if doc.has("message"):
        for rx in _PAYLOAD:
            if m := rx.search(doc.text):
                return m.group(1)
    lines = taxonomy.compiled(_lines)
    for heading, section in doc.form.items():
        if section and _is_error_heading(heading) and (found := _section_message(section, lines)):
            return found
    # "error" anywhere, even mid-word ("RateLimitError:"), may open a line
    if "error" not in doc.low and lines.gate is not None and not doc.has(*lines.gate):
        return None
    start = len(doc.title) + 1  # the body first: a title paraphrases more often than it quotes
    return _line_message(doc.body, doc.low[start:], lines) or _line_message(doc.title, doc.low[:start - 1], lines)


def _section_message(section: str, lines: _Lines) -> str | None:
    """An error line of the form's error section, else its first line naming a failure."""
    section = section[:8000]
    low = section.lower()
    if found := _line_message(section, low, lines):
        return found
    for m in _FAILURE_WORDS.finditer(low):
        start = low.rfind("\n", 0, m.start()) + 1
        end = low.find("\n", m.end())
        line = _OUTPUT_MARK.sub("", section[start:end if end != -1 else len(section)]).strip()
        if not _NOT_AN_ERROR.match(line.lower()):
            return line[:300]
    return None


@lru_cache(maxsize=1024)
def _is_error_heading(heading: str) -> bool:
    return _ERROR_HEADING.search(heading) is not None  # headings repeat: issue templates


def _line_message(text: str, low: str, lines: _Lines) -> str | None:
    """The first client error line (as written when lower-casing kept the offsets)."""
    best, end = None, len(low)
    for literal, rx in lines.lines:
        if (literal is None or literal in low) and (m := rx.search(low, 0, end)) and (best is None or m.start() < best.start()):
            best, end = m, min(end, m.start() + _LINE_SPAN)  # an earlier line fits before `end`
    if best is None:
        return None
    start, end = best.span(best.lastindex or 0)
    if best.lastindex is None and (owner := lines.owner.search(low, max(0, start - 20), start)):
        start = owner.start()
    src = text if len(text) == len(low) else low
    message = _unquote(src, start, src[start:end]).strip(" \t`*")
    return None if message[:1] in ("{", "[", "") else message  # a payload we could not read


def _unquote(text: str, start: int, message: str) -> str:
    """A message quoted in prose ("it said “X” and stopped") ends at its closing quote."""
    before = text[text.rfind("\n", 0, start) + 1:start]
    for opening, closing in (('"', '"'), ("“", "”"), ("`", "`")):
        if opening == closing:
            opened = before.count(opening) % 2 == 1
        else:
            opened = before.count(opening) > before.count(closing)
        if opened and (end := message.find(closing)) > 0:
            return message[:end]
    return message


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\.?"
_DIGIT = "0-9"  # a replacement that only applies to text with a digit
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# (what the text must contain for the rule to apply, rule, placeholder), in order.
_REPLACEMENTS = (
    (("://",), re.compile(r"https?://[^\s\"'<>)\]]{1,300}"), "<url>"),
    (("-",), re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<uuid>"),
    (("-", "_"), re.compile(r"\b(?:req|msg|toolu|call|chatcmpl|resp|org|sess|log|run|file)[-_][A-Za-z0-9_*-]{3,80}"), "<id>"),
    (("-",), re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?(?:\s{0,2}UTC)?"), "<time>"),
    (("-", "/"), re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"), "<date>"),
    (_MONTHS, re.compile(rf"\b{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?\b|\b\d{{1,2}} {_MONTH}(?: \d{{4}})?\b", re.I), "<date>"),
    (_DIGIT, re.compile(r"\b\d{1,2}(?::\d{2}){1,2}\s{0,2}(?:[ap]\.?m\.?)?(?:\s{0,2}\([A-Za-z_/+-]{1,40}\))?|\b\d{1,2}\s{0,2}[ap]\.?m\.?\b(?:\s{0,2}\([A-Za-z_/+-]{1,40}\))?", re.I), "<time>"),
    (("|",), re.compile(r"\|\d{9,13}\b"), "|<time>"),
    (("/", "\\"), re.compile(r"(?:(?<=\s)|^)(?:[A-Za-z]:)?(?:[\\/][\w.@$~ -]{1,80}){2,30}", re.M), "<path>"),
    (("$", "€", "£"), re.compile(r"[$€£]\s?\d[\d,]{0,12}(?:\.\d{1,4})?"), "<amount>"),
    (_DIGIT, re.compile(r"\b\d[\d,]{0,12}(?:\.\d{1,6})?\s{0,2}(?:ms|s|sec|secs|seconds?|minutes?|mins?|hours?|hrs?|h|m|days?|[kKMG]?B|kb|mb|gb|tokens?|k|%|x)\b", re.I), "<n>"),
    (_DIGIT, re.compile(r"\b[0-9a-f]{12,64}\b", re.I), "<hex>"),
    (None, re.compile(r"\b[A-Za-z0-9_-]{24,200}\b"), "<id>"),
    (_DIGIT, re.compile(r"(?<![\w<])\d+(?:\.\d+)?(?![\w>])"), "<n>"),
    (("<n>",), re.compile(r"<n>(?:[ ,]{1,3}(?:and )?<n>){1,8}"), "<n>"),  # "4 days 20 hours 9 minutes": one duration
)
_HAS_DIGIT = re.compile(r"\d")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_SPACES = re.compile(r"\s{1,200}")
_EDGES = re.compile(r"^[\s\"'`*“”]{1,20}|[\s.,;:·•\\\"'`*“”)}\]]{1,20}$")


def normalize_message(message: str) -> str:
    """Replace the volatile parts of one message with placeholders."""
    # A message copied out of a JSON string ends at its first escaped newline (a stack trace or
    # details follow), and its \\uXXXX escapes are the characters the client printed.
    out = message[:_RAW_CAP].split("\\n", 1)[0].replace('\\"', '"')
    if "\\u" in out:
        out = _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), out)
    digits = _HAS_DIGIT.search(out) is not None
    low = out.lower() if digits else ""
    for needs, rx, placeholder in _REPLACEMENTS:
        if needs is _MONTHS:
            applies = digits and any(m in low for m in needs)
        else:
            applies = needs is None or (digits if needs is _DIGIT else any(s in out for s in needs))
        if applies:
            out = rx.sub(placeholder, out)
    out = _EDGES.sub("", _SPACES.sub(" ", out).strip())
    return out[:MAX_SIGNATURE]


def make_signature(doc: Doc, taxonomy, error_type: str | None = None, http_status: int | None = None) -> str | None:
    """`<status> <type>: <normalized message>`, or None when no error is quoted."""
    message = extract_message(doc, taxonomy)
    body = normalize_message(message) if message else ""
    head = " ".join(str(x) for x in (http_status, error_type) if x)
    return (f"{head}: {body}" if head and body else head or body) or None
