"""Every DuckDB connection the ETL and the app make is opened here.

DuckDB lets one process write a file or several read it, never both at once. Lock files beside
the served file take turns between them, so our processes wait instead of meeting DuckDB's lock
error: `<name>.access` is held shared by readers and exclusively by a writer; a writer that wants
in holds `<name>.intent` (a reader that keeps its connection open, SharedReader, then closes it),
and a reader that waits holds `<name>.readers` (a pull then gives way before its next request).
`<name>.lock` keeps two writing runs apart for a whole run.

Writers work on the served file in place: a pull that changed nothing leaves it untouched, and one
that changed little costs little, whatever the file's size. Every committed transaction is durable
(DuckDB's write-ahead log), so a killed run loses only its open transaction and the next run
resumes from the stored cursors.
"""
from __future__ import annotations

import fcntl
import os
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = REPO_ROOT / "data" / "radar.duckdb"
SCHEMA_SQL = (Path(__file__).with_name("schema.sql")).read_text()
WRITER_WAIT = 120.0  # seconds a writer's window waits for readers to finish their queries
READER_WAIT = 60.0  # seconds a query waits for a writer's window (a reparse batch is the longest)
SIDE_WAIT = 10.0  # seconds to wait for another process's vote or correction to be written


class DatabaseError(Exception):
    """A database problem a user can act on; the message says what to do."""


def default_db_path() -> Path:
    return Path(os.environ.get("RADAR_DB") or DEFAULT_DB)


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


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
def file_lock(lock_path: Path, exclusive: bool, wait: float, busy: str):
    """Hold a lock file, shared or exclusive, waiting up to `wait` seconds, else DatabaseError(busy).
    (flock: the lock goes with the process, so a killed one leaves nothing held.)"""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise DatabaseError(busy) from None
                time.sleep(0.01)
        yield
    finally:
        os.close(fd)


def side_path(db_path: Path, kind: str) -> Path:
    """`radar.duckdb` → `radar.votes.duckdb`: the team's own data (votes, corrections) beside the
    served file, so rebuilding or replacing that file never takes it along."""
    return db_path.with_name(f"{db_path.stem}.{kind}{db_path.suffix}")


_side_lock = threading.Lock()  # DuckDB refuses a read-only and a read-write connection in one process


@contextmanager
def side_file(path: Path, exclusive: bool, schema: str, wait: float = SIDE_WAIT):
    """A connection to a side file, kept open only this long. Several processes share it and
    DuckDB lets one write or several read, never both: a write holds its lock file exclusively,
    a read shared."""
    with _side_lock, file_lock(path.with_name(path.name + ".lock"), exclusive, wait,
                               f"{path.name} stayed busy for {wait:.0f}s; try again"):
        try:
            con = duckdb.connect(str(path), read_only=not exclusive)
        except duckdb.Error as exc:
            raise DatabaseError(f"{path} cannot be opened ({exc}); it holds the team's own data: "
                                "move it aside to start a new one, do not delete it") from None
        try:
            if exclusive:
                con.execute(schema)
            yield con
        finally:
            con.close()


def _lock_path(path: Path, kind: str) -> Path:
    return path.with_name(f"{path.name}.{kind}")


def _busy(path: Path, wait: float) -> str:
    return f"{path} stayed busy for {wait:.0f}s (a long write such as a reparse or import); try again shortly"


def _held_by_others(lock_path: Path, exclusive: bool) -> bool:
    """Whether someone holds the lock so that we could not take it this way right now."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def _writer_waiting(path: Path) -> bool:
    return _held_by_others(_lock_path(path, "intent"), exclusive=False)


def _readers_waiting(path: Path) -> bool:
    return _held_by_others(_lock_path(path, "readers"), exclusive=True)


@contextmanager
def shared_access(path: Path, wait: float = READER_WAIT):
    """The readers' side of the access lock. A reader waits behind a writer that wants in, and
    says that it waits (the `readers` lock), so that a writer between two pages gives way."""
    with ExitStack() as held:
        with file_lock(_lock_path(path, "readers"), False, wait, _busy(path, wait)):
            with file_lock(_lock_path(path, "intent"), False, wait, _busy(path, wait)):
                pass  # only passed through: a writer that wants in goes first
            held.enter_context(file_lock(_lock_path(path, "access"), False, wait, _busy(path, wait)))
        yield


class Writer:
    """The served file, read-write, opened on first use.

    Using it like a DuckDB connection (execute, begin, commit, register, …) opens it under the
    exclusive access lock. `release()` closes it — which checkpoints — and lets readers in;
    `give_way()` does so only when a reader is waiting. A run gives way before every request and
    releases before every long wait, so a reader waits at most one request.
    """

    def __init__(self, path: Path, wait: float):
        self.path, self.wait = path, wait
        self._con: duckdb.DuckDBPyConnection | None = None
        self._held = ExitStack()
        self._schema_checked = False

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            with ExitStack() as opening:
                # The intent lock makes readers that keep a connection give it up.
                opening.enter_context(file_lock(_lock_path(self.path, "intent"), True, self.wait, _busy(self.path, self.wait)))
                opening.enter_context(file_lock(_lock_path(self.path, "access"), True, self.wait, _busy(self.path, self.wait)))
                con = _open(self.path)
                if not self._schema_checked:  # on a current file this writes nothing
                    apply_schema(con)
                    self._schema_checked = True
                self._con, self._held = con, opening.pop_all()
        return self._con

    def __getattr__(self, name: str):
        return getattr(self._connection(), name)

    def give_way(self) -> None:
        if self._con is not None and _readers_waiting(self.path):
            self.release()

    def release(self) -> None:
        if self._con is None:
            return
        try:
            try:
                self._con.rollback()  # an error may have left a transaction open
            except duckdb.Error:
                pass
            self._con.close()
        finally:
            self._con = None
            self._held.close()


@contextmanager
def writing(path: Path | str | None = None, wait: float = WRITER_WAIT, queue: float = 0):
    """Yield a Writer on the served database, this run being its only writer (waiting `queue`
    seconds for another run to finish). At the end the corrections file is applied (etl/triage.py)."""
    path = Path(path or default_db_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with file_lock(lock_path, True, queue, f"{path} is being written by another run (lock {lock_path.name}); wait for it to finish"):
        writer = Writer(path, wait)
        try:
            _adopt_working_copy(path, wait)
            yield writer
            from etl import triage  # (late: triage builds on the loaders, which build on this module)
            triage.sync(writer, path)  # every run ends with the team's corrections applied
        finally:
            writer.release()


def _adopt_working_copy(path: Path, wait: float) -> None:
    """Earlier versions wrote to `<name>.next.duckdb` and swapped it in at the end; an interrupted
    run's copy holds everything the served file has plus what that run committed, so it is kept."""
    work = path.with_name(path.stem + ".next" + path.suffix)
    if not work.exists():
        return
    try:
        duckdb.connect(str(work)).close()  # replays (and folds in) its write-ahead log
    except duckdb.Error:
        work.unlink()
        wal_path(work).unlink(missing_ok=True)
        return
    with file_lock(_lock_path(path, "access"), True, wait, _busy(path, wait)):
        os.replace(work, path)


@contextmanager
def reading(path: Path | str | None = None, wait: float = READER_WAIT):
    """A read-only connection for one query or a few, under the shared access lock."""
    path = Path(path or default_db_path())
    with shared_access(_existing(path), wait):
        con = _open(path, read_only=True)
        try:
            yield con
        finally:
            con.close()


class SharedReader:
    """One read-only connection for all of a process's threads, kept open across queries —
    DuckDB keeps decompressed data in it, which makes a warm query about twice as fast as one on
    a new connection — and given up whenever a writer wants the file: before the next query, or
    by a watcher thread while no query runs."""

    POLL = 0.1  # seconds between the watcher's looks at the writers' intent lock

    def __init__(self, path: Path, wait: float = READER_WAIT):
        self.path, self.wait = path, wait
        self._cond = threading.Condition()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._held = ExitStack()
        self._busy = 0

    @contextmanager
    def cursor(self):
        with self._cond:
            if self._con is not None and _writer_waiting(self.path):
                self._close_when_idle()
            if self._con is None:
                self._open()
            self._busy += 1
            cur = self._con.cursor()  # DuckDB: one cursor per thread
        try:
            yield cur
        finally:
            cur.close()
            with self._cond:
                self._busy -= 1
                self._cond.notify_all()

    def _open(self) -> None:
        with ExitStack() as opening:
            opening.enter_context(shared_access(_existing(self.path), self.wait))
            self._con = _open(self.path, read_only=True)
            opening.callback(self._con.close)  # closed before the lock is released
            self._held = opening.pop_all()
        threading.Thread(target=self._watch, args=(self._con,), daemon=True, name="radar-reader-watch").start()

    def _watch(self, con) -> None:
        while True:
            time.sleep(self.POLL)
            with self._cond:
                if self._con is not con:
                    return
                if self._busy == 0 and _writer_waiting(self.path):
                    self._close_when_idle()
                    return

    def _close_when_idle(self) -> None:
        while self._busy:
            self._cond.wait()
        if self._con is not None:
            self._con = None
            self._held.close()

    def close(self) -> None:
        with self._cond:
            self._close_when_idle()


def _existing(path: Path) -> Path:
    if not path.exists():
        raise DatabaseError(f"no database at {path}; build the demo with `python -m etl demo` or load data with `python -m etl pull`")
    return path


def version(path: Path) -> tuple | None:
    """The data's identity: it changes with every committed write (the file, or its log when a
    killed writer left one)."""
    try:
        s = os.stat(path)
    except FileNotFoundError:
        return None
    try:
        w = os.stat(wal_path(path))
        wal = (w.st_mtime_ns, w.st_size)
    except FileNotFoundError:
        wal = None
    return (str(path), s.st_ino, s.st_mtime_ns, s.st_size, wal)
