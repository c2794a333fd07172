"""`GitHubClient` against the fake GitHub on 127.0.0.1: redirects, timeouts, and rate limits that
name no wait or name it as a date. The client's sleep is injected, so no test really waits."""
from __future__ import annotations

import os
import random
import time
from email.utils import formatdate

import pytest

from etl.github import MAX_REDIRECTS, GitHubClient, GitHubError, RateLimitExhausted, RetryPolicy
from fake_github import FakeGitHub, Faults

N, SEED = 120, 3
TOKEN = "ghp_" + "T0kenThatMustNeverLeak" * 2
REPO = "/repos/demo/ai-cli"
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def server():
    with FakeGitHub(N, SEED, token=TOKEN) as s:
        yield s


def client(server, sleep, *, max_wait=1e6, attempts=3, timeout=(2.0, 10.0)) -> GitHubClient:
    return GitHubClient(server.url, TOKEN, max_wait=max_wait, rng=random.Random(1), sleep=sleep, timeout=timeout,
                        retry=RetryPolicy(attempts=attempts, base=0.01, cap=0.04))


def listing(c: GitHubClient, path: str = REPO + "/issues") -> list[dict]:
    return [o for page in c.pages(path, {"state": "all", "per_page": 100}) for o in page.items]


# --- redirects ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 307])
def test_a_moved_repo_is_followed_on_the_same_host_with_the_token_and_paging_continues(server, status):
    server.redirects["/repos/old-owner/old-name"] = (status, REPO)
    c = client(server, sleep=[].append)
    items = listing(c, "/repos/old-owner/old-name/issues")
    assert sorted(o["number"] for o in items) == sorted(server.issues)
    assert [(h.path, h.status) for h in server.log] == [
        ("/repos/old-owner/old-name/issues", status), (REPO + "/issues", 200), (REPO + "/issues", 200)]
    assert server.log[1].query == {"state": "all", "per_page": "100"}  # the query survives the redirect
    assert all(h.authorized for h in server.log)  # same host: the token goes along, as requests does too
    assert c.requests == 3  # the client followed the redirect itself (urllib3 did not, silently)


def test_a_redirect_to_another_host_is_refused_so_the_token_never_goes_there(server):
    # `localhost` is this same server under another name: had the client followed, the log would show it.
    other = server.url.replace("127.0.0.1", "localhost")
    server.redirects["/repos/old-owner/old-name"] = (301, other + REPO)
    c = client(server, sleep=[].append)
    with pytest.raises(GitHubError) as err:
        listing(c, "/repos/old-owner/old-name/issues")
    message = str(err.value)
    assert "redirect to another host" in message and other in message and TOKEN not in message
    assert [h.path for h in server.log] == ["/repos/old-owner/old-name/issues"]


def test_a_redirect_loop_stops_with_a_clear_error(server):
    server.redirects["/repos/a/b"] = (301, "/repos/a/b")
    with pytest.raises(GitHubError, match=r"too many redirects from /repos/a/b/issues"):
        listing(client(server, sleep=[].append), "/repos/a/b/issues")
    assert len(server.log) == MAX_REDIRECTS + 1


# --- timeouts ----------------------------------------------------------------------------------


def test_a_server_that_never_answers_is_retried_per_policy_then_a_clear_error(server):
    server.faults = Faults(scripted=["hang"] * 10, hang=30)
    slept: list[float] = []
    c = client(server, slept.append, attempts=3, timeout=(2.0, 0.3))
    started = time.monotonic()
    with pytest.raises(GitHubError) as err:
        listing(c)
    elapsed = time.monotonic() - started
    assert str(err.value) == f"giving up on {REPO}/issues after 4 attempts: a timeout"
    assert TOKEN not in str(err.value) and err.value.__suppress_context__  # no chained urllib3 traceback
    assert [h.fault for h in server.log] == ["hang"] * 4 and all(h.authorized for h in server.log)
    # Capped exponential backoff with equal jitter: attempt k waits within [d/2, d], d = min(cap, base·2^(k-1)).
    assert len(slept) == 3
    for k, s in enumerate(slept, 1):
        d = min(0.04, 0.01 * 2 ** (k - 1))
        assert d / 2 <= s <= d
    assert 4 * 0.3 <= elapsed < 5  # each try ended at the read timeout, not at the server's 30 s


def test_one_timeout_then_an_answer_is_only_a_retry(server):
    server.faults = Faults(scripted=["hang"], hang=30)
    slept: list[float] = []
    items = listing(client(server, slept.append, timeout=(2.0, 0.3)))
    assert len(items) == N and len(slept) == 1
    assert [h.fault for h in server.log] == ["hang", None, None]


# --- a rate limit that names no wait (GitHub's secondary limit) -------------------------------


@pytest.mark.parametrize("kind", ["429", "secondary"])
def test_a_limit_without_retry_after_waits_a_minute_then_exponentially_longer(server, kind):
    server.faults = Faults(scripted=[kind, kind, kind], retry_after=None)
    slept: list[float] = []
    assert len(listing(client(server, slept.append))) == N
    assert slept == [60, 120, 240]  # GitHub: at least one minute, then exponentially increasing


def test_a_persisting_limit_without_retry_after_stops_once_the_wait_exceeds_max_wait(server):
    server.faults = Faults(scripted=["429"] * 10, retry_after=None)
    slept: list[float] = []
    with pytest.raises(RateLimitExhausted) as err:
        listing(client(server, slept.append, max_wait=300))  # the CLI's default --max-wait
    assert slept == [60, 120, 240]
    assert len(server.log) == 4
    assert "secondary rate limit" in str(err.value) and "--max-wait 480" in str(err.value)


# --- Retry-After as an HTTP date (RFC 7231 §7.1.3) ------------------------------------------------


def test_retry_after_as_an_http_date_is_waited_until_that_time(server):
    server.faults = Faults(scripted=["429"], retry_after=formatdate(time.time() + 30, usegmt=True))
    slept: list[float] = []
    assert len(listing(client(server, slept.append))) == N
    assert len(slept) == 1 and 28 <= slept[0] <= 30  # not 60 (ignored) and not 0 (misread)


def test_retry_after_in_the_asctime_form_is_utc_whatever_the_local_time_zone(server):
    when = time.gmtime(time.time() + 30)
    server.faults = Faults(scripted=["429"], retry_after=time.strftime("%a %b %d %H:%M:%S %Y", when))
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "JST-9"  # local time nine hours ahead of UTC
    time.tzset()
    try:
        slept: list[float] = []
        assert len(listing(client(server, slept.append))) == N
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()
    assert len(slept) == 1 and 28 <= slept[0] <= 30


def test_a_retry_after_date_beyond_max_wait_stops_and_names_the_resume_time(server):
    resume = time.time() + 3600
    server.faults = Faults(scripted=["429"], retry_after=formatdate(resume, usegmt=True))
    slept: list[float] = []
    with pytest.raises(RateLimitExhausted) as err:
        listing(client(server, slept.append, max_wait=300))
    assert not slept
    assert f"resets at {time.strftime('%H:%M', time.gmtime(int(resume)))} UTC" in str(err.value)
