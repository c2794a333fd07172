"""Small Streamlit building blocks the pages share."""
from __future__ import annotations

import hashlib
import uuid

import pandas as pd
import streamlit as st

from etl.db import DatabaseError
from etl.github import GitHubError
from radar import analysis, data, export, votes
from radar.filters import Filters, narrowed

GITHUB = "https://github.com/"
_LINK_COLUMNS = {"html_url": st.column_config.LinkColumn("GitHub", display_text="open")}


def csv_download(df: pd.DataFrame, view: str, filters: Filters, label: str = "Download CSV") -> None:
    """Offer exactly this frame as a spreadsheet-safe CSV."""
    st.download_button(label, data=export.csv_bytes(df), file_name=export.file_name(view, filters),
                       mime="text/csv", key=f"csv_{view}", icon=":material/download:")


def empty_notice(df: pd.DataFrame) -> bool:
    """Say so plainly when the filters leave nothing; True when empty."""
    if df.empty:
        st.info("No reports match these filters. Widen the version or date range in the sidebar.")
        return True
    return False


def table(df: pd.DataFrame, view: str, filters: Filters, when_empty: str | None = None, **kwargs) -> None:
    """A dataframe whose text is already formula-safe (its toolbar CSV escapes nothing), links only
    to GitHub, and our own CSV of the same rows; `when_empty` is said instead of an empty table."""
    if when_empty and df.empty:
        st.info(when_empty)
        return
    shown = df.copy()
    if "html_url" in shown:
        shown["html_url"] = shown["html_url"].where(shown["html_url"].fillna("").str.startswith(GITHUB), None)
    st.dataframe(export.safe_frame(shown), hide_index=True, width="stretch", column_config=_LINK_COLUMNS, **kwargs)
    csv_download(df, view, filters)


def chart(fig, key: str, select: bool = True) -> list[dict]:
    """A chart (whose bars can be clicked when `select`); returns the selected points."""
    if not select:
        st.plotly_chart(fig, width="stretch", key=key)
        return []
    event = st.plotly_chart(fig, width="stretch", key=key, on_select="rerun", selection_mode="points")
    return list(event.selection.points) if event and event.selection else []


def issues_behind(f: Filters, what: str, view: str) -> None:
    """The issues (clusters) whose reports make up a clicked bar."""
    st.subheader("Issues behind the selected bar")
    st.text(what)  # plain text: the value comes back from the browser
    df = data.query("issue_rows", f, "", 100, ())
    if not empty_notice(df):
        table(df, view, f)


def drill_down(points: list[dict], f: Filters, x_dim: str, color_dim: str | None = None, view: str = "drill") -> None:
    """Below a chart: the issues behind the first clicked bar (x value, and its stack if any)."""
    if not points:
        st.caption("Click a bar to list the issues behind it.")
        return
    point = points[0]
    g = narrowed(f, x_dim, point["x"])
    what = f"{x_dim} {point['x']}"
    if color_dim and point.get("legendgroup"):
        g = narrowed(g, color_dim, point["legendgroup"])
        what += f", {color_dim} {point['legendgroup']}"
    issues_behind(g, what, view)


def voter_id(name: str) -> str:
    """Who is voting: a typed name if given; else a hash of this browser's XSRF cookie (stable
    while the browser keeps it); else an id for this session. The cookie itself is never stored."""
    if name.strip():
        return "name:" + name.strip().casefold()[:60]
    cookie = (st.context.cookies or {}).get("_streamlit_xsrf")
    if cookie:
        return "browser:" + hashlib.sha256(cookie.encode()).hexdigest()[:16]
    return "session:" + st.session_state.setdefault("_voter_session", uuid.uuid4().hex[:16])


def issues_with_votes(f: Filters, search: str, limit: int) -> pd.DataFrame:
    """Issue rows (clusters) with their quick-signal votes; clusters with votes are always kept."""
    tally = data.vote_tally(f.repo)
    include = tuple(sorted({f"{r}#{n}" for r, n in zip(tally["repo"], tally["number"])}))
    rows = data.query("issue_rows", f, search, limit, include)
    return analysis.with_votes(rows, tally, votes.SIGNALS)


def vote_form(targets: list[str], key: str = "vote") -> None:
    """Cast a quick-signal vote on one of these issues (`OWNER/NAME#N`); one per voter and signal."""
    st.caption("One vote per person, signal and issue, kept across data refreshes. Without a name your "
               "vote is tied to this browser.")
    if message := st.session_state.pop(f"_{key}_message", None):
        st.success(message)  # set before the rerun that shows the new count
    with st.form(key):
        target = st.selectbox("Issue", targets, key=f"{key}_issue")
        signal = st.selectbox("Signal", votes.SIGNALS, format_func=lambda s: f"{s} — {votes.SIGNAL_HELP[s]}",
                              key=f"{key}_signal")
        name = st.text_input("Your name (optional)", key=f"{key}_name", max_chars=60)
        if st.form_submit_button("Vote", icon=":material/how_to_vote:"):
            repo, _, number = target.rpartition("#")
            added = data.cast_vote(repo, int(number), signal, voter_id(name))
            st.session_state[f"_{key}_message"] = (
                f"Vote counted: {signal} on {target}." if added else
                "You had already given this signal to this issue; it counts once.")
            st.rerun()


def fetch_missing_issue(repo: str, number: int) -> None:
    """An issue that is not in the database: fetch it now when GitHub can be reached, else say
    plainly what to run. Demo repositories exist only offline."""
    repos = data.query("repos")
    if repos[repos["repo"] == repo]["is_demo"].any():
        st.info(f"Issue {number} is not in the synthetic demo repository {repo}.")
        return
    with st.spinner(f"{repo}#{number} is not in the database yet: fetching it from GitHub …"):
        try:
            summary = data.fetch_issue(repo, number)
        except (GitHubError, DatabaseError) as exc:
            st.warning(f"{repo}#{number} is not in the database, and fetching it did not work:")
            st.code(str(exc), language=None)  # plain text: a server's message is not ours to render
            st.caption("Load it from a terminal with one of:")
            st.code(f"python -m etl fetch {repo}#{number}\npython -m etl pull --repo {repo}", language="bash")
            return
    st.session_state["_fetch_message"] = summary
    st.rerun()


def fetched_notice() -> None:
    """Say that the issue on screen was just fetched from GitHub (once)."""
    if message := st.session_state.pop("_fetch_message", None):
        st.success(message, icon=":material/cloud_download:")
