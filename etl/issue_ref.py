"""What a person pastes to name an issue → (repo, number). Pure; bad input gets a clear message."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,99})"
_SHORT = re.compile(rf"^({_NAME}/{_NAME})#(\d{{1,9}})$")
_NUMBER = re.compile(r"^#?(\d{1,9})$")
_HOST = re.compile(r"^[a-z0-9.-]{1,100}$")
_PATH = re.compile(rf"^/({_NAME}/{_NAME})/(issues|pull|pulls|discussions)/(\d{{1,9}})/?$")


class IssueRefError(ValueError):
    """The text does not name an issue; the message says what would."""


def parse_issue_ref(text: str, current_repo: str | None = None) -> tuple[str, int]:
    """`https://github.com/o/r/issues/12`, `o/r#12`, `#12` or `12` (in the current repo)."""
    text = (text or "").strip()
    if not text:
        raise IssueRefError("Paste an issue URL (https://github.com/OWNER/NAME/issues/N), OWNER/NAME#N or a number.")
    if m := _NUMBER.match(text):
        if not current_repo:
            raise IssueRefError(f"#{m.group(1)} of which repository? Pick one in the sidebar or paste OWNER/NAME#{m.group(1)}.")
        return current_repo, _positive(m.group(1))
    if m := _SHORT.match(text):
        return m.group(1), _positive(m.group(2))
    return _from_url(text)


def _from_url(text: str) -> tuple[str, int]:
    try:
        url = urlsplit(text if "://" in text else "https://" + text)
        host = (url.hostname or "").lower()
    except ValueError:  # e.g. an unbalanced [ in what would be the host
        host = ""
    if host not in ("github.com", "www.github.com"):
        shown = host if _HOST.match(host) else "this text"  # the message never repeats odd input
        raise IssueRefError(f"Only github.com issue URLs are understood, not {shown}: "
                            "paste https://github.com/OWNER/NAME/issues/N, OWNER/NAME#N or a number.")
    m = _PATH.match(url.path)
    if not m:
        raise IssueRefError("That GitHub URL does not point to an issue: expected https://github.com/OWNER/NAME/issues/N.")
    if m.group(2) != "issues":
        kind = "a pull request" if m.group(2).startswith("pull") else "a discussion"
        raise IssueRefError(f"That URL is {kind}, not an issue: Usage Radar reports on issues.")
    return m.group(1), _positive(m.group(3))


def _positive(digits: str) -> int:
    n = int(digits)
    if n < 1:
        raise IssueRefError("Issue numbers start at 1.")
    return n
