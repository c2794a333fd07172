"""The literal gate of a rule's regex: text every match must contain.

A gate that starts with a letter must start a word in every match (the scan only
reports word starts), so the analysis also tracks whether what precedes a
literal always ends with a non-letter: the start of the pattern (by convention a
rule's first word starts a word), `\\b`, a space, or a group all of whose
alternatives end with one ("(?:opus |sonnet )?weekly").
"""
from __future__ import annotations

import re

_META = set("\\.^$*+?{}[]|()")
_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")
_NONLETTER_CLASSES = ("\\b", "\\s", "\\d", "\\W", "\\B")


def required_literal(pattern: str) -> tuple[str | frozenset[str] | None, bool]:
    """(gate, starts a word in every match): the longest required literal (a leading
    space dropped: " limit" is "limit" starting a word; two non-ASCII characters suffice);
    else, when shorter, the literal starts of a leading group's alternatives (any of which is
    required); else None."""
    runs = _literal_runs(pattern)
    if runs is None:
        return None, False  # top-level alternation: no literal is required
    best = max(runs, key=lambda r: len(r.lstrip("\0 ")))
    lit = best.lstrip("\0 ")
    if len(lit) >= 3 or (len(lit) == 2 and not lit.isascii()):  # two CJK characters are a word
        return lit, not best.startswith("\0")
    return _leading_alternatives(pattern[2:] if pattern.startswith("\\b(?:") else pattern), True


def _literal_runs(pattern: str) -> list[str] | None:
    """The runs of required literals at the top level; "\0" marks one that may start mid-word."""
    runs, run, i, after_nonletter = [""], "", 0, True
    while i < len(pattern):
        if pattern[i] == "|":
            return None
        if pattern[i] == "(":
            runs.append(run)
            run = ""
            i, after_nonletter = _skip_group(pattern, i, after_nonletter)
            continue
        lit, step = _token(pattern, i)
        optional = pattern[i + step:i + step + 1] in ("?", "*", "{")
        if lit is not None and not optional:
            run = run or ("" if after_nonletter or not lit.isalpha() else "\0")
            run += lit
            after_nonletter = not lit.isalpha()
            if pattern[i + step:i + step + 1] == "+":
                runs.append(run)
                run = ""
        else:
            runs.append(run)
            run = ""
            ends_nonletter = pattern.startswith(_NONLETTER_CLASSES, i) or (lit is not None and not lit.isalpha())
            after_nonletter = (after_nonletter if optional else True) and ends_nonletter
        i += step
    runs.append(run)
    return runs


def _skip_group(pattern: str, i: int, after_nonletter: bool) -> tuple[int, bool]:
    """The index after the group opening at `i` (and its quantifier), and whether what
    precedes that index always ends with a non-letter."""
    end = _group_end(pattern, i)
    quant = pattern[end + 1:end + 2]
    step = end + 1 + (quant in ("?", "*", "+"))
    if quant == "{":
        step = pattern.find("}", end) + 1 or len(pattern)
    if pattern.startswith(_LOOKAROUND, i):
        return step, after_nonletter
    ends = _alternatives_end_nonletter(pattern[i + 1:end])
    optional = quant in ("?", "*") or pattern.startswith("{0", end + 1)
    return step, (after_nonletter and ends) if optional else ends


def _group_end(pattern: str, i: int) -> int:
    depth, j = 0, i
    while j < len(pattern):
        ch = pattern[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            j = pattern.find("]", j + 2) + 1 or len(pattern)
            continue
        depth += (ch == "(") - (ch == ")")
        if depth == 0:
            return j
        j += 1
    return len(pattern) - 1


def _alternatives_end_nonletter(body: str) -> bool:
    """Does every alternative of a group body end with a literal non-letter?"""
    body = body[2:] if body.startswith("?:") else body
    depth, alts, start = 0, [], 0
    for k, ch in enumerate(body):
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            alts.append(body[start:k])
            start = k + 1
    alts.append(body[start:])
    return all(a and a[-1] not in _META and not a[-1].isalpha() and a[-2:-1] != "\\" for a in alts)


def _leading_alternatives(pattern: str) -> frozenset[str] | None:
    """`(?:consumed|used up|burn(?:ed|t)?)…` requires one of its alternatives' literal
    starts ({"consumed", "used up", "burn"}): a gate that any of them passes."""
    if not pattern.startswith("(?:") or "\\" in pattern[:_group_end(pattern, 0)]:
        return None
    end = _group_end(pattern, 0)
    if pattern[end + 1:end + 2] in ("?", "*", "{"):
        return None  # the group is optional
    depth, alts, start = 0, [], 3
    for k in range(3, end):
        depth += (pattern[k] == "(") - (pattern[k] == ")")
        if pattern[k] == "|" and depth == 0:
            alts.append(pattern[start:k])
            start = k + 1
    alts.append(pattern[start:end])
    heads = [_HEAD.match(a).group(0) for a in alts]
    heads = [h[:-1] if h and alts[k][len(h):len(h) + 1] in ("?", "*", "{") else h for k, h in enumerate(heads)]
    return frozenset(heads) if heads and all(len(h) >= 3 for h in heads) else None


_HEAD = re.compile(r"[^\\.^$*+?{}\[\]|()]*")


def _token(pattern: str, i: int) -> tuple[str | None, int]:
    """(the literal character at `i` or None for a metacharacter/class, its length)."""
    ch, nxt = pattern[i], pattern[i + 1:i + 2]
    if ch == "\\":
        return (nxt if nxt and not nxt.isalnum() else None), 2  # `\.` is a dot; `\b`, `\d` are classes
    if ch in "[{":  # skip a class or a repeat count
        end = pattern.find("]" if ch == "[" else "}", i + 2)
        return None, (end - i + 1 if end != -1 else 1)
    return (None, 1) if ch in _META else (ch, 1)
