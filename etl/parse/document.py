"""The pre-split view of one report that every extractor reads."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

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
        return _lookup(self.form, needles, exclude)

    def env_value(self, *keys: str) -> str | None:
        """An environment line whose label is exactly one of `keys`."""
        for key in keys:
            if key in self.env:
                return self.env[key]
        return None


def _lookup(table: dict[str, str], needles, exclude) -> str | None:
    for key, value in table.items():
        if value and _key_matches(key, needles, exclude):
            return value
    return None


@lru_cache(maxsize=4096)
def _key_matches(key: str, needles: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    """Does a heading or label contain a needle and no excluded word? (templates repeat them)"""
    return any(n in key for n in needles) and not any(x in key for x in exclude)


def make_doc(title: str | None, body: str | None, labels, repo: str | None = None) -> Doc:
    """Never raises: bad types become empty strings."""
    title = clip(title if isinstance(title, str) else "", 1_000)
    body = clip(body if isinstance(body, str) else "", MAX_SCAN).replace("\x00", "")
    names = [lab.lower() for lab in _label_names(labels)]
    form, env = structure(body)
    repo = repo if isinstance(repo, str) else None
    return Doc(title=title, body=body, labels=names, repo=repo, form=form, env=env)


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
