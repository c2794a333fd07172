"""A fake GitHub REST API on 127.0.0.1, fed by `etl.demo.generate`, for tests and benchmarks.

Serves the endpoints a pull uses — issues (with PRs), repo-wide comments and events, per-issue
timelines, and one issue with its comments (the on-demand fetch) — with `since`, `sort=updated`,
`per_page`, `page`, `Link` headers, ETags and 304s,
rate-limit headers and a bearer token check. Faults are switchable and seeded (5xx, connection
resets, truncated bodies, 429/403 with or without Retry-After, the primary limit spent, an answer
that never comes), redirects are scripted per path prefix (a renamed repo), and every request is
logged for assertions. Mutators (`touch_issue`, `add_comment`, `add_reaction`, …) change the data
the way GitHub would, bumping `updated_at` where GitHub does. At the end: helpers that run a pull
against it and compare databases.
"""
from __future__ import annotations

import bisect
import hashlib
import io
import json
import os
import random
import re
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import duckdb

from etl import pull
from etl.demo import DEMO_REPO, generate
from etl.github import GitHubClient, RetryPolicy



@dataclass
class Hit:
    """One logged request."""
    path: str
    query: dict
    status: int
    if_none_match: str | None
    authorized: bool
    fault: str | None = None
    items: int = 0


@dataclass
class Faults:
    """Which faults to inject: a seeded random share of requests, and/or a scripted queue.

    Kinds: "500" (a 502), "reset" (TCP reset, no answer), "truncate" (half a JSON body), "short"
    (fewer bytes than Content-Length), "429" and "secondary" (with Retry-After: `retry_after`, an
    int or an HTTP date string; None sends no Retry-After), "exhausted" (the primary limit spent
    until `reset_in` seconds from now), "hang" (the connection is accepted and the request read,
    but nothing is answered for `hang` seconds, then it is closed). None in `scripted` means no fault."""
    rate: float = 0.0
    kinds: tuple = ("500", "reset", "truncate")
    seed: int = 0
    retry_after: int | str | None = 1
    hang: float = 30.0
    reset_in: float = 1.0  # seconds until an exhausted primary limit resets
    scripted: list = field(default_factory=list)

    def __post_init__(self):
        self._rng = random.Random(self.seed)

    def pick(self) -> str | None:
        if self.scripted:
            return self.scripted.pop(0)
        if self.rate and self._rng.random() < self.rate:
            return self._rng.choice(self.kinds)
        return None


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeGitHub:
    def __init__(self, n_issues: int = 300, seed: int = 7, repo: str = DEMO_REPO, token: str | None = None,
                 rate_limit: int = 5000):
        self.repo, self.token = repo, token
        self.api = f"https://api.github.com/repos/{repo}"
        self.issues, self.comments, self.events = {}, {}, {}
        self.cross_references: dict[int, list[dict]] = {}  # timeline-only items, by the issue they are on
        for b in generate(n_issues, seed, repo):
            self.issues[b.issue["number"]] = b.issue
            self.comments.update((c["id"], c) for c in b.comments)
            for e in b.events:
                if "id" in e:
                    self.events[e["id"]] = e
                else:
                    self.cross_references.setdefault(e["issue"]["number"], []).append(e)
        self.faults = Faults()
        self.delay = 0.0  # seconds before each answer: makes a pull slow enough to interrupt
        # Path prefix → (status, new prefix): a request under the prefix is answered with that status
        # and a Location with the new prefix (and the same query). A new prefix may be a full URL.
        self.redirects: dict[str, tuple[int, str]] = {}
        self._stopping = threading.Event()  # ends "hang" faults when the server stops
        self.log: list[Hit] = []
        self.rate_limit, self.remaining, self.reset_at = rate_limit, rate_limit, time.time() + 3600
        self._lock = threading.RLock()
        self._encoded: dict = {}
        self._clock = max(datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0),
                          max(datetime.fromisoformat(i["updated_at"][:-1]) for i in self.issues.values()))
        self._reindex()
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> "FakeGitHub":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- what the log says -----------------------------------------------------------------------

    def hits(self, path_suffix: str = "") -> list[Hit]:
        with self._lock:
            return [h for h in self.log if h.path.endswith(path_suffix)]

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    @property
    def n_comments(self) -> int:
        return len(self.comments)

    # --- mutators, as GitHub would change things -----------------------------------------------

    def tick(self) -> str:
        self._clock += timedelta(seconds=1)
        return _iso(self._clock)

    def touch_issue(self, number: int, **fields) -> None:
        with self._lock:
            self.issues[number].update(fields, updated_at=self.tick())
            self._changed(self.issues[number])

    def add_reaction(self, number: int, kind: str = "+1") -> None:
        """A reaction does not bump `updated_at` (which is why a pull re-sweeps)."""
        with self._lock:
            r = self.issues[number]["reactions"]
            r[kind] = r.get(kind, 0) + 1
            r["total_count"] = r.get("total_count", 0) + 1
            self._changed(self.issues[number])

    def add_comment(self, number: int, body: str, login: str = "someone") -> dict:
        with self._lock:
            cid = max(self.comments, default=500_000_000) + 1
            when = self.tick()
            self.comments[cid] = {
                "url": f"{self.api}/issues/comments/{cid}", "id": cid, "issue_url": f"{self.api}/issues/{number}",
                "html_url": f"https://github.com/{self.repo}/issues/{number}#issuecomment-{cid}",
                "user": {"login": login}, "created_at": when, "updated_at": when, "author_association": "NONE",
                "body": body, "reactions": {"total_count": 0}}
            issue = self.issues[number]
            issue.update(comments=issue["comments"] + 1, updated_at=when)
            self._changed(self.issues[number])
            return self.comments[cid]

    def add_event(self, number: int, event: str = "labeled", label: str | None = "triaged") -> None:
        with self._lock:
            eid = max(self.events, default=900_000_000) + 1
            when = self.tick()
            self.events[eid] = {"id": eid, "event": event, "actor": {"login": "demo-maintainer"}, "created_at": when,
                                "issue": {"number": number, "repository_url": self.api},
                                **({"label": {"name": label}} if label else {})}
            self.issues[number]["updated_at"] = when
            self._changed(self.issues[number])

    def add_issue(self, like: int = 1, title: str | None = None) -> int:
        """A new issue shaped like an existing one."""
        with self._lock:
            number = max(self.issues) + 1
            when = self.tick()
            obj = json.loads(json.dumps(self.issues[like]))
            obj.update(number=number, id=3_000_000_000 + number, title=title or obj["title"], created_at=when,
                       updated_at=when, url=f"{self.api}/issues/{number}", comments=0,
                       html_url=f"https://github.com/{self.repo}/issues/{number}")
            self.issues[number] = obj
            self._changed(obj)
            return number

    def _changed(self, obj: dict) -> None:
        self._encoded.pop(id(obj), None)
        self._reindex()

    def _reindex(self) -> None:
        self._issue_order = sorted(self.issues.values(), key=lambda o: (o["updated_at"], o["number"]))
        self._issue_keys = [o["updated_at"] for o in self._issue_order]
        self._comment_order = sorted(self.comments.values(), key=lambda o: (o["updated_at"], o["id"]))
        self._comment_keys = [o["updated_at"] for o in self._comment_order]
        self._event_order = sorted(self.events.values(), key=lambda o: -o["id"])
        self._events_by_issue: dict[int, list[dict]] = {}
        for e in self._event_order:
            self._events_by_issue.setdefault(e["issue"]["number"], []).append(e)

    # --- serving -------------------------------------------------------------------------------

    def answer(self, path: str, query: dict) -> tuple[int, list | dict]:
        """Status and JSON value for a GET; lists are paginated by the handler."""
        prefix = f"/repos/{self.repo}/issues"
        if path == prefix:
            return 200, self._issues(query)
        if path == prefix + "/comments":
            return 200, self._since(self._comment_order, self._comment_keys, query)
        if path == prefix + "/events":
            return 200, self._event_order
        m = re.fullmatch(re.escape(prefix) + r"/(\d+)(/timeline|/comments)?", path)
        if m and int(m.group(1)) in self.issues:
            number = int(m.group(1))
            if m.group(2) == "/timeline":
                return 200, self._events_by_issue.get(number, []) + self.cross_references.get(number, [])
            if m.group(2) == "/comments":
                return 200, [c for c in self._comment_order if c["issue_url"].endswith(f"/issues/{number}")]
            return 200, self.issues[number]  # one issue (the app's fetch on demand)
        return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}

    def _issues(self, query: dict) -> list:
        items = self._since(self._issue_order, self._issue_keys, query)
        state = query.get("state", "open")
        return items if state == "all" else [o for o in items if o["state"] == state]

    @staticmethod
    def _since(ordered: list, keys: list, query: dict) -> list:
        since = query.get("since")
        return ordered[bisect.bisect_left(keys, since):] if since else ordered

    def encoded(self, obj: dict) -> bytes:
        """JSON of an object, cached until a mutator changes it (keeps the server fast)."""
        key = id(obj)
        if key not in self._encoded:
            self._encoded[key] = json.dumps(obj).encode()
        return self._encoded[key]


def _handler_for(fake: FakeGitHub):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as GitHub
        disable_nagle_algorithm = True  # headers and body go out in two writes: no delayed-ACK stall

        def log_message(self, *args):
            pass

        def do_GET(self):
            if fake.delay:
                time.sleep(fake.delay)
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            self._hang = False
            with fake._lock:
                self._serve(parts.path, query)
            if self._hang:  # outside the lock, so other requests (the client's retry) are served meanwhile
                fake._stopping.wait(fake.faults.hang)
                self.close_connection = True

        def _serve(self, path: str, query: dict):
            hit = Hit(path, query, 0, self.headers.get("If-None-Match"), self._authorized())
            fake.log.append(hit)
            auth = self.headers.get("Authorization")
            if auth and fake.token and auth not in (f"Bearer {fake.token}", f"token {fake.token}"):
                return self._json(hit, 401, {"message": "Bad credentials"})
            if time.time() >= fake.reset_at:
                fake.remaining, fake.reset_at = fake.rate_limit, time.time() + 3600
            if fake.remaining <= 0:
                return self._json(hit, 403, {"message": "API rate limit exceeded"})
            for old, (status, new) in fake.redirects.items():
                if path == old or path.startswith(old + "/"):
                    base = new if new.startswith("http") else f"http://{self.headers['Host']}{new}"
                    location = base + path[len(old):] + (f"?{urlencode(query)}" if query else "")
                    message = {301: "Moved Permanently", 302: "Found", 307: "Temporary Redirect"}.get(status, "Redirect")
                    return self._json(hit, status, {"message": message, "url": location,
                                                    "documentation_url": "https://docs.github.com/v3/#http-redirects"},
                                      {"Location": location})
            hit.fault = fake.faults.pick()
            if hit.fault and self._fault(hit):
                return
            status, value = fake.answer(path, query)
            if status != 200 or not isinstance(value, list):
                return self._json(hit, status, value)
            self._page(hit, path, query, value)

        def _authorized(self) -> bool:
            return bool(fake.token) and self.headers.get("Authorization") == f"Bearer {fake.token}"

        def _page(self, hit: Hit, path: str, query: dict, items: list):
            per_page = min(100, int(query.get("per_page", 30)))
            page = int(query.get("page", 1))
            chunk = items[(page - 1) * per_page: page * per_page]
            body = b"[" + b",".join(fake.encoded(o) for o in chunk) + b"]"
            etag = 'W/"' + hashlib.md5(body).hexdigest() + '"'
            headers = {"ETag": etag}
            if page * per_page < len(items):
                nxt = urlencode({**query, "page": page + 1})
                headers["Link"] = f'<http://{self.headers["Host"]}{path}?{nxt}>; rel="next"'
            hit.items = len(chunk)
            if hit.if_none_match == etag:
                return self._send(hit, 304, b"", headers, counts=False)
            if hit.fault == "truncate":
                body = body[: max(1, len(body) // 2)]
            self._send(hit, 200, body, headers)

        def _fault(self, hit: Hit) -> bool:
            """Answer with the fault; False for faults that corrupt a normal answer instead."""
            f = fake.faults
            if hit.fault == "500":
                self._json(hit, 502, {"message": "Server Error"})
            elif hit.fault == "reset":
                self._reset()
            elif hit.fault == "short":
                self._short()
            elif hit.fault in ("429", "secondary"):
                retry = {} if f.retry_after is None else {"Retry-After": str(f.retry_after)}
                if hit.fault == "429":
                    self._json(hit, 429, {"message": "Too many requests"}, retry)
                else:
                    self._json(hit, 403, {"message": "You have exceeded a secondary rate limit."}, retry)
            elif hit.fault == "hang":
                self._hang = True
            elif hit.fault == "exhausted":
                fake.remaining, fake.reset_at = 0, time.time() + f.reset_in
                self._json(hit, 403, {"message": "API rate limit exceeded"})
            return hit.fault != "truncate"

        def _reset(self):
            """Close with a TCP reset (linger 0) and no answer."""
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True

        def _short(self):
            """Headers promise more bytes than are sent, then the connection closes."""
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'[{"number": 1')
            self.close_connection = True

        def _json(self, hit: Hit, status: int, value, headers: dict | None = None):
            self._send(hit, status, json.dumps(value).encode(), headers or {})

        def _send(self, hit: Hit, status: int, body: bytes, headers: dict, counts: bool = True):
            hit.status = status
            if counts and status != 401:
                fake.remaining = max(0, fake.remaining - 1)
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-RateLimit-Limit", str(fake.rate_limit))
            self.send_header("X-RateLimit-Remaining", str(fake.remaining))
            self.send_header("X-RateLimit-Reset", str(int(fake.reset_at)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

    return Handler


# --- driving a pull against the fake, and comparing what it stored (pull and import tests) --------

REPO_ROOT = Path(__file__).resolve().parents[1]
# Columns that say when something ran, not what was loaded.
# Columns that may differ between two equally complete databases: when a run happened, and
# surrogate ids handed out in arrival order (author ids; cluster keys built from repo ids).
VOLATILE = {"reaction_snapshots": {"taken_at"}, "sync_state": {"updated_at"}, "repos": {"added_at", "id"},
            "reports": {"author_id", "cluster_key"}}
COMPARED = ("issues", "comments", "timeline_events", "reports", "issue_links", "clusters", "reaction_snapshots",
            "sync_state", "repos")


def client_for(server, token=None, sleep=None, max_wait=5.0, seed=1) -> GitHubClient:
    """A client whose backoff is milliseconds, with seeded jitter."""
    kwargs = {"sleep": sleep} if sleep else {}
    return GitHubClient(server.url, token, max_wait=max_wait, rng=random.Random(seed),
                        retry=RetryPolicy(attempts=8, base=0.001, cap=0.01), **kwargs)


def run_pull(server, db_path, client=None, **options) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    client = client or client_for(server)
    rc = pull.pull([DEMO_REPO], client, db_path, pull.Options(**options), out=out, err=err)
    return rc, out.getvalue(), err.getvalue()


def table_contents(path) -> dict[str, list[tuple]]:
    """Every compared table as sorted rows, without timestamp-of-run columns."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        dump = {}
        for table in COMPARED:
            cols = [c for (c,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table]).fetchall() if c not in VOLATILE.get(table, ())]
            rows = con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
            dump[table] = sorted(rows, key=repr)
        return dump
    finally:
        con.close()


def cli(*args, env_extra=None, **kwargs) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    env.update(env_extra or {})
    return subprocess.Popen([sys.executable, "-m", "etl", *args], cwd=REPO_ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def run_cli(*args, env_extra=None, timeout=60) -> tuple[int, str, str]:
    proc = cli(*args, env_extra=env_extra)
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err
