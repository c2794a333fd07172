"""HTTP status and machine error type of the error a report hit.

Payloads arrive raw, JSON-escaped once or twice (`\\"type\\"`), wrapped in
another payload (Gemini's outer `"status": "Too Many Requests"`), or as JS
object dumps (`code: 'rate_limit_exceeded'`). Rather than parse JSON that is
often broken, candidates are found with one cheap scan and judged by the text
around them; quotes may carry up to three escaping backslashes.
"""
from __future__ import annotations

import re

Found = tuple[object, str | None]

# ---------------------------------------------------------------- http status
_STATUS_CANDIDATE = re.compile(r"([45]\d\d)(?![\w.%/-]|,\d)")
# Part of a longer token or number ("102,643,529", "v1.429", "$529").
_NOT_BEFORE = set("0123456789abcdefghijklmnopqrstuvwxyz_.,$/-")
# Context rules, strongest first: (before-regex anchored at the candidate, after-regex, source).
_STATUS_CONTEXT = (
    (re.compile(r"api error:?\s{0,3}[(]?\s{0,3}$"), None, "text"),
    (re.compile(r"request rejected \($"), None, "text"),
    (re.compile(r"\berror:?\s{0,3}$"), re.compile(r"\s{0,3}[{(\[]"), "text"),
    (re.compile(r"[\"']?\\{0,3}(?:code|status|status_?code|statuscode|http_?status)\\{0,3}[\"']?\s{0,3}[:=]\s{0,3}\\{0,3}[\"']?$"), None, "payload"),
    (re.compile(r"\b(?:status|status code|http(?:/\d(?:\.\d)?)?|code|error code)[ :=]{1,3}$"), None, "text"),
    (None, re.compile(r"[ \t]{1,3}(?:too many requests|service unavailable|bad gateway|internal server error|unauthorized|forbidden|payment required|bad request|gateway timeout|not found)"), "text"),
    (re.compile(r"\b(?:error|errors|errored|failed|failing|got|getting|returns?|returned|returning|with|hit|hitting|throws?|constant|repeated|http)\s{1,3}(?:an?\s)?(?:http\s)?$"), None, "text"),
    (re.compile(r""), re.compile(r"\b(?!\d)"), "text"),  # a bare 429/529 still names the error
)
_BARE_OK = {429, 529}


def find_http_status(low: str) -> Found:
    """The status of the strongest-evidenced candidate (earliest on ties)."""
    best: tuple[int, int, str] | None = None  # (rule index, code, source)
    for m in _STATUS_CANDIDATE.finditer(low):
        if m.start() and low[m.start() - 1] in _NOT_BEFORE:
            continue
        code = int(m.group(1))
        rule = _status_rule(low, m.start(1), m.end(1), code, best[0] if best else len(_STATUS_CONTEXT))
        if rule is not None:
            best = (rule, code, _STATUS_CONTEXT[rule][2])
            if rule == 0:
                break
    return (best[1], best[2]) if best else (None, None)


# A status said not to occur ("no 429 errors in the logs"), or a line:column of a stack frame.
_DENIED = re.compile(r"(?:\bno|\bnot|n't|\bnever|\bwithout)(?: an?| any)?(?: http)?\s{1,3}$|\d:$")


def _status_rule(low: str, start: int, end: int, code: int, limit: int) -> int | None:
    before = low[max(0, start - 40):start]
    if _DENIED.search(before):
        return None
    for i, (pre, post, _src) in enumerate(_STATUS_CONTEXT[:limit]):
        if i == len(_STATUS_CONTEXT) - 1 and code not in _BARE_OK:
            continue
        if pre is not None and not pre.search(before):
            continue
        if post is not None and not post.match(low, end):
            continue
        return i
    return None


# ---------------------------------------------------------------- error type
_KEYS = ("type", "code", "status", "errorcode", "error_type", "reason")
# A payload value ("type": "rate_limit_error"), found from its colon (a cheap anchor)
# and kept when the key before the colon names an error type.
_TYPE_VALUE = re.compile(r":\s{0,3}\\{0,3}[\"']([A-Za-z][A-Za-z_]{2,40})\\{0,3}[\"']")
_TYPE_KEY = re.compile(r"(?:type|code|status|errorcode|error_type|reason)\\{0,3}[\"']?\s{0,3}$", re.I)
# A type written in prose, found from literal anchors (a full scan with `\b` first
# is slow): "rate_limit_error", "FreeUsageLimitError", and the types providers name
# ([provider] error_types: "RESOURCE_EXHAUSTED").
_SNAKE_END = re.compile(r"_error\b")
_SNAKE_HEAD = re.compile(r"[a-z]{2,20}(?:_[a-z]{2,20}){0,3}$")
_CAMEL_END = re.compile(r"LimitError\b")
_CAMEL_HEAD = re.compile(r"[A-Z][a-z]{2,12}(?:[A-Z][a-z]{1,12}){0,3}$")
_TYPE_TEXT_GATE = ("_error", "limiterror")
_NOT_TYPES = {"error", "errors", "tokens", "requests", "message", "text", "object", "invalid",
              "string", "number", "null", "true", "false", "undefined", "success", "ok", "failed",
              "tool_use", "tool_result", "json", "assistant", "user", "content", "user_error",
              "is_error", "end_turn", "stop_sequence", "max_tokens", "input_tokens", "output_tokens"}
_UPPER_OK = re.compile(r"[A-Z][A-Z_]{3,}")
_SNAKE_OK = re.compile(r"[a-z]+(?:_[a-z]+){1,4}")
_CAMEL_OK = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+){1,4}(?:Exception|Error)")


def _named_types(taxonomy) -> tuple[re.Pattern | None, tuple[str, ...]]:
    """The taxonomy's named error types as one regex (case as written), and the literals
    (lower-cased) one of which a text must hold for a type in prose."""
    names = taxonomy.named_error_types
    rx = re.compile("(?:" + "|".join(map(re.escape, names)) + r")\b") if names else None
    return rx, _TYPE_TEXT_GATE + tuple(n.lower() for n in names)


def find_error_type(text: str, low: str, taxonomy) -> Found:
    """The first machine error type written as a payload value, else in text."""
    if ":" in text and any(k in low for k in _KEYS):
        for m in _TYPE_VALUE.finditer(text):
            if _TYPE_KEY.search(text, max(0, m.start() - 24), m.start()) and _is_error_type(m.group(1)):
                return m.group(1), "payload"
    named, text_gate = taxonomy.compiled(_named_types)
    if any(g in low for g in text_gate):
        for value in _text_types(text, named):
            if value.lower() not in _NOT_TYPES:
                return value, "text"
    return None, None


def _text_types(text: str, named: re.Pattern | None) -> list[str]:
    """Error types written in prose, in text order."""
    found = [(m.start(), m.group()) for m in named.finditer(text) if _starts_word(text, m.start())] if named else []
    for end_rx, head_rx in ((_SNAKE_END, _SNAKE_HEAD), (_CAMEL_END, _CAMEL_HEAD)):
        for m in end_rx.finditer(text):
            head = head_rx.search(text, max(0, m.start() - 84), m.start())
            if head is not None and _starts_word(text, head.start()):
                found.append((head.start(), text[head.start():m.end()]))
    return [value for _pos, value in sorted(found)]


def _starts_word(text: str, pos: int) -> bool:
    return pos == 0 or not (text[pos - 1].isalnum() or text[pos - 1] == "_")


def _is_error_type(value: str) -> bool:
    if value.lower() in _NOT_TYPES:
        return False
    return bool(_UPPER_OK.fullmatch(value) or _SNAKE_OK.fullmatch(value) or _CAMEL_OK.fullmatch(value))
