"""Parser accuracy against labelled issues, and parsing speed.

    python benchmarks/bench_parse.py [--misses FIELD] [--real-misses] [--labels FILE] [--no-gates]

Prints, for each real stream (`../shared/data/real/NAME.jsonl`, labels in benchmarks/labels/):
the share flagged usage-related, precision and recall of `is_usage_related`, and per-field
accuracy on its usage-related issues; then per-field accuracy on the labelled corpus
(`../shared/data/*.jsonl`), a confusion table for `error_category`, and reports/s on one core.
With --labels, only the score on that file of labelled lines (the corpus format), such as the
triage corrections `python -m etl corrections export` writes. With --no-gates, every taxonomy rule
runs over the whole text instead of only where its required literal occurs: what the literal
gates (etl/parse/literals.py, regex_gates.py) are worth.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.scoring import DATA, SCORED, accuracy, corpus, gate_score, read_jsonl, real_streams, same  # noqa: E402
from etl.parse import parse_issue  # noqa: E402
from etl.parse.classify import TIERS  # noqa: E402
from etl.parse.cli import parse_line  # noqa: E402


def score(rows: list[dict]) -> tuple[dict, list]:
    """Per-field accuracy over the fields each truth states, and the outputs."""
    outputs = [parse_line(json.dumps(r)) for r in rows]
    return accuracy([(o, r["truth"]) for o, r in zip(outputs, rows)]), outputs


def print_accuracy(acc: dict, flat: dict) -> None:
    """Per field, and the same with every body's whitespace collapsed (as CSV exports do)."""
    print(f"{'field':<18}{'accuracy':>9}{'right':>8}{'of':>6}{'flattened':>11}")
    for f, (ok, n) in acc.items():
        print(f"{f:<18}{ok / n if n else 0:>9.3f}{ok:>8}{n:>6}{flat[f][0] / n if n else 0:>11.3f}")


def print_tiers(rows: list[dict], outputs: list[dict]) -> None:
    """error_category per evidence tier: where the weak evidence is, the misses are."""
    print("\nerror_category right per evidence tier: " + ", ".join(
        f"{t} {sum(same('error_category', o['error_category'], r['truth']['error_category']) for r, o in pairs)}"
        f"/{len(pairs)}" for t in TIERS
        if (pairs := [(r, o) for r, o in zip(rows, outputs) if o["tier"] == t])))


def flattened(rows: list[dict]) -> list[dict]:
    return [dict(r, body=" ".join(r["body"].split())) if isinstance(r.get("body"), str) else r for r in rows]


def print_split(rows: list[dict], outputs: list[dict], repo: str = "anthropics/claude-code") -> None:
    """Accuracy on one repository against all others: rules tuned to one client's
    phrasing show up as a gap between the two columns."""
    groups = {repo: [], "other repos": []}
    for r, o in zip(rows, outputs):
        groups[repo if r["repo"] == repo else "other repos"].append((r, o))
    print(f"\n{'field':<18}" + "".join(f"{k[:22]:>24}" for k in groups))
    for f in SCORED:
        cells = []
        for pairs in groups.values():
            ok = sum(same(f, o[f], r["truth"][f]) for r, o in pairs)
            cells.append(f"{ok / len(pairs) if pairs else 0:.3f} ({len(pairs)})")
        print(f"{f:<18}" + "".join(f"{c:>24}" for c in cells))


def print_confusion(rows: list[dict], outputs: list[dict]) -> None:
    pairs = Counter((r["truth"]["error_category"], o["error_category"]) for r, o in zip(rows, outputs))
    cats = sorted({c for p in pairs for c in p})
    short = {c: c[:6] for c in cats}
    print("\nerror_category confusion (rows: truth, columns: parsed)")
    print(" " * 24 + "".join(f"{short[c]:>7}" for c in cats))
    for t in cats:
        cells = "".join(f"{pairs.get((t, p), 0) or '.':>7}" for p in cats)
        print(f"{t:<24}{cells}")


def print_misses(field: str, rows: list[dict], outputs: list[dict]) -> None:
    for r, o in zip(rows, outputs):
        if not same(field, o[field], r["truth"].get(field)):
            print(f"{r['repo']}#{r['number']}: got {o[field]!r} want {r['truth'].get(field)!r} | {r['title'][:70]}")


def measure_speed(rows: list[dict], seconds: float = 2.0) -> tuple[float, float]:
    """Reports/s of `parse_issue` on one core (the rows, repeated), called as the
    pipeline calls it: with the client repository. Both per wall-clock second and per
    CPU second (the second is steady when other processes share the machine)."""
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for r in rows:
            parse_issue(r.get("title"), r.get("body"), r.get("labels"), repo=r.get("repo"))
        done += len(rows)
    return done / (time.perf_counter() - start), done / (time.process_time() - cpu)


def print_real(misses: bool) -> None:
    """The gate on each real stream: every kind of issue, most of them not about usage."""
    for stream in real_streams():
        outputs = [parse_line(json.dumps(r)) for r in stream.rows]
        g = gate_score(stream, outputs)
        print(f"real stream {stream.name}: {g.total} issues as exported (no comments, newlines collapsed)")
        print(f"  flagged usage-related  {g.flagged:>4} ({g.flagged / g.total:.1%}); labelled usage-related {g.labelled}")
        print(f"  precision {g.precision:.3f}   recall {g.recall:.3f}   "
              f"(false positives {len(g.false_pos)}, false negatives {len(g.false_neg)})")
        flagged = Counter(o["tier"] for o in outputs if o["is_usage_related"])
        wrong = Counter(o["tier"] for o in outputs if o["number"] in g.false_pos)
        print("  flagged per evidence tier (false positives): " + ", ".join(
            f"{t} {flagged[t]} ({wrong[t]})" for t in TIERS if flagged[t]))
        print(f"  fields on the {g.labelled} usage-related issues:")
        for f, (ok, n) in g.fields.items():
            print(f"    {f:<16}{ok / n if n else 0:>7.3f}{ok:>5} of {n}")
        if misses:
            by_number = {o["number"]: o for o in outputs}
            for n in g.false_pos + g.false_neg:
                print(f"  {'FP' if n in g.false_pos else 'FN'} #{n}: {by_number[n]['why']}")
            for n, truth in sorted(stream.truth.items()):
                o = by_number.get(n)
                if o and truth.get("is_usage_related"):
                    bad = {f: (o[f], truth[f]) for f in g.fields if f in truth and not same(f, o[f], truth[f])}
                    if bad:
                        print(f"  #{n} (got, want): {bad}")
        print()


def print_labels(path: Path) -> None:
    """The parser against a file of labelled lines: per field stated, right and wrong."""
    rows = [r for r in read_jsonl(path) if isinstance(r.get("truth"), dict)]
    acc, _ = score(rows)
    print(f"labels {path}: {len(rows)} labelled issues")
    print(f"{'field':<18}{'accuracy':>9}{'right':>8}{'wrong':>8}{'of':>6}")
    for f, (ok, n) in acc.items():
        if n:
            print(f"{f:<18}{ok / n:>9.3f}{ok:>8}{n - ok:>8}{n:>6}")


def disable_gates() -> None:
    """Every rule open and searched over the whole text (same results, no shortcut)."""
    from etl.parse import rules, taxonomy

    rules.Rule.is_open = lambda self, present: True
    rules.Rule.find = lambda self, low: self._search(low, 0, len(low))
    mask = taxonomy.Taxonomy._mask

    def every_rule(self, kind, present):
        mask(self, kind, present)  # builds the index
        return (1 << len(self._cache["index"][kind][2])) - 1

    taxonomy.Taxonomy._mask = every_rule


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", metavar="FIELD", help="list the corpus issues where FIELD is wrong")
    ap.add_argument("--real-misses", action="store_true", help="list the real-stream issues read wrong")
    ap.add_argument("--labels", type=Path, metavar="FILE", help="score only this file of labelled JSON lines")
    ap.add_argument("--no-gates", action="store_true", help="run every rule over the whole text (speed without gates)")
    args = ap.parse_args(argv)
    if args.no_gates:
        disable_gates()
    if args.labels:
        print_labels(args.labels)
        return 0
    rows = corpus()
    if not rows:
        print(f"no labelled corpus under {DATA} — skipping the accuracy benchmark")
        return 0
    acc, outputs = score(rows)
    if args.misses:
        print_misses(args.misses, rows, outputs)
        return 0
    print_real(args.real_misses)
    print(f"corpus: {len(rows)} labelled issues from {DATA}\n")
    print_accuracy(acc, score(flattened(rows))[0])
    print_split(rows, outputs)
    print_tiers(rows, outputs)
    print_confusion(rows, outputs)
    wall, cpu = measure_speed(rows)
    print(f"\nspeed: {wall:,.0f} reports/s (parse_issue, one core; {cpu:,.0f} per CPU-second)")
    for stream in real_streams():
        wall, cpu = measure_speed(stream.rows)
        print(f"speed on the real stream {stream.name}: {wall:,.0f} reports/s ({cpu:,.0f} per CPU-second)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
