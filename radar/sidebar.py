"""The sidebar filters, kept in the URL. Each page calls `render()` first and reads its value.

(Pages draw the sidebar themselves rather than app.py: elements drawn by the navigation entry
point are not visible to AppTest on pages other than the default one.)"""
from __future__ import annotations

from datetime import date

import streamlit as st

from radar import data
from radar.filters import Filters

ALL_REPOS = "All repos"
_STATE = "_filters"


def _starting_filters() -> Filters:
    """Where the widgets start: the filters of the previous rerun (so they survive a page switch,
    which resets widgets), or on a session's first run the filters in its URL."""
    if _STATE not in st.session_state:
        st.session_state[_STATE] = Filters.from_params(st.query_params)
    return st.session_state[_STATE]


def _repo_filter(repos: list[str], start: Filters) -> str | None:
    options = ([ALL_REPOS] if len(repos) > 1 else []) + repos
    index = options.index(start.repo) if start.repo in options else 0
    choice = st.sidebar.selectbox("Repository", options, index=index, key="f_repo")
    return None if choice == ALL_REPOS else choice


def _date_filter(repo: str | None, start: Filters) -> tuple[date | None, date | None]:
    lo, hi = data.query("date_bounds", repo)
    if lo is None:
        return None, None
    begin = start.date_from if start.date_from and lo <= start.date_from <= hi else lo
    end = start.date_to if start.date_to and begin <= start.date_to <= hi else hi
    picked = st.sidebar.date_input("Reported between", value=(begin, end), min_value=lo, max_value=hi,
                                   key=f"f_dates_{repo}")
    first = picked[0] if len(picked) > 0 else None
    last = picked[1] if len(picked) > 1 else None
    return (None if first == lo else first), (None if last in (hi, None) else last)


def _version_filter(repo: str | None, start: Filters) -> tuple[str | None, str | None, int | None]:
    versions = data.query("versions", repo)
    if len(versions) < 2:
        return None, None, None
    # With all repos, N counts within each one: clients number their releases differently.
    each = "" if repo else " of each repository"
    help_ = "The newest versions that reports name; replaces the version range." + (
        "" if repo else " Each repository keeps its own N newest, whatever its version numbers.")
    latest = st.sidebar.number_input(f"Only the latest N releases{each} (0 = off)", min_value=0,
                                     max_value=len(versions), value=min(start.latest_n or 0, len(versions)),
                                     step=1, key=f"f_latest_{repo}", help=help_)
    lo = start.version_lo if start.version_lo in versions else versions[0]
    hi = start.version_hi if start.version_hi in versions else versions[-1]
    lo, hi = st.sidebar.select_slider("Client version range", options=versions, value=(lo, hi),
                                      key=f"f_version_{repo}", disabled=bool(latest))
    return (None if lo == versions[0] else lo), (None if hi == versions[-1] else hi), (int(latest) or None)


_MULTI_LABELS = {"os": "Operating system", "plan": "Plan", "provider": "Provider",
                 "category": "Error category", "state": "Issue state", "label": "Labels", "tier": "Evidence"}
_MULTI_HELP = {"tier": "What decided that a report is about usage, strongest first: the first four are errors "
                       "the reporter quoted (a message a client prints, error type, HTTP status, attached error); "
                       "pick them to keep only strong evidence."}


def _multi_filters(repo: str | None, start: Filters) -> dict[str, tuple[str, ...]]:
    """One multiselect per dimension, options from the data ('unknown' = not stated)."""
    options = data.query("dimension_values", repo)
    picked = {}
    for name, label in _MULTI_LABELS.items():
        choices = options.get(name, [])
        default = [v for v in getattr(start, name) if v in choices]
        picked[name] = tuple(st.sidebar.multiselect(label, choices, default=default, key=f"f_{name}_{repo}",
                                                    placeholder="all", help=_MULTI_HELP.get(name)))
    return picked


def render() -> Filters:
    """Draw the filters, store them for the pages and mirror them into the URL."""
    start = _starting_filters()
    repos = list(data.query("repos")["repo"])
    st.sidebar.header("Filters")
    repo = _repo_filter(repos, start)
    date_from, date_to = _date_filter(repo, start)
    version_lo, version_hi, latest_n = _version_filter(repo, start)
    f = Filters(repo=repo, date_from=date_from, date_to=date_to, version_lo=version_lo,
                version_hi=version_hi, latest_n=latest_n, **_multi_filters(repo, start))
    st.session_state[_STATE] = f
    st.query_params.from_dict(f.to_params())  # updates the URL only; it does not rerun
    return f
