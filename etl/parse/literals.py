"""One pass over a text that finds which of many literal "gates" it contains.

Rules are guarded by literals (`"limit" in low` before a regex runs); with a few
hundred of them, one trie-shaped regex run once per document is several times
cheaper than a few hundred `in` scans. A literal that starts with a letter
counts only at the start of a word ("counter" is not found in "encounter"), the
same convention the rules themselves follow.
"""
from __future__ import annotations

import re
from typing import NamedTuple

_REGISTERED: set[str] = set()


def gate(*words: str) -> tuple[str, ...]:
    """Declare literals a module tests with `Text.has`, so the scan reports them."""
    _REGISTERED.update(words)
    return words


def registered() -> frozenset[str]:
    return frozenset(_REGISTERED)


class Text(NamedTuple):
    """A lower-cased text and the known literals present in it."""
    low: str
    present: frozenset[str]
    known: frozenset[str]

    def has(self, *words: str) -> bool:
        """Does the text contain any of `words`? (unknown words fall back to `in`)"""
        for w in words:  # a plain loop: a generator costs more than the tests
            if w in self.present if w in self.known else w in self.low:
                return True
        return False


# A key for a literal that counts wherever it occurs, even inside a word.
SUBSTRING = "\0"


class Scanner:
    """Finds which of `keys` occur in a lower-cased text: word-start literals in two
    regex passes, SUBSTRING-marked literals with plain `in` tests."""

    def __init__(self, keys) -> None:
        self.known = frozenset(k for k in keys if k and k != SUBSTRING)
        words = [k for k in self.known if not k.startswith(SUBSTRING)]
        self._substrings = tuple((k, k[1:]) for k in self.known if k.startswith(SUBSTRING))
        letters = [w for w in words if w[0].isalpha()]
        others = [w for w in words if not w[0].isalpha()]
        # `[^a-z]` first: the regex engine skips the inside of words at C speed.
        self._words = re.compile(f"[^a-z](?=({_trie(letters)}))") if letters else None
        self._others = re.compile(_trie(others)) if others else None
        self._implied = {w: _contained(w, frozenset(words)) for w in words}
        self._contains_others = frozenset(w for w, inside in self._implied.items() if len(inside) > 1)

    def scan(self, low: str, title_end: int = 0) -> tuple[Text, Text]:
        """The keys in `low`, and those in its first `title_end` characters (the title)."""
        title = low[:title_end]
        return self._found(low), self._found(title)

    def _found(self, low: str) -> Text:
        found = set(self._words.findall(" " + low)) if self._words is not None else set()
        if self._others is not None:
            pos, search = 0, self._others.search
            while m := search(low, pos):  # restart inside each match: literals may overlap
                found.add(m.group())
                pos = m.start() + 1
        for key in found & self._contains_others:  # "usage limit" also holds "limit"
            found |= self._implied[key]
        for key, literal in self._substrings:
            if literal in low:
                found.add(key)
        return Text(low, frozenset(found), self.known)


def _contained(word: str, known: frozenset[str]) -> frozenset[str]:
    """The known literals found wherever `word` is (substrings that start a word in it)."""
    out = set()
    for w in known:
        k = word.find(w)
        while k != -1:
            if k == 0 or not w[0].isalpha() or not word[k - 1].isalpha():
                out.add(w)
                break
            k = word.find(w, k + 1)
    return frozenset(out)


def _trie(words) -> str:
    """A regex matching the longest of `words` at a position (a trie of alternatives)."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _emit(root)


def _emit(node: dict) -> str:
    alts = [re.escape(ch) + _emit(child) for ch, child in sorted(node.items()) if ch]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if "" in node else body
