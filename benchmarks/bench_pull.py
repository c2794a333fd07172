"""A full pull from a local fake GitHub API: requests against the ideal, issues/s, peak memory.

    python benchmarks/bench_pull.py [--issues 20000] [--seed 7] [--keep DB]

The fake API (tests/fake_github.py, fed by the demo generator) runs in a child process, so the
pull's process is measured alone (ru_maxrss) and the server gets the other core. Ideal requests
(DESIGN §10): ⌈issues/100⌉ + ⌈comments/100⌉ + one timeline call per usage-related issue.
"""
from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from etl import db, pull  # noqa: E402
from etl.github import GitHubClient  # noqa: E402


def serve(n_issues: int, seed: int, conn) -> None:
    from fake_github import FakeGitHub
    server = FakeGitHub(n_issues, seed, rate_limit=10**6).start()
    conn.send((server.url, len(server.issues), server.n_comments))
    conn.recv()  # until the parent is done
    server.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--issues", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", type=Path, help="keep the database here")
    args = ap.parse_args()

    parent, child = mp.Pipe()
    server = mp.get_context("fork").Process(target=serve, args=(args.issues, args.seed, child), daemon=True)
    server.start()
    url, n_issues, n_comments = parent.recv()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.duckdb"
        client = GitHubClient(url, None)
        started = time.perf_counter()
        pull.pull(["demo/ai-cli"], client, path, pull.Options(), out=sys.stderr)
        seconds = time.perf_counter() - started
        timelines = _timeline_calls(path)
    parent.send("done")
    server.join(5)

    ideal = math.ceil(n_issues / 100) + math.ceil(n_comments / 100) + timelines
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"issues {n_issues} (incl. PRs), comments {n_comments}, timeline calls {timelines}")
    print(f"requests {client.requests} vs ideal {ideal} ({(client.requests / ideal - 1) * 100:+.1f}%)")
    print(f"{n_issues / seconds:,.0f} issues/s ({seconds:.1f}s), peak RSS {rss_mib:,.0f} MiB")
    return 0


def _timeline_calls(path: Path) -> int:
    """Usage-related issues: the pull fetches one timeline for each on a first sync."""
    with db.reading(path) as con:
        return con.execute("SELECT count(*) FROM reports WHERE kind = 'issue' AND is_usage_related").fetchone()[0]


if __name__ == "__main__":
    sys.exit(main())
