"""The pre-split view of one report that every extractor reads."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .linebreaks import is_flattened, restore_line_breaks
from .literals import Text
from .sections import MAX_SCAN, clip, structure


@dataclass
class Doc:
    title: str
    body: str
    labels: list[str]
    repo: str | None = None
    form: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    run_on: dict[str, str] = field(default_factory=dict)  # heading lines that may end in their answer

    text: str = ""  # title + body
    low: str = ""  # lower-cased text: rules match on it without re.I (much faster)
    view: Text | None = None  # `low` and the gate literals it contains (set by `scan`)
    title_view: Text | None = None  # the same for the title alone

    def __post_init__(self) -> None:
        self.text = f"{self.title}\n{self.body}"
        self.low = self.text.lower()
        self.view = Text(self.low, frozenset(), frozenset())  # unscanned: `has` tests substrings

    def scan(self, scanner) -> None:
        """Find the gate literals once (`scanner.scan`), for every later `has`."""
        self.view, self.title_view = scanner.scan(self.low, len(self.title))
        self.has = self.view.has  # one call less on a hot path

    def has(self, *words: str) -> bool:
        """Cheap gate: does the lower-cased text contain any of `words`?"""
        return self.view.has(*words)

    def form_value(self, *needles: str, exclude: tuple[str, ...] = ()) -> str | None:
        """The first form section whose heading contains any needle."""
        return _lookup(self.form, needles, exclude, self.run_on)

    def env_value(self, *keys: str) -> str | None:
        """An environment line whose label is exactly one of `keys`."""
        for key in keys:
            if key in self.env:
                return self.env[key]
        return None


def _lookup(table: dict[str, str], needles, exclude, run_on: dict[str, str]) -> str | None:
    for key, value in table.items():
        if (value or key in run_on) and _key_matches(key, needles, exclude):
            if value:
                return value
            if answer := _run_on_answer(run_on[key], needles):
                return answer
    return None


_HEADING_WORDS = 3  # a heading names its field in its first words; further on it is the answer
_HINT = re.compile(r"^\([^)]{0,60}\)\s*")  # a leading "(run claude --version)": the template's hint, not the answer


def _run_on_answer(heading: str, needles) -> str | None:
    """The words after the heading word that holds a needle ("Terminal/Shell iTerm2" → "iTerm2")."""
    low = heading.lower()
    if len(low) != len(heading):
        return None  # offsets into `low` would not fit `heading`
    for needle in needles:
        at = low.find(needle)
        if at == -1 or (at and low[at - 1].isalnum()) or low.count(" ", 0, at) >= _HEADING_WORDS:
            continue
        end = low.find(" ", at + len(needle))
        if end != -1 and (answer := _HINT.sub("", heading[end + 1:].strip()).strip()):
            return answer
    return None


@lru_cache(maxsize=4096)
def _key_matches(key: str, needles: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    """Does a heading or label hold a needle and no excluded word, each starting a word ("os"
    is not in "proposed")? Cached: templates repeat their headings."""
    return any(_starts_word(key, n) for n in needles) and not any(_starts_word(key, x) for x in exclude)


def _starts_word(key: str, word: str) -> bool:
    at = key.find(word)
    while at != -1:
        if at == 0 or not key[at - 1].isalnum():
            return True
        at = key.find(word, at + 1)
    return False


def make_doc(title: str | None, body: str | None, labels, repo: str | None = None) -> Doc:
    """Never raises: bad types become empty strings."""
    title = clip(title if isinstance(title, str) else "", 1_000)
    body = clip(body if isinstance(body, str) else "", MAX_SCAN).replace("\x00", "")
    names = [lab.lower() for lab in _label_names(labels)]
    flat = is_flattened(body)
    if flat:
        body = restore_line_breaks(body)
    form, env, run_on = structure(body, flat)
    repo = repo if isinstance(repo, str) else None
    return Doc(title=title, body=body, labels=names, repo=repo, form=form, env=env, run_on=run_on)


def _label_names(labels) -> list[str]:
    if not isinstance(labels, (list, tuple)):
        return []
    out = []
    for lab in labels[:100]:
        if isinstance(lab, dict):
            lab = lab.get("name")
        if isinstance(lab, str):
            out.append(lab)
    return out
