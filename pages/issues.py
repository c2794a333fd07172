"""Issues: a searchable table of issues (duplicates folded into their canonical issue) with their
signals and the version/OS/plan breakdown of their reports; cast quick-signal votes and triage
corrections here."""
import streamlit as st

from radar import corrections_ui, sidebar, votes, widgets

f = sidebar.render()
st.title("Issues")
st.caption("One row per canonical issue: its duplicates' reports are counted with it. Breakdown: "
           "the versions, operating systems and plans its reports state, most frequent first.")

search = st.text_input("Search titles or an issue number", key="issue_search", max_chars=200)
issues = widgets.issues_with_votes(f, search, 200)
if widgets.empty_notice(issues):
    st.stop()
widgets.table(issues[["repo", "number", "title", "state", "category", "breakdown", "people", "reports",
                      "reporters", "me_too", "thumbs_up", "reactions_gained", "participants", "duplicates",
                      "votes", *votes.SIGNALS, "opened", "html_url"]], "issues", f)

st.subheader("Quick-signal vote")
widgets.vote_form([f"{r}#{n}" for r, n in zip(issues["repo"], issues["number"])])

st.subheader("Correct a reading")
st.caption("Not about usage, another category, version, OS, plan or provider, a duplicate, or the canonical "
           "issue: kept across pulls and reparses; undo it on the issue's report.")
corrections_ui.form([f"{r}#{n}" for r, n in zip(issues["repo"], issues["number"])], key="issues_fix")
