"""Every DuckDB connection the ETL makes is opened here.

DuckDB allows one read-write process or many read-only ones, and an open reader blocks a writer.
So writers never touch the served file in place: they work on `<name>.next.duckdb` (a copy, or
the leftover of an interrupted run, which is resumed) and atomically `os.replace` it over the
served file when done. Readers (the app) open the served file read-only and never see a lock or
half-loaded data. A lock file keeps two writers apart.
"""
from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = REPO_ROOT / "data" / "radar.duckdb"
SCHEMA_SQL = (Path(__file__).with_name("schema.sql")).read_text()


class DatabaseError(Exception):
    """A database problem a user can act on; the message says what to do."""


def default_db_path() -> Path:
    return Path(os.environ.get("RADAR_DB") or DEFAULT_DB)


def next_path(path: Path) -> Path:
    return path.with_name(path.stem + ".next" + path.suffix)


def _open(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        text = str(exc).lower()
        if "lock" in text:
            raise DatabaseError(f"{path} is locked by another process; try again when it has finished") from None
        if "not a valid duckdb database" in text or not isinstance(exc, duckdb.IOException):
            raise DatabaseError(
                f"{path} is not a readable DuckDB database; move it aside and rebuild it "
                "(python -m etl demo, or pull again)") from None
        raise DatabaseError(f"{path} cannot be opened: {exc}") from None


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_SQL)


@contextmanager
def _writer_lock(path: Path):
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseError(f"{path} is being written by another run (lock {lock_path.name}); wait for it to finish") from None
        yield
    finally:
        os.close(fd)


def _prepare_next(path: Path) -> Path:
    """The working copy: an interrupted run's leftover if it opens, else a fresh copy."""
    work = next_path(path)
    if work.exists():
        try:
            duckdb.connect(str(work)).close()
            return work
        except duckdb.Error:
            _remove(work)
    if path.exists():
        _open(path, read_only=True).close()  # a corrupt served file fails here, with a clear message
        shutil.copyfile(path, work)
    return work


def _remove(p: Path) -> None:
    for f in (p, p.with_name(p.name + ".wal")):
        f.unlink(missing_ok=True)


@contextmanager
def writing(path: Path | str | None = None):
    """Yield a read-write connection whose committed work becomes the served database on exit.

    Work committed before an error is published too (every page is its own transaction, so the
    database is consistent, just incomplete); a killed process leaves the working copy, which the
    next run resumes.
    """
    path = Path(path or default_db_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(path):
        work = _prepare_next(path)
        con = _open(work)
        try:
            apply_schema(con)
            yield con
        finally:
            _publish(con, work, path)


def _publish(con: duckdb.DuckDBPyConnection, work: Path, path: Path) -> None:
    try:
        con.rollback()  # an error may have left a transaction open
    except duckdb.Error:
        pass
    try:
        con.execute("CHECKPOINT")  # folds the WAL into the file, so the file alone is complete
    finally:
        con.close()
    os.replace(work, path)
    Path(str(work) + ".wal").unlink(missing_ok=True)


def read_only(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    path = Path(path or default_db_path())
    if not path.exists():
        raise DatabaseError(f"no database at {path}; build the demo with `python -m etl demo` or load data with `python -m etl pull`")
    return _open(path, read_only=True)
