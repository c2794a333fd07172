"""Real GitHub REST payloads, with headers in GitHub's documented form, served back from
`fixtures/replay/` (see its README) through `GitHubClient` and `python -m etl import` into DuckDB.

The fake server and the client were written together. These recordings were not, so a misreading
shared by the two (a Link header in the `/repositories/{id}` form, lowercase header names, weak
ETags, a 304 without a body) shows up here."""
from __future__ import annotations

import json
import re
import threading
from itertools import islice
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import duckdb
import pytest

from etl.__main__ import main as etl_main
from etl.github import GitHubClient

RECORDED = Path(__file__).parent / "fixtures" / "replay"
TOKEN = "ghp_" + "ReplayTestTokenNotInAnyFile" * 2
ISSUES, COMMENTS = "/repos/simonw/datasette/issues", "/repos/dogsheep/github-to-sqlite/issues/comments"
pytestmark = pytest.mark.timeout(60)


@dataclass
class Recording:
    name: str
    path: str
    query: tuple
    match: dict  # request headers (lowercase names) that must be sent as recorded
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes | None


def _key(target: str) -> tuple[str, tuple]:
    parts = urlsplit(target)
    return parts.path, tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


def load_recording(path: Path) -> Recording:
    request, response = path.read_text().split("\n\n", 1)
    request_line, *request_headers = request.splitlines()
    status_line, *response_headers = response.strip("\n").splitlines()
    method, target = request_line.split(" ", 1)
    assert method == "GET"
    _, code, reason = status_line.split(" ", 2)
    body = path.with_suffix(".json")
    return Recording(path.stem, *_key(target), dict(_header(h, lower=True) for h in request_headers), int(code),
                     reason, [_header(h) for h in response_headers], body.read_bytes() if body.exists() else None)


def _header(line: str, lower: bool = False) -> tuple[str, str]:
    name, value = line.split(":", 1)
    return (name.lower() if lower else name), value.strip()


RECORDINGS = {p.stem: load_recording(p) for p in sorted(RECORDED.glob("*.http"))}


class Replay:
    """Serves each recording for its path+query on 127.0.0.1, and logs what was asked."""

    def __init__(self, recordings: dict[str, Recording]):
        self.recordings, self.log = list(recordings.values()), []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def find(self, target: str, headers) -> Recording | None:
        path, query = _key(target)
        fits = [r for r in self.recordings if (r.path, r.query) == (path, query)
                and all(headers.get(k) == v for k, v in r.match.items())]
        return max(fits, key=lambda r: len(r.match), default=None)  # the most specific one

    def _handler(self):
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                rec = replay.find(self.path, self.headers)
                replay.log.append((self.path, rec.name if rec else None, dict(self.headers)))
                if rec is None:
                    body = b'{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}'
                    self.send_response(404)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_response(rec.status, rec.reason)
                for name, value in rec.headers:
                    self.send_header(name, value.replace("https://api.github.com", replay.url))
                if rec.body is not None:
                    self.send_header("Content-Length", str(len(rec.body)))
                self.end_headers()
                if rec.body is not None:
                    self.wfile.write(rec.body)

        return Handler


def recorded(name: str, header: str) -> str:
    return next(v for k, v in RECORDINGS[name].headers if k.lower() == header)


def body(name: str):
    return json.loads(RECORDINGS[name].body)


@pytest.fixture
def replay():
    with Replay(RECORDINGS) as r:
        yield r


@pytest.fixture
def client(replay):
    c = GitHubClient(replay.url, TOKEN)
    yield c
    c.close()


def test_the_recordings_are_all_here_and_hold_no_token():
    assert set(RECORDINGS) == {
        "datasette-issues-1", "datasette-issues-2", "datasette-issues-1-not-modified", "github-to-sqlite-repo",
        "github-to-sqlite-comments-1", "github-to-sqlite-comments-2", "github-to-sqlite-comments-3"}
    secret = re.compile(r"gh[pousr]_[A-Za-z0-9]{20,}|github_pat_|authorization:|bearer ", re.I)
    files = [p for p in RECORDED.iterdir() if p.suffix in (".http", ".json")]
    assert len(files) == 13 and not [p.name for p in files if secret.search(p.read_text())]


def test_issue_pages_follow_the_recorded_link_header_and_keep_etag_and_rate_limit(replay, client):
    pages = list(islice(client.pages(ISSUES, {"state": "all", "per_page": 1}), 5))  # bounded: a misread Link may loop
    assert [[o["number"] for o in p.items] for p in pages] == [[572], [571]]
    assert [name for _, name, _ in replay.log] == ["datasette-issues-1", "datasette-issues-2"]
    assert replay.log[1][0] == "/repositories/107914493/issues?state=all&per_page=1&page=2"  # the Link URL, as given
    assert pages[0].items == body("datasette-issues-1") and pages[1].items == body("datasette-issues-2")
    assert [p.etag for p in pages] == [recorded(f"datasette-issues-{n}", "etag") for n in (1, 2)]
    assert pages[0].etag.startswith('W/"')  # weak, kept whole: it is sent back as it came
    assert pages[1].next_url is None  # the last page has prev and first only
    assert client.rate_remaining == int(recorded("datasette-issues-2", "x-ratelimit-remaining")) == 4990
    assert all(h.get("Accept") == "application/vnd.github+json" and h.get("Authorization") == f"Bearer {TOKEN}"
               for _, _, h in replay.log)


def test_comment_pages_take_next_from_a_link_with_all_four_rels(replay, client):
    pages = list(islice(client.pages(COMMENTS, {"per_page": 1}), 5))
    assert [name for _, name, _ in replay.log] == [f"github-to-sqlite-comments-{n}" for n in (1, 2, 3)]
    assert 'rel="prev"' in recorded("github-to-sqlite-comments-2", "link")  # prev comes before next there
    assert [o["id"] for p in pages for o in p.items] == [531516956, 531517083, 531517138]


def test_a_conditional_request_with_the_recorded_etag_gets_the_recorded_304(replay, client):
    etag = next(client.pages(ISSUES, {"state": "all", "per_page": 1})).etag
    replay.log.clear()
    pages = list(client.pages(ISSUES, {"state": "all", "per_page": 1}, etag=etag))
    assert len(pages) == 1 and pages[0].not_modified and pages[0].etag == etag
    assert [(name, h.get("If-None-Match")) for _, name, h in replay.log] == [("datasette-issues-1-not-modified", etag)]
    assert client.not_modified == 1
    # An authorized 304 does not use up a request; the client reads that from the 304's own headers.
    assert client.rate_remaining == int(recorded("datasette-issues-1-not-modified", "x-ratelimit-remaining"))


def test_one_resource_is_read_as_one_object(replay, client):
    repo = client.get_one("/repos/dogsheep/github-to-sqlite")
    assert (repo["full_name"], repo["id"]) == ("dogsheep/github-to-sqlite", 207052882)
    assert replay.log[0][1] == "github-to-sqlite-repo"


def test_replayed_pages_import_into_a_real_duckdb_file(replay, client, tmp_path, capsys):
    """What the client got, saved as `gh api --paginate` prints it (one array per page), then
    `python -m etl import`: the savers a pull uses, into a DuckDB file."""
    files = []
    for name, path, params in (("issues", ISSUES, {"state": "all", "per_page": 1}), ("comments", COMMENTS, {"per_page": 1})):
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text("".join(json.dumps(p.items) for p in islice(client.pages(path, params), 5)))
    assert not [name for _, name, _ in replay.log if name is None]
    db = tmp_path / "radar.duckdb"
    assert etl_main(["import", *map(str, files), "--db", str(db)]) == 0
    assert "2 issues (1 new or changed), 3 comments" in capsys.readouterr().out

    con = duckdb.connect(str(db), read_only=True)
    try:
        issues = con.execute("SELECT number, title, state, author, labels, comment_count, is_pull_request, "
                             "created_at, closed_at, reactions_total FROM issues WHERE repo = 'simonw/datasette' "
                             "ORDER BY number").fetchall()
        comments = con.execute("SELECT id, issue_number, author, author_association, body, created_at FROM comments "
                               "WHERE repo = 'dogsheep/github-to-sqlite' ORDER BY id").fetchall()
        reports = con.execute("SELECT number, kind FROM reports WHERE repo = 'simonw/datasette'").fetchall()
    finally:
        con.close()

    pr, issue = issues
    assert issue[:7] == (572, "Error running datasette publish with just --source_url", "open", "simonw", ["plugins"],
                         1, False)
    assert str(issue[7]) == "2019-09-04 22:19:22" and issue[8] is None and issue[9] == 0  # no reactions field then
    assert (pr[0], pr[2], pr[6]) == (571, "closed", True) and str(pr[8]) == "2019-09-03 00:32:28"
    payload = [o for n in (1, 2, 3) for o in body(f"github-to-sqlite-comments-{n}")]
    assert [(c[0], c[1], c[2], c[3], c[4]) for c in comments] == [
        (o["id"], int(o["issue_url"].rsplit("/", 1)[1]), o["user"]["login"], o["author_association"], o["body"])
        for o in payload]
    assert [c[1] for c in comments] == [3, 3, 4] and comments[0][3] == "COLLABORATOR"
    assert str(comments[2][5]) == "2019-09-14 21:59:59"
    assert reports == [(572, "issue")]  # a pull request gets no report
