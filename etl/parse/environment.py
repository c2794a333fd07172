"""Environment fields: version, os, terminal, model.

Each `find_*` returns `(value, source)` or `(None, None)`; the source is one of
`form`, `env`, `text`, `stack`, `label`. Free-text rules run on the lower-cased
text (`doc.low`) without re.I, behind cheap substring gates: that keeps a
report well under a millisecond.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .document import Doc
from .literals import gate
from .sections import is_placeholder

Found = tuple[object, str | None]
NONE: Found = (None, None)

# ---------------------------------------------------------------- version
_SUFFIX = r"(?:-[0-9a-z]{1,20}(?:\.[0-9a-z]{1,20}){0,3})?"
# Numbers without leading zeros, as semantic versioning requires ("1.01.23" is no version).
_NUM = r"(?:0|[1-9]\d{0,%d})"
_SEMVER = re.compile(r"(?<![\w.])v?(" + _NUM % 3 + r"\." + _NUM % 5 + r"\." + _NUM % 11 + _SUFFIX + r")(?![\w.]{0,1}\d)", re.I)
# A desktop-app build (`1.3561.0 (fbc74b)`): long minor, then a commit hash.
_DESKTOP_BUILD = re.compile(r"\d\.\d{3,6}\.\d{1,6}\s{0,3}\([0-9a-f]{5,12}\)", re.I)
_VERSION_FORM = ("version",)
_NOT_CLIENT = ("node", "python", "vs code", "vscode", "ide", "os version", "operating", "git", "npm",
               "extension", "macos", "windows", "terminal", "browser", "model", "app version", "codex app",
               "last working", "plugin")
# Free text: find every x.y.z once, then judge it by the words around it.
_VERSION_CANDIDATE = re.compile(r"(" + _NUM % 2 + r"\." + _NUM % 3 + r"\." + _NUM % 11 + _SUFFIX + r")(?![\w.]{0,1}\d)")
# Words before a version of any client; each client adds its name ([[client]] version_names).
_VERSION_WORDS = r"\bcli|version|\bver\.?"
_VERSION_ON = (
    re.compile(r"(?:^|[\s(])$"),  # `v2.1.4`: only with the v
    # "same on 2.1.12", "running 2.0.3", "upgraded to 1.0.44": the reporter's own client.
    re.compile(r"(?:\bon|\busing|\brunning|\bupgraded to|\bupdated to|\bnow on)\s{1,3}$"),
)


class _Clients(NamedTuple):
    """The version formats of a taxonomy's clients ([[client]]), compiled."""
    labels: frozenset[str]  # environment labels that give the version
    before: re.Pattern  # the client named before a version ("claude code 2.1.4")
    after: re.Pattern | None  # ... or after it ("2.1.5 (Claude Code)")
    packages: tuple[str, ...]  # package names in a stack frame ("claude-code@2.1.4")
    stack: re.Pattern | None


def _clients(taxonomy) -> _Clients:
    clients = taxonomy.clients
    names = [n for c in clients for n in c.version_names] + [_VERSION_WORDS]
    tags = [t for c in clients for t in c.version_tags]
    packages = tuple(p for c in clients for p in c.packages)
    return _Clients(
        labels=frozenset(k for c in clients for k in c.version_labels) | {"cli"},  # "CLI: 2.1.4": any client
        before=re.compile("(?:" + "|".join(names) + r")[ \t:(]{1,3}$"),
        after=re.compile(r"[ \t]{0,3}\((?:" + "|".join(tags) + r")\)") if tags else None,
        packages=packages,
        stack=re.compile("(?:" + "|".join(map(re.escape, packages)) + r")[/@](\d{1,3}\.\d{1,4}\.\d{1,6})\b")
        if packages else None)


# "v22.15.1" after node, "python 3.12.1": versions of something else.
_FOREIGN = re.compile(r"(?:node(?:\.js)?|nodejs|python|npm|git|vs ?code|bun|macos|windows|ubuntu|darwin|"
                      r"kernel|linux|chrome|electron|ios|android|cursor|jetbrains|pycharm|intellij)[ \t:/@(]{0,3}$")


def normalize_version(raw: str | None) -> str | None:
    """`v2.1.4`, `2.1.5 (Claude Code)`, `codex-cli 0.20.0` → `2.1.4`; None for
    model numbers, desktop builds, `latest` and placeholders."""
    if not raw or is_placeholder(raw):
        return None
    raw = raw[:300]
    if _DESKTOP_BUILD.search(raw):
        return None
    m = _SEMVER.search(raw)
    return m.group(1).lower() if m else None


def _env_version(doc: Doc, labels: frozenset[str]) -> str | None:
    for key, value in doc.env.items():
        if _is_client_version_key(key, labels) and (v := normalize_version(value)):
            return v
    return None


@lru_cache(maxsize=4096)
def _is_client_version_key(key: str, labels: frozenset[str]) -> bool:
    """A label that gives the client's version (labels repeat across reports: cached)."""
    return not any(x in key for x in _NOT_CLIENT) and ("version" in key or key in labels)


def _text_version(doc: Doc, clients: _Clients) -> Found:
    """The first x.y.z that the text ties to the client (`claude code 2.1.4`,
    `version 2.1.4`, `v2.1.4`, `2.1.4 (Claude Code)`)."""
    low = doc.low
    for m in _VERSION_CANDIDATE.finditer(low):
        start = m.start()
        has_v = start > 0 and low[start - 1] == "v"
        start -= has_v
        if start and (low[start - 1].isalnum() or low[start - 1] in "._"):
            continue  # part of a longer token ("1.2.3.4", "abc1.2.3")
        before = low[max(0, start - 16):start]
        if _FOREIGN.search(before) or _DESKTOP_BUILD.match(low, m.start()):
            continue
        if ((clients.after is not None and clients.after.match(low, m.end())) or clients.before.search(before)
                or (has_v and _VERSION_ON[0].search(before)) or _VERSION_ON[1].search(before)):
            return m.group(1), "text"
    return NONE


def find_version(doc: Doc, taxonomy) -> Found:
    clients = taxonomy.compiled(_clients)
    raw = doc.form_value(*_VERSION_FORM, exclude=_NOT_CLIENT)
    if raw and (v := normalize_version(raw)):
        return v, "form"
    if v := _env_version(doc, clients.labels):
        return v, "env"
    found = _text_version(doc, clients)
    if found[0]:
        return found
    if clients.stack is not None and doc.has(*clients.packages) and (m := clients.stack.search(doc.low)):
        return m.group(1), "stack"
    return NONE


# ---------------------------------------------------------------- os
_OS_WORDS = (
    ("wsl", re.compile(r"\bwsl2?\b|microsoft-standard|windows subsystem for linux")),
    ("macos", re.compile(r"\b(?:mac ?os(?: ?x)?|macbook(?: pro| air)?|darwin|osx|os x|mac|apple silicon|sonoma|sequoia|ventura|monterey|tahoe)\b")),
    ("windows", re.compile(r"\b(?:windows|win32|win(?:10|11)|powershell)\b")),
    ("linux", re.compile(r"\b(?:linux|ubuntu|debian|fedora|arch ?linux|centos|rhel|red hat|linux mint|manjaro|nixos|pop!?_os|opensuse|alpine|gentoo|kubuntu|xubuntu)\b")),
    ("other", re.compile(r"\b(?:freebsd|openbsd|chromeos|chrome ?os|android|termux)\b")),
)
_OS_FORM = ("operating system", "platform is your computer", "what platform", "os")
_OS_ENV = ("os", "operating system", "platform", "os version", "system", "os/platform")
_PATH_OS = (
    ("macos", re.compile(r"/users/[^/\s]{1,64}/|/opt/homebrew/|/library/application support/")),
    ("windows", re.compile(r"\b[a-z]:[\\/]{1,2}(?:users|program files|windows)|\\appdata\\|\\\\appdata\\\\")),
    ("linux", re.compile(r"/home/[^/\s]{1,64}/")),
)


@lru_cache(maxsize=4096)  # field values repeat across reports ("Anthropic API", "macOS")
def normalize_os(raw: str | None) -> str | None:
    if not raw or is_placeholder(raw):
        return None
    low = raw[:300].lower()
    for name, rx in _OS_WORDS:
        if rx.search(low):
            return name
    return None


_OS_TEXT_WORDS = (
    ("wsl", ("wsl", "microsoft-standard", "windows subsystem for linux")),
    ("macos", ("macos", "mac os", "macbook", "darwin", "osx", "os x", "apple silicon", "sonoma", "sequoia",
               "ventura", "monterey", "tahoe", "mac")),
    ("windows", ("windows", "win32", "win10", "win11", "powershell")),
    ("linux", ("linux", "ubuntu", "debian", "fedora", "centos", "rhel", "red hat", "manjaro", "nixos",
               "pop!_os", "opensuse", "alpine", "gentoo", "kubuntu", "xubuntu")),
    ("other", ("freebsd", "openbsd", "chromeos", "chrome os", "android", "termux")),
)


gate(*(w for _os, words in _OS_TEXT_WORDS for w in words), "wsl")


def _os_from_text(doc: Doc) -> str | None:
    """The first OS family (in priority order) named as a whole word."""
    low = doc.low
    for name, words in _OS_TEXT_WORDS:
        if doc.has(*words) and any(_has_word(low, w) for w in words):
            return name
    return None


def _has_word(low: str, word: str) -> bool:
    pos = low.find(word)
    while pos != -1:
        end = pos + len(word)
        if (pos == 0 or not low[pos - 1].isalnum()) and (end >= len(low) or not low[end].isalpha()):
            return True
        pos = low.find(word, end)
    return False


def _structured_os(doc: Doc) -> Found:
    if v := normalize_os(doc.form_value(*_OS_FORM, exclude=("version of", "what platform are you"))):
        return v, "form"
    if v := normalize_os(doc.env_value(*_OS_ENV)):
        return v, "env"
    for lab in doc.labels:
        if lab.startswith(("platform:", "os:", "os/", "platform/")):
            if v := normalize_os(lab.split(":", 1)[-1].split("/", 1)[-1]):
                return v, "label"
    return NONE


def find_os(doc: Doc) -> Found:
    found = _structured_os(doc)
    if found[0] in ("linux", "windows") and _mentions_wsl(doc):
        return "wsl", found[1]
    if found[0]:
        return found
    if v := _os_from_text(doc):
        return v, "text"
    low = doc.low
    for name, rx in _PATH_OS:
        if rx.search(low):
            return name, "stack"
    return NONE


def _mentions_wsl(doc: Doc) -> bool:
    """Linux inside Windows: the terminal or the text says WSL."""
    term = (doc.env_value("terminal") or doc.form_value("terminal") or "").lower()
    return "wsl" in term or bool(doc.has("wsl") and _OS_WORDS[0][1].search(doc.low))


# ---------------------------------------------------------------- terminal
_TERMINAL_ENV = ("terminal", "terminal/shell", "shell", "terminal emulator")


def find_terminal(doc: Doc) -> Found:
    raw = doc.form_value("terminal")
    if raw and not is_placeholder(raw.splitlines()[0]):
        return raw.splitlines()[0].strip()[:80], "form"
    raw = doc.env_value(*_TERMINAL_ENV)
    if raw and not is_placeholder(raw):
        return raw[:80], "env"
    return NONE


# ---------------------------------------------------------------- model
_MODEL = re.compile(
    r"\b((?:claude-)?(?:opus|sonnet|haiku)[- ]?\d(?:[.-]\d)?(?:-\d{8})?|claude-[\w.-]{3,40}"
    r"|gpt-[\w.-]{1,30}|o[134](?:-mini|-pro)?|gemini-[\w.-]{2,40}|codex-mini[\w.-]{0,20})\b")
_MODEL_GATE = gate("opus", "sonnet", "haiku", "claude-", "gpt-", "o1", "o3", "o4", "gemini-", "codex-mini")


def find_model(doc: Doc) -> Found:
    raw = doc.form_value("model")
    if raw and not is_placeholder(raw.splitlines()[0]):
        return raw.splitlines()[0].strip()[:80], "form"
    raw = doc.env_value("model")
    if raw and not is_placeholder(raw):
        return raw[:80], "env"
    if doc.has(*_MODEL_GATE):
        low = doc.low  # every match starts with a gate word: search from the first one
        first = min((at for at in map(low.find, _MODEL_GATE) if at != -1), default=0)
        if m := _MODEL.search(low, first):
            return m.group(1), "text"
    return NONE
