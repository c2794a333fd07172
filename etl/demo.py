"""Synthetic demo repository `demo/ai-cli` in GitHub REST shape, deterministic for a seed.

Everything here is made up: users, issues and messages are generated, only their *formats*
follow what real trackers show (issue forms, auto-generated bug reports, free text). The data
has a story a user can find: weekly-limit reports jump in release 2.0.8 and fall back in 2.1.0.
`generate` streams one issue at a time (issue, comments, events), so it also feeds benchmarks
of 100k+ issues and the fake GitHub API of the tests.
"""
from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

DEMO_REPO = "demo/ai-cli"
START = datetime(2025, 5, 1)
END = datetime(2026, 11, 1)
REGRESSION_VERSIONS = ("2.0.8", "2.0.9")  # weekly_limit share jumps here
REGRESSION_CATEGORY = "weekly_limit"


def releases() -> list[tuple[str, datetime]]:
    """40 releases evenly spread over the demo period (2.1.9 and 2.1.10 test semantic order)."""
    versions = [f"{ma}.{mi}.{p}" for ma, mi, count in ((1, 0, 10), (1, 1, 8), (2, 0, 10), (2, 1, 12))
                for p in range(count)]
    step = (END - START - timedelta(days=10)) / (len(versions) - 1)
    return [(v, START + step * i) for i, v in enumerate(versions)]


# category: (weight, http status, error type, message shown by the client)
CATEGORIES = {
    "usage_limit_reached": (18, None, None, "Claude AI usage limit reached|{epoch}"),
    "rate_limited": (15, 429, "rate_limit_error", "This request would exceed the rate limit for your organization ({org}) of {n},000 input tokens per minute."),
    "session_limit": (12, None, None, "Session limit reached ∙ resets {hour}pm"),
    "overloaded": (8, 529, "overloaded_error", "Overloaded"),
    "auth_or_login": (7, 401, "authentication_error", "OAuth token has expired. Please obtain a new token or refresh your existing token."),
    "credit_balance_low": (6, 400, "invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."),
    "out_of_extra_usage": (5, 400, "invalid_request_error", "You're out of extra usage. Add more at claude.ai/settings/usage and keep going."),
    "server_error": (5, 500, "api_error", "Internal server error"),
    "weekly_limit": (4, None, None, "Weekly limit reached ∙ resets Oct {day}, {hour}pm"),
    "quota_display_mismatch": (6, None, None, None),
    "usage_drain": (5, None, None, None),
    "plan_or_billing": (6, None, None, None),
    "context_or_token_limit": (2, None, None, "Claude's response exceeded the 32000 output token maximum. To configure this behavior, set the CLAUDE_CODE_MAX_OUTPUT_TOKENS environment variable."),
}
COMPLAINTS = {
    "quota_display_mismatch": "The /usage screen says I have used {pct}% of my allowance, but the account page on the website shows {pct2}%. They never agree.",
    "usage_drain": "My whole allowance was consumed within {mins} minutes by two small prompts. Nothing else was running.",
    "plan_or_billing": "I upgraded my subscription yesterday and was charged, but the CLI still shows my old plan and refuses the larger model.",
}
TITLES = {
    "usage_limit_reached": ["Usage limit reached far too early", "Hit usage limit after a few prompts", "Usage limit message although dashboard shows quota left"],
    "rate_limited": ["429 rate_limit_error on every request", "Constant rate limit errors", "Rate limited with a single agent"],
    "session_limit": ["Session limit reached after 30 minutes", "Session limit hit much sooner than before"],
    "overloaded": ["529 Overloaded errors all afternoon", "API Error 529 overloaded"],
    "auth_or_login": ["OAuth token expired every hour", "Logged out with 401 in the middle of a task"],
    "credit_balance_low": ["Credit balance too low although I just topped up", "Credit balance error with credits left"],
    "out_of_extra_usage": ["You're out of extra usage while usage page shows quota", "Out of extra usage error right after buying more"],
    "server_error": ["API Error 500 internal server error", "Repeated 500 errors"],
    "weekly_limit": ["Weekly limit reached on day two", "Weekly limit hit after update", "Weekly limit resets later than shown"],
    "quota_display_mismatch": ["/usage and website disagree", "Usage meter shows wrong percentage"],
    "usage_drain": ["Quota drains extremely fast", "Allowance gone in minutes"],
    "plan_or_billing": ["Upgraded plan not recognized", "Charged but plan not applied"],
    "context_or_token_limit": ["Response exceeded output token maximum"],
}
NON_USAGE_TITLES = ["Terminal flickers when resizing the window", "High memory usage after a long session",
                    "Diff view loses syntax highlighting", "Tab completion broken in zsh", "Crash when opening a binary file",
                    "Add a setting for the default editor"]
PLANS = {  # plan: (weight, how reporters write it)
    "pro": (25, ["Pro plan", "I'm on Pro", "Claude Pro subscription"]),
    "max_5x": (20, ["Max 5x", "Max plan (5x)", "the $100 Max plan"]),
    "max_20x": (15, ["Max 20x", "Max 20x plan", "the $200 Max plan"]),
    "max": (8, ["Max subscription", "Max plan"]),
    "api": (12, ["pay-as-you-go API key", "API key with Console credits"]),
    "team": (5, ["Team plan"]),
    "enterprise": (3, ["Enterprise plan"]),
    "free": (2, ["free plan"]),
    "bedrock": (3, []),
    "vertex": (2, []),
    None: (5, []),
}
SUBSCRIPTION_ONLY = {"usage_limit_reached", "session_limit", "weekly_limit", "out_of_extra_usage", "quota_display_mismatch", "usage_drain"}
OSES = {"macos": 50, "windows": 25, "linux": 17, "wsl": 6, None: 2}
OS_FORM = {"macos": "macOS", "windows": "Windows", "linux": "Ubuntu/Debian Linux", "wsl": "Windows", None: "Other"}
OS_PLATFORM = {"macos": "darwin", "windows": "win32", "linux": "linux", "wsl": "linux", None: "linux"}
OS_TEXT = {"macos": "macOS 15", "windows": "Windows 11", "linux": "Ubuntu 24.04", "wsl": "WSL2 (Ubuntu)", None: ""}
OS_TERMINAL = {"wsl": "Windows Terminal (WSL2)"}  # WSL users pick "Windows" in the form; the terminal tells
TERMINALS = ["iTerm2", "vscode", "Terminal.app", "ghostty", "Windows Terminal", "tmux", "Warp"]
ME_TOO = ["+1", "Same here", "same issue here", "Me too.", "Happening to me as well", "+1, same"]
DISCUSSION = ["Any workaround for this?", "Restarting the CLI helped for a while.", "Is there an ETA for a fix?",
              "This makes the tool unusable for me."]
MAINTAINER = ["Thanks for the report, we are looking into it.", "Could you share the output of /status?",
              "A fix is rolling out, please update and let us know."]


@dataclass
class Bundle:
    """One generated issue with its comments and events, all as API objects."""
    issue: dict
    comments: list[dict]
    events: list[dict]
    category: str | None  # what the generator meant; None for non-usage issues


def _api(repo: str) -> str:
    return f"https://api.github.com/repos/{repo}"


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), [w[0] if isinstance(w, tuple) else w for w in weights.values()])[0]


class _Generator:
    def __init__(self, n_issues: int, seed: int, repo: str):
        self.rng = random.Random(seed)
        self.n, self.repo, self.api = n_issues, repo, _api(repo)
        self.releases = releases()
        self.users = [f"demo-user-{i:05d}" for i in range(max(200, n_issues // 2))]
        self.canonical: dict[str, list[int]] = {}
        self.ids = {"comment": 500_000_000, "event": 900_000_000}

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def version_at(self, t: datetime) -> str:
        current = [v for v, d in self.releases if d <= t] or [self.releases[0][0]]
        back = min(len(current) - 1, int(self.rng.expovariate(1.2)))
        return current[-1 - back]

    def category_for(self, version: str | None) -> str:
        weights = {c: v[0] for c, v in CATEGORIES.items()}
        if version in REGRESSION_VERSIONS:
            weights[REGRESSION_CATEGORY] *= 12
        return _pick(self.rng, weights)

    def plan_for(self, category: str):
        plan = _pick(self.rng, PLANS)
        if category == "credit_balance_low":
            return "api"
        while category in SUBSCRIPTION_ONLY and plan in ("api", "bedrock", "vertex"):
            plan = _pick(self.rng, PLANS)
        return plan

    def error_line(self, category: str, t: datetime) -> str | None:
        _, status, etype, template = CATEGORIES[category]
        if template is None:
            return None
        r = self.rng
        msg = template.format(epoch=int(t.timestamp()) + r.randint(600, 18000), org=uuid.UUID(int=r.getrandbits(128)),
                              n=r.choice([20, 40, 80]), hour=r.randint(1, 11), day=r.randint(1, 28))
        if status is None:
            return msg
        payload = {"type": "error", "error": {"type": etype, "message": msg},
                   "request_id": "req_011C" + "".join(r.choices("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789", k=20))}
        return f"API Error: {status} {json.dumps(payload, ensure_ascii=False)}"

    def description(self, category: str, plan, error: str | None) -> str:
        r = self.rng
        text = COMPLAINTS.get(category, "This started today and keeps happening.").format(
            pct=r.randint(5, 40), pct2=r.randint(50, 95), mins=r.randint(5, 30))
        if plan and PLANS[plan][1] and r.random() < 0.85:
            text += f" I'm on the {r.choice(PLANS[plan][1])}." if r.random() < 0.5 else f"\n\nPlan: {r.choice(PLANS[plan][1])}"
        return text

    def body(self, fmt: str, category: str | None, version: str | None, os_: str | None, plan, t: datetime) -> str:
        r = self.rng
        error = self.error_line(category, t) if category else None
        desc = self.description(category, plan, error) if category else "Steps: open a large repository and work for a while."
        if fmt == "form":
            platform = {"bedrock": "AWS Bedrock", "vertex": "Google Vertex AI"}.get(plan, "Anthropic API")
            return (
                "### Preflight Checklist\n\n- [x] I have searched existing issues and this hasn't been reported yet\n\n"
                f"### What's Wrong?\n\n{desc}\n\n### Error Messages/Logs\n\n```shell\n{error or ''}\n```\n\n"
                "### Steps to Reproduce\n\n1. Start the CLI\n2. Send a prompt\n\n"
                f"### Is this a regression?\n\n{r.choice(['Yes, this worked in a previous version', 'No, this never worked', 'I don' + chr(39) + 't know'])}\n\n"
                f"### Claude Code Version\n\n{version} (Claude Code)\n\n### Platform\n\n{platform}\n\n"
                f"### Operating System\n\n{OS_FORM[os_]}\n\n### Terminal/Shell\n\n{OS_TERMINAL.get(os_) or r.choice(TERMINALS)}\n"
            )
        if fmt == "env":
            errors = ""
            if error:
                stack = f"Error: {error}\n    at Ax.makeRequest (file:///usr/lib/node_modules/@demo/ai-cli/cli.js:1390:{r.randint(1000, 9999)})"
                errors = "\n\n**Errors**\n```json\n" + json.dumps([{"error": stack, "timestamp": _iso(t)}]) + "\n```"
            return (f"**Bug Description**\n{desc}\n\n**Environment Info**\n- Platform: {OS_PLATFORM[os_]}\n"
                    f"- Terminal: {OS_TERMINAL.get(os_) or r.choice(TERMINALS)}\n- Version: {version}\n- Feedback ID: {uuid.UUID(int=r.getrandbits(128))}{errors}")
        where = f" on {OS_TEXT[os_]}" if os_ else ""
        ver = f"Since updating to v{version}{where} I keep getting this." if version else f"I keep getting this{where}."
        return f"{ver}\n\n```\n{error}\n```\n\n{desc}" if error else f"{ver}\n\n{desc}"

    def comment_text(self, kind: str, t: datetime) -> str:
        r = self.rng
        if kind == "me_too":
            return r.choice(ME_TOO)
        if kind == "report":
            os_ = _pick(r, OSES) or "linux"
            plan = r.choice(["Pro", "Max 5x", "Max 20x", "Team"])
            return r.choice([f"Same on {self.version_at(t)}, {OS_TEXT[os_]}, {plan}.",
                             f"Also seeing this on v{self.version_at(t)} ({OS_TEXT[os_]}, {plan} plan)."])
        return r.choice(MAINTAINER if kind == "maintainer" else DISCUSSION)

    def bundle(self, number: int, t: datetime) -> Bundle:
        r = self.rng
        if r.random() < 0.06:
            return self.pull_request(number, t)
        usage = r.random() >= 0.12
        version = self.version_at(t) if r.random() > 0.06 else None
        category = self.category_for(version) if usage else None
        plan = self.plan_for(category) if usage else None
        os_ = _pick(r, OSES)
        fmt = r.choices(["form", "env", "text"], [55, 25, 20])[0]
        title = r.choice(TITLES[category]) if category else r.choice(NON_USAGE_TITLES)
        author = r.choice(self.users)
        popularity = min(400.0, r.paretovariate(1.3) - 1)
        labels = ["bug"] + ([f"platform:{os_}"] if os_ and r.random() < 0.3 else [])
        comments, last = self.comments(number, t, author, popularity)
        state, reason, closed = "open", None, None
        age = (END - t) / (END - START)
        dup_of = self.duplicate_target(category, number)
        if dup_of:
            state, reason, closed = "closed", "duplicate", min(END, t + timedelta(hours=r.randint(2, 72)))
            labels.append("duplicate")
            comments.append(self.comment(number, "github-actions[bot]", "NONE", f"Duplicate of #{dup_of}", closed))
        elif r.random() < 0.75 * age:
            closed = min(END, t + timedelta(days=r.randint(1, 60)))
            state, reason = "closed", r.choice(["completed", "completed", "not_planned"])
        body = self.body(fmt, category, version, os_, plan, t)
        related = r.randint(1, number - 1) if r.random() < 0.05 and number > 10 else None
        if related:
            body += f"\n\nPossibly related to #{related}."
        updated = max([t, last] + ([closed] if closed else []))
        issue = self.issue_obj(number, title, body, author, labels, state, reason, t, updated, closed,
                               len(comments), self.reactions(popularity))
        events = self.events(number, labels, t, closed, dup_of)
        if related:  # GitHub records the mention on the issue that was mentioned
            events.append(self.cross_reference(related, number, t))
        return Bundle(issue, comments, events, category)

    def comments(self, number: int, t: datetime, author: str, popularity: float):
        r, out, last = self.rng, [], t
        for _ in range(min(60, int(r.expovariate(1.0) * (1 + popularity / 3)))):
            last = last + timedelta(hours=r.expovariate(1 / 20))
            if last > END:
                break  # the demo ends at END: nothing is dated later
            kind = r.choices(["me_too", "report", "discussion", "maintainer"], [45, 25, 20, 10])[0]
            who = "demo-maintainer" if kind == "maintainer" else r.choice(self.users)
            assoc = "MEMBER" if kind == "maintainer" else "NONE"
            out.append(self.comment(number, who, assoc, self.comment_text(kind, last), last))
        return out, last

    def comment(self, number: int, who: str, assoc: str, body: str, t: datetime) -> dict:
        cid = self.next_id("comment")
        return {"url": f"{self.api}/issues/comments/{cid}", "id": cid,
                "html_url": f"https://github.com/{self.repo}/issues/{number}#issuecomment-{cid}",
                "issue_url": f"{self.api}/issues/{number}", "user": {"login": who, "type": "Bot" if who.endswith("[bot]") else "User"},
                "created_at": _iso(t), "updated_at": _iso(t), "author_association": assoc, "body": body,
                "reactions": {"total_count": 0}}

    def reactions(self, popularity: float) -> dict:
        r = self.rng
        counts = {"+1": int(popularity * r.uniform(0.8, 3)), "-1": int(r.random() < 0.05),
                  "laugh": 0, "hooray": 0, "confused": int(popularity * r.uniform(0, 0.2)),
                  "heart": int(popularity * r.uniform(0, 0.1)), "rocket": 0, "eyes": int(popularity * r.uniform(0, 0.3))}
        return {"total_count": sum(counts.values()), **counts}

    def duplicate_target(self, category: str | None, number: int) -> int | None:
        if category is None:
            return None
        seen = self.canonical.setdefault(category, [])
        if len(seen) >= 3 and self.rng.random() < 0.12:
            return self.rng.choice(seen[:3])
        seen.append(number)
        return None

    def events(self, number: int, labels: list[str], t: datetime, closed, dup_of) -> list[dict]:
        items = [("labeled", t, {"label": {"name": l}}) for l in labels]
        if dup_of:
            items.append(("marked_as_duplicate", closed, {}))
        if closed:
            items.append(("closed", closed, {}))
        return [{"id": self.next_id("event"), "event": e, "actor": {"login": "demo-maintainer"}, "created_at": _iso(when),
                 "issue": {"number": number, "repository_url": self.api}, **extra} for e, when, extra in items]

    def cross_reference(self, target: int, source: int, t: datetime) -> dict:
        """A timeline cross-reference on `target`; `issue` names it, as import needs."""
        return {"event": "cross-referenced", "actor": {"login": "demo-user"}, "created_at": _iso(t),
                "issue": {"number": target, "repository_url": self.api},
                "source": {"type": "issue", "issue": {"number": source, "repository_url": self.api}}}

    def issue_obj(self, number, title, body, author, labels, state, reason, created, updated, closed, n_comments, reactions) -> dict:
        return {"url": f"{self.api}/issues/{number}", "repository_url": self.api,
                "html_url": f"https://github.com/{self.repo}/issues/{number}", "id": 3_000_000_000 + number,
                "number": number, "title": title, "user": {"login": author}, "labels": [{"name": l} for l in labels],
                "state": state, "state_reason": reason, "comments": n_comments, "created_at": _iso(created),
                "updated_at": _iso(updated), "closed_at": _iso(closed) if closed else None,
                "author_association": "NONE", "reactions": {"url": f"{self.api}/issues/{number}/reactions", **reactions},
                "body": body}

    def pull_request(self, number: int, t: datetime) -> Bundle:
        closed = t + timedelta(days=2)
        obj = self.issue_obj(number, "Fix retry handling for rate limits", f"Fixes #{max(1, number - 5)}", "demo-maintainer",
                             [], "closed", None, t, closed, closed, 0, {"total_count": 0})
        obj["pull_request"] = {"url": f"{self.api}/pulls/{number}", "merged_at": _iso(closed)}
        return Bundle(obj, [], [], None)


def generate(n_issues: int = 3000, seed: int = 7, repo: str = DEMO_REPO):
    """Yield a Bundle per issue number 1..n, created in increasing time (more issues later on)."""
    g = _Generator(n_issues, seed, repo)
    span = (END - START).total_seconds()
    for number in range(1, n_issues + 1):
        # Reports grow over time: creation times follow a rising density (sqrt of uniform).
        t = START + timedelta(seconds=span * ((number - 0.5) / n_issues) ** 0.5 + g.rng.uniform(0, 3600))
        yield g.bundle(number, t)


def write_files(out_dir: Path, n_issues: int = 3000, seed: int = 7, repo: str = DEMO_REPO) -> list[Path]:
    """The demo as three API JSON files (issues, comments, events), as `import` reads them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    issues, comments, events = [], [], []
    for b in generate(n_issues, seed, repo):
        issues.append(b.issue)
        comments += b.comments
        events += b.events
    paths = []
    for name, objs in (("issues", issues), ("comments", comments), ("events", events)):
        path = out_dir / f"{name}.json"
        path.write_text(json.dumps(objs, ensure_ascii=False))
        paths.append(path)
    return paths


def write_week_earlier(out_dir: Path, issues_file: Path) -> Path:
    """The issues as a sync a week before would have seen them: issues active in the demo's last
    weeks had fewer reactions then. Loaded first, it gives the app reaction growth to show."""
    recent = _iso(END - timedelta(days=45))
    rng = random.Random(1)
    earlier = []
    for obj in json.loads(issues_file.read_text()):
        if obj["updated_at"] >= recent and obj["reactions"].get("total_count"):
            counts = {k: int(v * rng.uniform(0.2, 0.8)) for k, v in obj["reactions"].items() if k not in ("url", "total_count")}
            obj = {**obj, "reactions": {**obj["reactions"], **counts, "total_count": sum(counts.values())}}
        earlier.append(obj)
    path = out_dir / "issues-week-earlier.json"
    path.write_text(json.dumps(earlier, ensure_ascii=False))
    return path
