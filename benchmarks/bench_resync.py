"""A cron pull on a big database: 10 changed issues, then an unchanged re-sync.

    python benchmarks/bench_resync.py [--reports 1000000] [--changed 10] [--runs 3]

The database is bench_app.py's (generated, loaded through our own importer, cached under
data/bench/), copied aside and marked as synced up to its newest update. A local fake API
(tests/fake_github.py, in a child process) then serves `--changed` issues updated since: the
pull fetches them, derives their reports, fetches their timelines and re-clusters them. Target:
the time does not grow with the database (compare --reports 50000).
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "benchmarks")]

import bench_app  # noqa: E402
from etl import db, demo, pull  # noqa: E402
from etl.github import GitHubClient  # noqa: E402


def serve(n_changed: int, conn) -> None:
    from fake_github import FakeGitHub
    server = FakeGitHub(n_changed, seed=11, rate_limit=10**6).start()
    for number in list(server.issues):
        server.touch_issue(number)  # updated now: after everything the database holds
    conn.send(server.url)
    conn.recv()
    server.stop()


def mark_synced(path: Path) -> None:
    """Cursors as a pull that had seen everything up to the newest stored update leaves them."""
    with db.writing(path) as con:
        newest, number = con.execute(
            "SELECT strftime(max(updated_at), '%Y-%m-%dT%H:%M:%SZ'), max(number) FROM issues").fetchone()
        top_event = con.execute("SELECT max(id) FROM timeline_events").fetchone()[0] or 0
        state = [(pull.ISSUES, newest), (pull.COMMENTS, newest), (pull.EVENTS, str(max(top_event, 10**12))),
                 (pull.REPORTS, f"{newest}|{number}"), (pull.TIMELINE, f"{newest}|{number}")]
        con.execute("DELETE FROM sync_state WHERE repo = ?", [demo.DEMO_REPO])
        con.executemany("INSERT INTO sync_state VALUES (?, ?, ?, NULL, now())",
                        [(demo.DEMO_REPO, endpoint, mark) for endpoint, mark in state])


def timed_pull(url: str, path: Path) -> tuple[float, GitHubClient, str]:
    client = GitHubClient(url, None)
    out = tempfile.SpooledTemporaryFile(mode="w+")
    started = time.perf_counter()
    pull.pull([demo.DEMO_REPO], client, path, pull.Options(), out=out, err=out)
    seconds = time.perf_counter() - started
    out.seek(0)
    return seconds, client, out.read().strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=1_000_000)
    ap.add_argument("--changed", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    source = bench_app.BENCH_DIR / f"bench-{args.reports}.duckdb"
    if bench_app.report_count(source) < args.reports * 0.95:
        bench_app.BENCH_DIR.mkdir(parents=True, exist_ok=True)
        print(f"building {source} ({args.reports:,} reports) …", flush=True)
        bench_app.build(source, args.reports)
    changed, unchanged = [], []
    with tempfile.TemporaryDirectory(dir=bench_app.BENCH_DIR) as tmp:
        for _ in range(args.runs):
            path = Path(tmp) / "resync.duckdb"
            shutil.copyfile(source, path)
            mark_synced(path)
            parent, child = mp.Pipe()
            server = mp.get_context("fork").Process(target=serve, args=(args.changed, child), daemon=True)
            server.start()
            url = parent.recv()
            seconds, client, summary = timed_pull(url, path)
            changed.append(seconds)
            before = db.version(path)
            again, client2, summary2 = timed_pull(url, path)
            unchanged.append(again)
            parent.send("done")
            server.join(5)
            untouched = db.version(path) == before
    size_mib = os.stat(source).st_size / 2**20
    print(f"database: {bench_app.report_count(source):,} reports, {size_mib:,.0f} MiB")
    print(f"  last changed pull: {summary}")
    print(f"  last unchanged pull: {summary2}")
    print(f"pull of {args.changed} changed issues: median {statistics.median(changed):.2f} s over {args.runs} runs "
          f"({', '.join(f'{s:.2f}' for s in changed)}); {client.requests} requests")
    print(f"unchanged re-sync: median {statistics.median(unchanged):.2f} s; {client2.requests} requests; "
          f"file untouched: {untouched}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
