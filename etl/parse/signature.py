"""Error-tracker style fingerprint of the error message a report quotes.

Volatile parts (ids, uuids, timestamps, amounts, reset times, numbers with
units, paths, urls) become placeholders so equal errors group together.
"""
from __future__ import annotations

import re

MAX_SIGNATURE = 160

# Where to find the message, most specific first.
_MESSAGE_SOURCES = (
    ("message", re.compile(r"message\\{0,3}[\"']\s{0,3}:\s{0,3}\\{0,3}[\"'](.{4,400}?)\\{0,3}[\"']\s{0,3}[,}]")),
    ("message:", re.compile(r"\bmessage:\s{0,3}'(.{4,400}?)'")),
    ("rror", re.compile(r"Error\s{0,2}:?\s{0,2}(?:\(|\d{3}\s{0,2})?([A-Za-z][^\n{}\[\]]{8,300})")),
    ("limit", re.compile(r"((?:Claude (?:AI |Max |Pro )?|Codex )?(?:usage|session|weekly) limit (?:reached|hit)[^\n]{0,200})", re.I)),
    ("you", re.compile(r"(You(?:'|’)ve hit your [^\n]{3,200}|You(?:'|’)re out of [^\n]{3,200}|Credit balance is too low[^\n]{0,200})", re.I)),
)

_REPLACEMENTS = (
    (re.compile(r"https?://[^\s\"'<>)\]]{1,300}"), "<url>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<uuid>"),
    (re.compile(r"\b(?:req|msg|toolu|call|chatcmpl|resp|org|sess|log|run|file)[-_][A-Za-z0-9_-]{4,80}"), "<id>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?(?:\s{0,2}UTC)?"), "<time>"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"), "<date>"),
    (re.compile(r"\b\d{1,2}(?::\d{2}){1,2}\s{0,2}(?:[ap]\.?m\.?)?(?:\s{0,2}\([A-Za-z_/+-]{1,40}\))?|\b\d{1,2}\s{0,2}[ap]\.?m\.?\b(?:\s{0,2}\([A-Za-z_/+-]{1,40}\))?", re.I), "<time>"),
    (re.compile(r"\|\d{9,13}\b"), "|<time>"),
    (re.compile(r"(?:(?<=\s)|^)(?:[A-Za-z]:)?(?:[\\/][\w.@$~ -]{1,80}){2,30}", re.M), "<path>"),
    (re.compile(r"[$€£]\s?\d[\d,]{0,12}(?:\.\d{1,4})?"), "<amount>"),
    (re.compile(r"\b\d[\d,]{0,12}(?:\.\d{1,6})?\s{0,2}(?:ms|s|sec|secs|seconds?|minutes?|mins?|hours?|hrs?|h|m|days?|[kKMG]?B|kb|mb|gb|tokens?|k|%|x)\b", re.I), "<n>"),
    (re.compile(r"\b[0-9a-f]{12,64}\b", re.I), "<hex>"),
    (re.compile(r"\b[A-Za-z0-9_-]{24,200}\b"), "<id>"),
    (re.compile(r"(?<![\w<])\d+(?:\.\d+)?(?![\w>])"), "<n>"),
)
_SPACES = re.compile(r"\s{1,200}")
_TRAIL = re.compile(r"[\s.,;:·•\\\"')}\]]{1,20}$")


def normalize_message(message: str) -> str:
    """Replace the volatile parts of one message with placeholders."""
    out = message[:600].replace("\\n", " ").replace('\\"', '"')
    for rx, placeholder in _REPLACEMENTS:
        out = rx.sub(placeholder, out)
    out = _SPACES.sub(" ", out).strip()
    out = _TRAIL.sub("", out)
    return out[:MAX_SIGNATURE]


def extract_message(text: str, low: str | None = None) -> str | None:
    low = text.lower() if low is None else low
    for gate, rx in _MESSAGE_SOURCES:
        if gate in low and (m := rx.search(text)):
            return m.group(1)
    return None


def make_signature(text: str, error_type: str | None = None, http_status: int | None = None,
                   low: str | None = None) -> str | None:
    """`<status> <type>: <normalized message>`, or None when no error is quoted."""
    message = extract_message(text, low)
    if message is None and error_type is None and http_status is None:
        return None
    head = " ".join(str(x) for x in (http_status, error_type) if x)
    body = normalize_message(message) if message else ""
    return (f"{head}: {body}" if head and body else head or body) or None
