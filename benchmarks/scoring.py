"""Scoring the parser against labelled issues: shared by bench_parse.py and the accuracy tests.

Two kinds of labelled data, both outside the repository (`../shared/data`):
- the corpus (`*.jsonl` there): usage reports of many clients, each line with its `truth`;
- real streams (`real/NAME.jsonl`): a tracker's issues exactly as exported, every kind of issue;
  their labels live in this repository (`benchmarks/labels/NAME.jsonl`, `{number, truth}`), so
  the issue text stays where it is.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
LABELS = REPO / "benchmarks" / "labels"
SCORED = ("is_usage_related", "version", "os", "plan", "provider", "http_status", "error_type", "error_category")
FIELDS_OF_USAGE = SCORED[1:]  # scored on the usage-related issues of a real stream


def read_jsonl(path: Path) -> list[dict]:
    """The JSON objects of a file, one per line (lines that are no JSON object are skipped)."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict):
                rows.append(row)
    return rows


def corpus(data: Path = DATA) -> list[dict]:
    """The labelled corpus: every line of `data/*.jsonl` with a `truth`."""
    return [r for path in sorted(data.glob("*.jsonl")) for r in read_jsonl(path) if isinstance(r.get("truth"), dict)]


@dataclass
class Stream:
    name: str
    rows: list[dict]
    truth: dict[int, dict]  # number -> truth; every row has one


def real_streams(data: Path = DATA, labels: Path = LABELS) -> list[Stream]:
    """Each real stream under `data/real` that has labels here (issues without a label are skipped)."""
    out = []
    for path in sorted(labels.glob("*.jsonl")):
        source = data / "real" / path.name
        if source.is_file():
            truth = {r["number"]: r["truth"] for r in read_jsonl(path)}
            rows = [r for r in read_jsonl(source) if r.get("number") in truth]
            out.append(Stream(path.stem, rows, truth))
    return out


def same(field: str, got, want) -> bool:
    if field == "error_type" and isinstance(got, str) and isinstance(want, str):
        return got.lower() == want.lower()
    return got == want


def accuracy(pairs: list[tuple[dict, dict]], fields=SCORED) -> dict[str, tuple[int, int]]:
    """Per field: (right, of) over the (output, truth) pairs whose truth states the field."""
    out = {}
    for f in fields:
        stated = [(o[f], t[f]) for o, t in pairs if f in t]
        out[f] = (sum(same(f, g, w) for g, w in stated), len(stated))
    return out


@dataclass
class GateScore:
    total: int
    flagged: int
    true_pos: int
    false_pos: list[int]  # issue numbers
    false_neg: list[int]
    fields: dict[str, tuple[int, int]]  # accuracy on the truly usage-related issues

    @property
    def precision(self) -> float:
        return self.true_pos / self.flagged if self.flagged else 0.0

    @property
    def labelled(self) -> int:
        """How many issues the labels call usage-related."""
        return self.true_pos + len(self.false_neg)

    @property
    def recall(self) -> float:
        return self.true_pos / self.labelled if self.labelled else 0.0


def gate_score(stream: Stream, outputs: list[dict]) -> GateScore:
    """How well `is_usage_related` separates the stream, and the fields of its usage reports."""
    fp, fn, tp, usage = [], [], 0, []
    for row, out in zip(stream.rows, outputs):
        truth = stream.truth[row["number"]]
        want, got = bool(truth.get("is_usage_related")), bool(out["is_usage_related"])
        tp += want and got
        if got and not want:
            fp.append(row["number"])
        if want and not got:
            fn.append(row["number"])
        if want:
            usage.append((out, truth))
    return GateScore(len(outputs), sum(bool(o["is_usage_related"]) for o in outputs), tp, fp, fn,
                     accuracy(usage, FIELDS_OF_USAGE))
