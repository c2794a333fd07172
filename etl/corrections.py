"""Triage corrections: a person's judgement of an issue, kept beside the served database.

A correction says that one field of an issue's reading is wrong and what it is instead ("not
usage-related", another error category, version, OS, plan or provider), that the issue is a
duplicate of another, or that it is the canonical issue of its cluster. Corrections are the
team's own data: they live in `<name>.corrections.duckdb` (db.side_file), an append-only log in
which a later entry for the same issue and field supersedes an earlier one and an entry without a
value is an undo. Nothing GitHub sends and no reparse touches that file.

The served database holds a mirror of the corrections in force (table `corrections`, brought in
line by etl/triage.py after every write). `overlay` puts them over the parser's reading whenever
an issue's reports are written, and keeps the parser's value beside each, so every count, chart,
CSV and SQL query sees the corrected value and the issue report can show both.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from etl import db
from etl.versions import sort_key

# Fields a correction can set, and the report rows of the issue it applies to. Whether a thread is
# about usage holds for all of it; the environment and the error are the reporter's, which their
# me-too rows inherit at load (a commenter's own report keeps its own reading).
REPORT_FIELDS = {"is_usage_related": ("issue", "comment", "me_too"), "error_category": ("issue", "me_too"),
                 "version": ("issue", "me_too"), "os": ("issue", "me_too"), "plan": ("issue", "me_too"),
                 "provider": ("issue", "me_too")}
CLUSTER_FIELDS = ("duplicate_of", "canonical")
FIELDS = (*REPORT_FIELDS, *CLUSTER_FIELDS)
# The parser's vocabularies (../shared/data/README.md is their specification).
VALUES = {
    "os": ("macos", "windows", "linux", "wsl", "other"),
    "plan": ("free", "pro", "plus", "max_5x", "max_20x", "max", "team", "enterprise", "api", "bedrock", "vertex"),
    "provider": ("anthropic_api", "claude_ai_subscription", "bedrock", "vertex", "openai_api", "chatgpt_subscription",
                 "gemini_api", "google_login", "github_copilot", "openrouter", "other"),
}
UNKNOWN = "unknown"  # "the report does not say": the field becomes empty
MAX_NOTE = 500

_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS correction_ids;
CREATE TABLE IF NOT EXISTS corrections (
    id      BIGINT    PRIMARY KEY DEFAULT nextval('correction_ids'),
    repo    VARCHAR   NOT NULL,
    number  INTEGER   NOT NULL,
    field   VARCHAR   NOT NULL,
    value   VARCHAR,             -- NULL: undone, back to the parser's reading
    who     VARCHAR   NOT NULL,
    cast_at TIMESTAMP NOT NULL,
    note    VARCHAR
)"""


@dataclass(frozen=True)
class Correction:
    repo: str
    number: int
    field: str
    value: str | None  # as stored: text ("false", "2.1.4", "123"); None for an undo
    who: str
    at: datetime
    note: str | None = None

    def key(self) -> tuple:
        return (self.repo, self.number, self.field, self.value, self.who, self.at, self.note)


def corrections_path(db_path: Path) -> Path:
    return db.side_path(Path(db_path), "corrections")


def checked_value(field: str, value, categories=()) -> str:
    """The stored text of a correction's value, or ValueError saying what is accepted.
    `categories`: the error categories of the issue's taxonomy (fallback included)."""
    if field not in FIELDS:
        raise ValueError(f"unknown field {field!r}; one of {', '.join(FIELDS)}")
    text = str(value).strip() if value is not None else ""
    if field in ("is_usage_related", "canonical"):
        truth = {"true": "true", "yes": "true", "1": "true", "false": "false", "no": "false", "0": "false"}
        got = truth.get(text.lower()) if not isinstance(value, bool) else str(value).lower()
        if got is None or (field == "canonical" and got != "true"):
            allowed = "true" if field == "canonical" else "true or false"
            raise ValueError(f"{field} must be {allowed}, not {text!r}")
        return got
    if field == "duplicate_of":
        digits = text.lstrip("#")
        if not digits.isdigit() or int(digits) <= 0:
            raise ValueError(f"duplicate_of must be an issue number such as 123, not {text!r}")
        return str(int(digits))
    if text.lower() == UNKNOWN:
        return UNKNOWN
    if field == "version":
        version = text.lower().removeprefix("v")
        if sort_key(version) is None:
            raise ValueError(f"version {text!r} is not a release number such as 2.1.4")
        return version
    allowed = VALUES.get(field) or tuple(categories)
    if text not in allowed:
        raise ValueError(f"{field} {text!r} is not one of {', '.join((*allowed, UNKNOWN))}")
    return text


def correction(repo: str, number: int, field: str, value, who: str, note: str | None = None,
               categories=(), at: datetime | None = None) -> Correction:
    """A checked correction (ValueError with the reason when it is not one); value None: an undo."""
    if not who or not who.strip():
        raise ValueError("a correction needs who made it")
    if note is not None and len(note) > MAX_NOTE:
        raise ValueError(f"the note is longer than {MAX_NOTE} characters")
    if value is not None:
        value = checked_value(field, value, categories)
        if field == "duplicate_of" and int(value) == number:
            raise ValueError(f"#{number} cannot be a duplicate of itself")
    elif field not in FIELDS:
        raise ValueError(f"unknown field {field!r}; one of {', '.join(FIELDS)}")
    return Correction(repo, int(number), field, value, who.strip()[:80], at or now(), (note or "").strip() or None)


def stored(field: str, value: str):
    """A correction's value as its report column holds it."""
    if value == UNKNOWN:
        return None
    return value == "true" if field == "is_usage_related" else value


# ---------------------------------------------------------------- the side file

def add(db_path: Path, entries: list[Correction]) -> None:
    """Append corrections (and undos) in one transaction: all of them or none."""
    with db.side_file(corrections_path(db_path), True, _SCHEMA) as con:
        con.executemany("INSERT INTO corrections (repo, number, field, value, who, cast_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [[e.repo, e.number, e.field, e.value, e.who, e.at, e.note] for e in entries])


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def in_force(db_path: Path) -> list[Correction]:
    """The corrections in force: the newest entry per issue and field, unless it is an undo."""
    path = corrections_path(db_path)
    if not path.exists():
        return []
    with db.side_file(path, False, _SCHEMA) as con:
        if not con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'corrections'").fetchone():
            return []  # created, nothing written yet
        rows = con.execute("""
            SELECT repo, number, field, value, who, cast_at, note FROM corrections
            QUALIFY row_number() OVER (PARTITION BY repo, number, field ORDER BY id DESC) = 1
            ORDER BY repo, number, field""").fetchall()
    return [Correction(*r) for r in rows if r[3] is not None]


# ---------------------------------------------------------------- the served database

def overlay(con, repo: str, numbers) -> None:
    """Over freshly derived reports of these issues: note the parser's value of each corrected
    field in the mirror, then put the correction in its place."""
    rows = con.execute("""SELECT number, field, value FROM corrections
                          WHERE repo = ? AND number IN (SELECT unnest(?)) AND field IN (SELECT unnest(?))""",
                       [repo, sorted(set(numbers)), list(REPORT_FIELDS)]).fetchall()
    for number, field, value in rows:
        con.execute(f"""UPDATE corrections SET parsed = (SELECT {field}::VARCHAR FROM reports
                                                         WHERE repo = $repo AND number = $n AND kind = 'issue')
                        WHERE repo = $repo AND number = $n AND field = $field""",
                    {"repo": repo, "n": number, "field": field})
        extra, params = "", {"repo": repo, "n": number, "kinds": list(REPORT_FIELDS[field]), "v": stored(field, value)}
        if field == "version":
            extra, params["key"] = ", version_key = $key", sort_key(stored(field, value))
        con.execute(f"""UPDATE reports SET {field} = $v{extra}
                        WHERE repo = $repo AND number = $n AND kind IN (SELECT unnest($kinds))""", params)


def missing_issues(con, entries) -> list[str]:
    """The issues these corrections name — each one's own, and a duplicate's target — that the
    database does not hold (as OWNER/NAME#N, sorted)."""
    named = {(e.repo, e.number) for e in entries}
    named |= {(e.repo, int(e.value)) for e in entries if e.field == "duplicate_of" and e.value is not None}
    held = set()
    for repo in {r for r, _ in named}:
        held |= {(repo, n) for (n,) in con.execute(
            "SELECT number FROM issues WHERE repo = ? AND number IN (SELECT unnest(?)) AND NOT is_pull_request",
            [repo, sorted(n for r, n in named if r == repo)]).fetchall()}
    return sorted(f"{r}#{n}" for r, n in named - held)


# ---------------------------------------------------------------- labelled lines (corpus format)

def truth_value(field: str, value: str):
    """A correction's value as the corpus's `truth` states it."""
    if field == "duplicate_of":
        return int(value)
    if field == "canonical":
        return True
    return stored(field, value)


def export_rows(con, entries: list[Correction]) -> list[dict]:
    """One labelled line per corrected issue, in the corpus format (../shared/data/README.md):
    the issue with its comments and a `truth` of the corrected fields, plus who said so and what
    the parser read (`corrections`). Issues not in the database are left out."""
    by_issue: dict[tuple, list[Correction]] = {}
    for e in entries:
        by_issue.setdefault((e.repo, e.number), []).append(e)
    parsed = {(r, n, f): p for r, n, f, p in con.execute("SELECT repo, number, field, parsed FROM corrections").fetchall()}
    out = []
    for (repo, number), mine in sorted(by_issue.items()):
        issue = con.execute("""SELECT title, body, labels, state, created_at FROM issues WHERE repo = ? AND number = ?""",
                            [repo, number]).fetchone()
        if issue is None:
            continue
        comments = con.execute("""SELECT body, created_at FROM comments WHERE repo = ? AND issue_number = ?
                                  ORDER BY created_at, id""", [repo, number]).fetchall()
        title, body, labels, state, created = issue
        out.append({"repo": repo, "number": number, "title": title, "body": body, "labels": list(labels or []),
                    "state": state, "created_at": _iso(created),
                    "comments": [{"body": b, "created_at": _iso(c)} for b, c in comments],
                    "truth": {e.field: truth_value(e.field, e.value) for e in mine},
                    "corrections": {e.field: {"by": e.who, "at": _iso(e.at), "note": e.note,
                                              "parsed": parsed.get((repo, number, e.field))} for e in mine}})
    return out


def _iso(ts) -> str | None:
    return ts.isoformat() + "Z" if ts is not None else None


def from_row(row: dict, who: str, categories_of) -> list[Correction]:
    """The corrections a labelled line states (its `truth`), or ValueError naming the problem.
    Who and when come from the line's `corrections` when it has them (an export), else `who`, now."""
    if not isinstance(row, dict) or not isinstance(row.get("repo"), str) or not isinstance(row.get("number"), int):
        raise ValueError("each line needs a repo (OWNER/NAME) and an issue number")
    truth, meta = row.get("truth"), row.get("corrections") or {}
    if not isinstance(truth, dict) or not truth:
        raise ValueError("no truth to import")
    out = []
    for field, value in truth.items():
        if field not in FIELDS:
            continue  # corpus fields no triager sets (http_status, error_type)
        m = meta.get(field) if isinstance(meta.get(field), dict) else {}
        at = _parse_time(m.get("at"))
        out.append(correction(row["repo"], row["number"], field, UNKNOWN if value is None else value,
                              m.get("by") or who, m.get("note"), categories_of(row["repo"]), at))
    return out


def _parse_time(text) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.astimezone(timezone.utc).replace(tzinfo=None) if t.tzinfo else t
