"""`python -m etl COMMAND`: the command-line surface of the ETL (see the README)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from etl import config, corrections, db, demo, fetch, github, graph, importer, load, pull, status, triage
from etl.issue_ref import parse_issue_ref


def cmd_demo(args) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out or tmp)
        paths = demo.write_files(out, args.issues, args.seed)
        # Two syncs, a week apart, so reaction growth ("trending") has something to show.
        _import([demo.write_week_earlier(out, paths[0])], None, args.db, is_demo=True, kind="demo",
                seen_at=load.now() - timedelta(days=7))
        return _import(paths, None, args.db, is_demo=True, kind="demo")


def cmd_import(args) -> int:
    return _import([Path(p) for p in args.files], args.repo, args.db, is_demo=False, kind="import")


def _import(paths, repo, db_path, is_demo: bool, kind: str, seen_at=None) -> int:
    batch = importer.read_batch(paths, repo)  # everything is checked before anything is written
    started = load.now()
    with db.writing(db_path) as con:
        counts = importer.save_batch(con, batch, is_demo=is_demo, seen_at=seen_at)
        for r in sorted(batch.repos):
            load.record_run(con, r, kind, started, "ok", issues_seen=counts["issues"],
                            issues_changed=counts["changed"], comments_seen=counts["comments"])
    print(f"{kind}: {counts['issues']} issues ({counts['changed']} new or changed), {counts['comments']} comments, "
          f"{counts['events']} events, {counts['reports']} reports derived → {db_path or db.default_db_path()}")
    return 0


def cmd_pull(args) -> int:
    repos = args.repo or [r.name for r in config.load_config()]
    if not repos:
        print(f"error: name a repository with --repo OWNER/NAME, or list some in {config.config_path()}", file=sys.stderr)
        return 2
    token = github.token_from_env(os.environ)
    if not token:
        print("note: no GITHUB_TOKEN or GH_TOKEN set; pulling unauthenticated (60 requests an hour)", file=sys.stderr)
    client = github.GitHubClient(args.api_url, token, max_wait=args.max_wait)
    try:
        return pull.pull(repos, client, args.db, pull.Options(since=args.since, full=args.full))
    finally:
        client.close()


def cmd_fetch(args) -> int:
    client = github.GitHubClient(args.api_url, github.token_from_env(os.environ), max_wait=args.max_wait)
    try:
        print(fetch.fetch_issue(client, *args.issue, db_path=args.db))
    finally:
        client.close()
    return 0


def _arg_type(check):
    """An argparse type from a checker raising ValueError, keeping the checker's message."""
    def convert(value):
        try:
            return check(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return convert


def cmd_status(args) -> int:
    print(status.describe(args.db))
    return 0


def cmd_parse(args) -> int:
    from etl.parse import run_parse
    # JSON Lines are UTF-8 whatever the locale: standard input is read like a file (a byte that is
    # not UTF-8 replaced), so both give the same output, and the output is always UTF-8.
    try:
        infile = (open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)
                  if args.file in (None, "-") else open(args.file, encoding="utf-8", errors="replace"))
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    with infile:
        errors = run_parse(infile, sys.stdout)
    return 1 if errors else 0


def cmd_reparse(args) -> int:
    with db.writing(args.db) as con:
        repos = [r for (r,) in con.execute("SELECT DISTINCT repo FROM issues ORDER BY repo").fetchall()]
        started = load.now()
        for repo in repos:
            numbers = [n for (n,) in con.execute("SELECT number FROM issues WHERE repo = ? ORDER BY number",
                                                 [repo]).fetchall()]
            n = 0
            for i in range(0, len(numbers), pull.REPORTS_BATCH):  # each batch whole; the app reads between
                with pull.transaction(con):
                    n += graph.rebuild_derived(con, repo, numbers[i:i + pull.REPORTS_BATCH])
                con.release()
            with pull.transaction(con):
                graph.rebuild_clusters(con, repo)
                load.record_run(con, repo, "reparse", started, "ok")
            print(f"reparse: {repo}: {n} reports")
    return 0


def cmd_correct(args) -> int:
    """add / undo one correction; export or import labelled lines."""
    path = Path(args.db or db.default_db_path())
    want = {"add": 3, "undo": 2, "export": (0, 1), "import": 1}[args.action]
    if len(args.target) not in (want if isinstance(want, tuple) else (want,)):
        print(f"error: corrections {args.action} takes {CORRECT_USAGE[args.action]}", file=sys.stderr)
        return 2
    try:
        if args.action == "export":
            return _export_corrections(path, args.target[0] if args.target else None)
        if args.action == "import":
            entries = _read_corrections(args.target[0], args.who)
        else:
            repo, number = parse_issue_ref(args.target[0])
            value = args.target[2] if args.action == "add" else None
            entries = [corrections.correction(repo, number, args.target[1], value, args.who, args.note,
                                              triage.categories_for(repo))]
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with db.reading(path) as con:
        missing = corrections.missing_issues(con, entries)
    if missing:
        print(f"error: not in the database (pull or fetch them first): {', '.join(missing[:20])}", file=sys.stderr)
        return 2
    fresh = {c.key() for c in corrections.in_force(path)}
    entries = [e for e in entries if e.key() not in fresh]  # importing the same file twice adds nothing
    if entries:
        corrections.add(path, entries)
        with db.writing(path, queue=60):
            pass  # the end of a writing run applies the corrections file (etl/triage.py)
    print(f"corrections: {len(entries)} saved and applied")
    return 0


CORRECT_USAGE = {"add": "ISSUE FIELD VALUE", "undo": "ISSUE FIELD", "export": "[FILE]", "import": "FILE"}


def _export_corrections(path: Path, name: str | None) -> int:
    with db.reading(path) as con:
        rows = corrections.export_rows(con, corrections.in_force(path))
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if name in (None, "-"):
        sys.stdout.write(text)
    else:
        try:
            Path(name).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot write {name}: {exc.strerror}", file=sys.stderr)
            return 2
    print(f"corrections: {len(rows)} corrected issues exported", file=sys.stderr)
    return 0


def _read_corrections(name: str, who: str) -> list[corrections.Correction]:
    """Every correction of a labelled JSON Lines file, all checked before anything is written."""
    entries, problems = [], []
    try:
        with open(name, encoding="utf-8", errors="replace") as fh:
            for i, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    entries += corrections.from_row(json.loads(line), who, triage.categories_for)
                except (ValueError, TypeError) as exc:
                    problems.append(f"line {i}: {exc}")
    except OSError as exc:
        raise ValueError(f"cannot read {name}: {exc.strerror}") from None
    if problems:
        raise ValueError(f"{name}: nothing imported; " + "; ".join(problems[:10]))
    return entries


def _api_arguments(sp) -> None:
    sp.add_argument("--api-url", default=os.environ.get("RADAR_API_URL") or github.DEFAULT_API_URL,
                    help="API root, for GitHub Enterprise or a local server (default %(default)s; $RADAR_API_URL)")
    sp.add_argument("--max-wait", type=float, default=300,
                    help="longest wait in seconds for a rate limit to reset before stopping (default %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m etl", description="Usage Radar ETL")
    sub = p.add_subparsers(dest="command", required=True)

    def command(name, func, help_):
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.set_defaults(func=func)
        if name != "parse":
            sp.add_argument("--db", type=Path, default=None, help="database file (default data/radar.duckdb or $RADAR_DB)")
        return sp

    sp = command("demo", cmd_demo, "build the synthetic demo database offline")
    sp.add_argument("--issues", type=int, default=3000, help="number of issues to generate (default 3000)")
    sp.add_argument("--seed", type=int, default=7)
    sp.add_argument("--out", help="also keep the generated API JSON files in this folder")

    sp = command("import", cmd_import, "load issues, comments and events from saved GitHub API JSON")
    sp.add_argument("files", nargs="+")
    sp.add_argument("--repo", help="OWNER/NAME, when the objects do not say")

    sp = command("pull", cmd_pull,
                 "sync issues, comments and events from the GitHub REST API (token from GITHUB_TOKEN or GH_TOKEN)")
    sp.add_argument("--repo", action="append", type=_arg_type(pull.check_repo_name),
                    help="OWNER/NAME; repeat for several repos (default: every repo in radar.toml)")
    _api_arguments(sp)
    sp.add_argument("--since", type=_arg_type(pull.parse_since),
                    help="fetch what was updated since this ISO 8601 date or time, instead of since the last sync")
    sp.add_argument("--full", action="store_true", help="ignore what earlier syncs stored and fetch everything again")

    sp = command("fetch", cmd_fetch, "fetch one issue with its comments and timeline (as the app's issue report does)")
    sp.add_argument("issue", type=_arg_type(parse_issue_ref), help="https://github.com/OWNER/NAME/issues/N or OWNER/NAME#N")
    _api_arguments(sp)

    command("status", cmd_status, "what is in the database, last sync per repo")
    command("reparse", cmd_reparse, "re-derive every report from stored raw data (after a parser change), offline")

    sp = command("corrections", cmd_correct, "triage corrections: add or undo one, export or import labelled lines")
    sp.add_argument("action", choices=("add", "undo", "export", "import"))
    sp.add_argument("target", nargs="*", help="add: ISSUE FIELD VALUE; undo: ISSUE FIELD; export: [FILE]; import: FILE "
                    f"(ISSUE: OWNER/NAME#N or its URL; FIELD: {', '.join(corrections.FIELDS)})")
    sp.add_argument("--who", default=os.environ.get("USER") or "cli", help="who corrects (default $USER)")
    sp.add_argument("--note", help="why (add)")

    sp = command("parse", cmd_parse, "parse JSON Lines of issue objects to JSON Lines of parsed fields, offline")
    sp.add_argument("file", nargs="?", help="input file, or - for standard input (default)")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (db.DatabaseError, importer.ImportFileError, github.GitHubError, config.ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: what was committed is kept; run the command again to continue", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
