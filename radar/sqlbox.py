"""The SQL page's engine: one read-only SELECT over the database, bounded in rows and time.

Defence in depth: the statement is checked (a single SELECT/WITH, no file-reading table
functions or configuration keywords), then run on a separate in-memory connection that attaches
the database READ_ONLY, with external access (files, network, extensions) switched off and the
configuration locked, and a timer that interrupts it.

The bounds are settings: $RADAR_SQL_MAX_ROWS (default 10,000 rows) and $RADAR_SQL_TIMEOUT
(default 10 seconds), read on every run so a changed value needs no restart.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

MAX_ROWS = 10_000    # default of $RADAR_SQL_MAX_ROWS
TIMEOUT_S = 10.0     # default of $RADAR_SQL_TIMEOUT (seconds)
MEMORY_LIMIT = "1GB"

_FORBIDDEN_WORDS = ("attach", "detach", "copy", "install", "load", "pragma", "set", "reset", "export",
                    "import", "create", "drop", "alter", "insert", "update", "delete", "truncate", "call",
                    "checkpoint", "vacuum", "use", "begin", "commit", "rollback", "grant", "merge")
# Table and scalar functions that read files, the network or the environment.
_FORBIDDEN_FUNCTIONS = ("read_", "parquet_", "sniff_csv", "glob", "getenv", "delta_scan", "iceberg_",
                        "sqlite_", "postgres_", "mysql_", "query_table", "query(", "duckdb_secrets",
                        "load_", "write_")
_WORD = re.compile(r"[a-z_][a-z0-9_]*\(?")
_FILE_SCAN = re.compile(r"\b(from|join)\s*\(?\s*'", re.I)  # FROM 'file.csv' reads a file by name


class Refused(ValueError):
    """A statement the SQL page will not run; the message says why."""


class TimedOut(RuntimeError):
    """The statement ran longer than the time limit and was interrupted."""


@dataclass(frozen=True)
class Limits:
    max_rows: int
    timeout_s: float


def limits() -> Limits:
    """The configured bounds; a value that is not a positive number is an error that names it."""
    def setting(name, cast, default):
        raw = os.environ.get(name, "").strip()
        if not raw:
            return default
        try:
            value = cast(raw)
        except ValueError:
            value = 0
        if not value > 0:
            raise ValueError(f"${name} must be a positive number, not {raw!r}")
        return value
    return Limits(setting("RADAR_SQL_MAX_ROWS", int, MAX_ROWS), setting("RADAR_SQL_TIMEOUT", float, TIMEOUT_S))


@dataclass
class Result:
    frame: pd.DataFrame
    truncated: bool
    max_rows: int  # the limit it was cut at, for the page to say


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*|/\*.*?\*/", " ", sql, flags=re.S)


def _strip_literals(sql: str) -> str:
    """String literals emptied, so a word inside 'quotes' is not taken for a keyword."""
    return re.sub(r"'(?:[^']|'')*'", "''", sql)


def check(sql: str) -> str:
    """The statement if it may run; raises Refused otherwise."""
    try:
        statements = duckdb.connect(":memory:").extract_statements(sql)
    except duckdb.Error as exc:
        raise Refused(f"the statement does not parse: {exc}") from None
    if len(statements) != 1:
        raise Refused("run exactly one statement")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise Refused(f"only SELECT (or WITH … SELECT) runs here, not {statements[0].type.name}")
    no_comments = _strip_comments(sql)
    if _FILE_SCAN.search(no_comments):
        raise Refused("reading a file by name (FROM '…') is not allowed: query the loaded tables")
    for token in _WORD.findall(_strip_literals(no_comments).lower()):
        word = token.rstrip("(")
        if word in _FORBIDDEN_WORDS or (token.endswith("(") and token.startswith(_FORBIDDEN_FUNCTIONS)):
            raise Refused(f"`{word}` is not allowed: this page only reads the loaded tables")
    return sql


def _connect(db_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config={"memory_limit": MEMORY_LIMIT, "threads": 2})
    con.execute("ATTACH ? AS radar (READ_ONLY)", [str(db_path)])
    con.execute("USE radar")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def run(db_path: Path, sql: str, max_rows: int | None = None, timeout_s: float | None = None) -> Result:
    """Check and run one statement; at most max_rows rows, interrupted after timeout_s
    (each defaults to its setting)."""
    check(sql)
    configured = limits()
    max_rows, timeout_s = max_rows or configured.max_rows, timeout_s or configured.timeout_s
    con = _connect(db_path)
    timer = threading.Timer(timeout_s, con.interrupt)
    timer.start()
    try:
        frame = con.sql(sql).limit(max_rows + 1).df()
    except duckdb.InterruptException:
        raise TimedOut(f"the query ran longer than {timeout_s:g} s (RADAR_SQL_TIMEOUT) and was stopped") from None
    finally:
        timer.cancel()
        con.close()
    return Result(frame.head(max_rows), len(frame) > max_rows, max_rows)
