"""One issue on demand: the issue, its comments and its timeline, fetched and loaded through the
same savers as `import` and `pull`. Used by `python -m etl fetch` and the app's issue report."""
from __future__ import annotations

from etl import db, importer, load
from etl.github import GitHubClient, GitHubError


def fetch_issue(client: GitHubClient, repo: str, number: int, db_path=None) -> str:
    """Fetch and store repo#number; returns a one-line summary. Raises GitHubError or DatabaseError."""
    base = f"/repos/{repo}/issues/{number}"
    issue = client.get_one(base)
    if issue.get("pull_request"):
        raise GitHubError(f"{repo}#{number} is a pull request, not an issue")
    comments = [c for page in client.pages(f"{base}/comments", {"per_page": 100}) for c in page.items]
    timeline = [{**item, "issue": {"number": number}}  # a timeline item does not name its issue
                for page in client.pages(f"{base}/timeline", {"per_page": 100}) for item in page.items
                if item.get("event") and item["event"] not in ("commented", "committed", "reviewed")]
    batch = importer.Batch()
    for obj in (issue, *comments, *timeline):
        batch.add(obj, repo)
    started = load.now()
    with db.writing(db_path) as con:
        counts = importer.save_batch(con, batch)
        load.record_run(con, repo, "fetch", started, "ok", requests=client.requests, issues_seen=1,
                        comments_seen=len(comments))
    return (f"fetched {repo}#{number}: {len(comments)} comments, {len(timeline)} timeline events, "
            f"{counts['reports']} reports, {client.requests} requests")
