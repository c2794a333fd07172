"""A small GitHub REST client: pages, conditional requests, rate limits, retries. No database.

It speaks urllib3 directly (requests' per-call overhead doubled the cost of a timeline call).

Every request has a timeout. Transient faults (5xx, timeouts, connection resets, truncated JSON)
are retried with capped exponential backoff and jitter; rate limits are waited out when the wait
is at most `max_wait` seconds. Errors a user can act on surface as `GitHubError` with one clear
line, and the token is redacted from every message (it only ever travels in a request header,
and only to the API host).
"""
from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urljoin, urlsplit
from urllib.request import getproxies, proxy_bypass

import urllib3
from urllib3.exceptions import HTTPError as TransportError
from urllib3.exceptions import NewConnectionError, ProtocolError
from urllib3.exceptions import TimeoutError as TransportTimeout

DEFAULT_API_URL = "https://api.github.com"
MAX_REDIRECTS = 3
MAX_RATE_LIMIT_WAITS = 10  # per request: a server that keeps saying "wait" is eventually given up on
SECONDARY_LIMIT_WAIT = 60  # seconds, GitHub's advice when a secondary limit names no wait
_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


class GitHubError(Exception):
    """A failure a user can act on; the message is one line and never holds the token."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class RateLimitExhausted(GitHubError):
    """The rate limit is spent for longer than we may wait; the message says when to resume."""


class _Transient(Exception):
    """A fault worth retrying (5xx, reset, timeout, truncated body)."""


class _Redirect(Exception):
    def __init__(self, location: str):
        super().__init__(location)
        self.location = location


class _Wait(Exception):
    """A rate limit to wait out; `escalate` doubles the wait each time it comes back (no hint given)."""

    def __init__(self, seconds: float, reason: str, reset: int | None = None, escalate: bool = False):
        super().__init__(reason)
        self.seconds, self.reason, self.reset, self.escalate = seconds, reason, reset, escalate


@dataclass
class Page:
    items: list | None  # None when the server answered 304 Not Modified
    etag: str | None
    next_url: str | None

    @property
    def not_modified(self) -> bool:
        return self.items is None


@dataclass
class RetryPolicy:
    attempts: int = 5  # retries after the first try
    base: float = 1.0  # seconds; tests make it tiny
    cap: float = 60.0


def token_from_env(environ) -> str | None:
    return environ.get("GITHUB_TOKEN") or environ.get("GH_TOKEN") or None


class GitHubClient:
    def __init__(self, api_url: str = DEFAULT_API_URL, token: str | None = None, *, max_wait: float = 300,
                 retry: RetryPolicy | None = None, timeout: tuple[float, float] = (10, 60),
                 rng: random.Random | None = None, sleep: Callable[[float], None] = time.sleep,
                 on_wait: Callable[[float, str], None] | None = None):
        self.api_url = api_url.rstrip("/")
        self._origin = _origin(self.api_url)
        self._token = token
        self.max_wait, self.retry = max_wait, retry or RetryPolicy()
        self._timeout = urllib3.Timeout(connect=timeout[0], read=timeout[1])
        self._rng, self._sleep, self.on_wait = rng or random.Random(), sleep, on_wait
        self._http = _pool_for(self.api_url)
        self._headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
                         "User-Agent": "usage-radar", **({"Authorization": f"Bearer {token}"} if token else {})}
        self.requests = self.not_modified = 0
        self.rate_remaining: int | None = None
        self._reached = False  # a first request that cannot connect fails at once (no network)

    def close(self) -> None:
        self._http.clear()

    def redact(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

    def pages(self, path: str, params: dict | None = None, etag: str | None = None) -> Iterator[Page]:
        """Each page of a listing, following Link rel="next"; a 304 on the first page ends it."""
        url = self.api_url + path + ("?" + urlencode(params) if params else "")
        page = self.get_page(url, etag)
        yield page
        while page.next_url:
            page = self.get_page(self._checked(page.next_url))
            yield page

    def get_one(self, path: str) -> dict:
        """A single resource (e.g. one issue) rather than a listing."""
        page = self.get_page(self.api_url + path, single=True)
        return page.items[0]

    def get_page(self, url: str, etag: str | None = None, single: bool = False) -> Page:
        faults = waits = unhinted = redirects = 0
        while True:
            try:
                return self._attempt(url, etag, single)
            except _Transient as exc:
                faults += 1
                if faults > self.retry.attempts:
                    raise GitHubError(self.redact(f"giving up on {_where(url)} after {faults} attempts: {exc}")) from None
                self._pause(self._backoff(faults), f"retrying after {exc}")
            except _Wait as wait:
                waits += 1
                if waits > MAX_RATE_LIMIT_WAITS:
                    raise GitHubError(f"still rate limited on {_where(url)} after {waits - 1} waits; try again later") from None
                seconds = wait.seconds
                if wait.escalate:  # GitHub: "wait for an exponentially increasing amount of time between retries"
                    unhinted += 1
                    seconds *= 2 ** (unhinted - 1)
                self._stop_if_too_long(seconds, wait.reason, wait.reset)
                self._pause(seconds, wait.reason)
            except _Redirect as moved:  # 301 for a renamed or transferred repo, 307 for a moved endpoint
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    raise GitHubError(f"too many redirects from {_where(url)}") from None
                url = self._checked(moved.location, base=url, what="redirect")

    def _attempt(self, url: str, etag: str | None, single: bool = False) -> Page:
        headers = {**self._headers, "If-None-Match": etag} if etag else self._headers
        try:
            resp = self._http.request("GET", url, headers=headers, timeout=self._timeout, retries=False)
        except TransportError as exc:
            self._raise_for_network(exc)
        self._note_response(resp)
        if resp.status == 304:
            return Page(None, etag, None)
        if resp.status != 200:
            self._raise_for_status(resp, url)
        try:
            items = json.loads(resp.data)
        except ValueError:
            raise _Transient("a truncated or invalid JSON body") from None
        if single and isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            raise GitHubError(f"{_where(url)} did not return a list; is --api-url a GitHub REST API?")
        return Page(items, resp.headers.get("ETag"), _next_link(resp.headers.get("Link")))

    def _raise_for_network(self, exc: TransportError):
        if isinstance(exc, NewConnectionError):  # refused or unresolvable (a subclass of timeout, too)
            if not self._reached:
                raise GitHubError(f"cannot reach {self._origin}: no network, wrong --api-url, or the host is down") from None
            raise _Transient("a refused connection") from None
        if isinstance(exc, TransportTimeout):
            raise _Transient("a timeout") from None
        if isinstance(exc, ProtocolError):
            raise _Transient("a dropped connection") from None
        raise GitHubError(self.redact(f"request to {self._origin} failed: {exc.__class__.__name__}")) from None

    def _raise_for_status(self, resp: urllib3.BaseHTTPResponse, url: str):
        status, message = resp.status, _message(resp)
        if status in (301, 302, 307, 308) and resp.headers.get("Location"):
            raise _Redirect(resp.headers["Location"])
        if status in (403, 429):
            self._raise_for_rate_limit(resp, message)
        if status >= 500:
            raise _Transient(f"HTTP {status}")
        if status == 401:
            raise GitHubError("GitHub rejected the token (401 Bad credentials): check GITHUB_TOKEN / GH_TOKEN", 401)
        if status == 404:
            raise GitHubError(f"not found: {_where(url)} (check OWNER/NAME; a private repo needs a token with access)", 404)
        raise GitHubError(self.redact(f"GitHub answered {status} for {_where(url)}: {message}"), status)

    def _raise_for_rate_limit(self, resp: urllib3.BaseHTTPResponse, message: str):
        """GitHub's order (docs, "Exceeding the rate limit"): Retry-After, else the reset time when
        nothing remains, else at least a minute, growing while the limit persists."""
        retry_after = _retry_after(resp.headers.get("Retry-After"))
        if retry_after is not None:
            raise _Wait(retry_after, "secondary rate limit")
        if resp.headers.get("X-RateLimit-Remaining") == "0":
            reset = int(resp.headers.get("X-RateLimit-Reset") or 0)
            raise _Wait(max(0.0, reset - time.time()) + 1, "rate limit", reset)
        if resp.status == 429 or "secondary rate limit" in message.lower():
            raise _Wait(SECONDARY_LIMIT_WAIT, "secondary rate limit", escalate=True)
        raise GitHubError(self.redact(f"GitHub refused access (403): {message}"), 403)

    def _stop_if_too_long(self, seconds: float, reason: str, reset: int | None = None):
        if seconds <= self.max_wait:
            return
        resume = datetime.fromtimestamp(reset or time.time() + seconds, timezone.utc).strftime("%H:%M UTC")
        raise RateLimitExhausted(
            f"GitHub {reason} reached; it resets at {resume} (in {seconds / 60:.0f} min). Everything loaded so "
            f"far is kept: run the same command again then to continue (or allow waiting with --max-wait {seconds:.0f})")

    def _note_response(self, resp: urllib3.BaseHTTPResponse) -> None:
        remaining = resp.headers.get("X-RateLimit-Remaining")
        self.requests += 1
        self.not_modified += resp.status == 304
        self._reached = True
        if remaining is not None and remaining.isdigit():
            self.rate_remaining = int(remaining)

    def _backoff(self, attempt: int) -> float:
        """Capped exponential backoff with equal jitter: half fixed, half random."""
        delay = min(self.retry.cap, self.retry.base * 2 ** (attempt - 1))
        return delay / 2 + self._rng.uniform(0, delay / 2)

    def _pause(self, seconds: float, reason: str) -> None:
        if self.on_wait:
            self.on_wait(seconds, reason)
        self._sleep(seconds)

    def _checked(self, url: str, base: str | None = None, what: str = "pagination link") -> str:
        """Follow a link or redirect only on the API host, so the token is never sent elsewhere.
        (requests would follow and drop the token; a listing moved off the API host is not one we
        can page through anyway, so say so.)"""
        url = urljoin(base or self.api_url + "/", url)
        if _origin(url) != self._origin:
            raise GitHubError(f"refusing to follow a {what} to another host ({_origin(url)}): "
                              f"the token is only sent to the --api-url host ({self._origin})")
        return url


def _pool_for(api_url: str) -> urllib3.PoolManager:
    """A connection pool, through the environment's proxy (HTTPS_PROXY, NO_PROXY…) if one applies."""
    parts = urlsplit(api_url)
    proxy = None if proxy_bypass(parts.hostname or "") else getproxies().get(parts.scheme)
    return urllib3.ProxyManager(proxy) if proxy else urllib3.PoolManager()


def _next_link(header: str | None) -> str | None:
    m = _NEXT_LINK.search(header or "")
    return m.group(1) if m else None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _where(url: str) -> str:
    """The path of a URL, without host or query: enough to say which request, nothing secret."""
    return urlsplit(url).path


def _message(resp: urllib3.BaseHTTPResponse) -> str:
    try:
        return str(json.loads(resp.data).get("message") or "")[:200]
    except (ValueError, AttributeError):
        return resp.reason or ""


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: an integer, or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # the asctime form has no zone; HTTP dates are always UTC, not local time
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - time.time())
