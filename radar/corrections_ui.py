"""Triage corrections in the app: the form that casts one, and an issue's corrections with undo.

The corrections themselves live in etl/corrections.py; data.correct saves and applies them.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from etl import corrections, triage
from etl.db import DatabaseError
from radar import data
from radar.widgets import voter_id

LABELS = {"is_usage_related": "usage-related or not", "error_category": "error category", "version": "client version",
          "os": "operating system", "plan": "plan", "provider": "provider", "duplicate_of": "duplicate of #N",
          "canonical": "this is the canonical issue"}


def _value(field: str, repo: str, key: str):
    """The input for a field's right value, from the parser's vocabulary where it has one."""
    if field == "is_usage_related":
        return st.selectbox("Right value", ["false", "true"], key=f"{key}_usage",
                            format_func={"false": "not usage-related", "true": "usage-related"}.get)
    if field == "canonical":
        st.caption("Its cluster's other issues will fold into this one.")
        return "true"
    if field == "duplicate_of":
        return st.number_input("Duplicate of issue #", min_value=1, step=1, value=None, key=f"{key}_dup")
    if field == "version":
        return st.text_input("Right value", key=f"{key}_version", max_chars=40,
                             placeholder=f"e.g. 2.1.4, or {corrections.UNKNOWN}")
    options = corrections.VALUES.get(field) or triage.categories_for(repo)
    return st.selectbox("Right value", [*options, corrections.UNKNOWN], key=f"{key}_{field}")


def _notice(key: str) -> None:
    """What the last save or undo did (set before the rerun that shows the corrected numbers);
    shown by whichever of form and in_force comes first on the page."""
    if message := st.session_state.pop(f"_{key}_message", None):
        st.success(message)


def form(targets: list[str], key: str) -> None:
    """Correct one field of one of these issues (`OWNER/NAME#N`): kept across pulls and reparses."""
    _notice(key)
    if not targets:
        return
    target = targets[0] if len(targets) == 1 else st.selectbox("Issue", targets, key=f"{key}_issue")
    repo, _, number = target.rpartition("#")
    field = st.selectbox("Field", corrections.FIELDS, format_func=LABELS.get, key=f"{key}_field")
    with st.form(f"{key}_form", border=False):  # the rest is sent at once, on Save
        value = _value(field, repo, key)
        name = st.text_input("Your name (optional)", key=f"{key}_name", max_chars=60)
        note = st.text_input("Why (optional)", key=f"{key}_note", max_chars=corrections.MAX_NOTE)
        saved = st.form_submit_button("Save correction", key=f"{key}_save", icon=":material/edit_note:")
    if saved:
        try:
            if value is None or value == "":
                raise ValueError(f"give the right {LABELS[field]}")
            entry = corrections.correction(repo, int(number), field, value, voter_id(name), note,
                                           triage.categories_for(repo))
            if missing := data.query("corrections.missing_issues", (entry,)):
                raise ValueError(f"{missing[0]} is not in the database: fetch it first (issue report)")
            st.session_state[f"_{key}_message"] = data.correct([entry])
        except (ValueError, DatabaseError) as exc:
            st.error(str(exc))
            return
        st.rerun()


def in_force(repo: str, number: int, key: str) -> None:
    """The issue's corrections: what the parser read, the correction and who made it, with undo."""
    _notice(key)
    rows: pd.DataFrame = data.query("issue_queries.corrections", repo, number)
    if rows.empty:
        st.caption("No correction: every value above is the parser's reading.")
        return
    for r in rows.itertuples():
        left, right = st.columns([5, 1])
        left.text(f"{LABELS.get(r.field, r.field)}: {r.corrected} (parser: {r.parser if r.parser is not None else '—'}), "
                  f"by {r.corrected_by} on {str(r.corrected_at)[:16]}" + (f" — {r.note}" if r.note else ""))
        if right.button("Undo", key=f"{key}_undo_{r.field}", icon=":material/undo:"):
            try:
                entry = corrections.correction(repo, number, r.field, None, voter_id(""))
                st.session_state[f"_{key}_message"] = data.correct([entry]).replace("Saved", "Undone")
            except DatabaseError as exc:
                st.error(str(exc))
                return
            st.rerun()
