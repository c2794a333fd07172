"""The pre-split view of one report that every extractor reads."""
from __future__ import annotations

from dataclasses import dataclass, field

from .sections import MAX_SCAN, clip, env_lines, form_sections, lines


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

    def __post_init__(self) -> None:
        self.text = f"{self.title}\n{self.body}"
        self.low = self.text.lower()

    def has(self, *words: str) -> bool:
        """Cheap gate: does the lower-cased text contain any of `words`?"""
        low = self.low
        for w in words:  # a plain loop: a generator costs more than the `in` tests
            if w in low:
                return True
        return False

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
        if value and any(n in key for n in needles) and not any(x in key for x in exclude):
            return value
    return None


def make_doc(title: str | None, body: str | None, labels, repo: str | None = None) -> Doc:
    """Never raises: bad types become empty strings."""
    title = clip(title if isinstance(title, str) else "", 1_000)
    body = clip(body if isinstance(body, str) else "", MAX_SCAN).replace("\x00", "")
    names = [lab.lower() for lab in _label_names(labels)]
    body_lines = lines(body)
    repo = repo if isinstance(repo, str) else None
    return Doc(title=title, body=body, labels=names, repo=repo, form=form_sections(body_lines), env=env_lines(body_lines))


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
