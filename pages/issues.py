"""Issues: a searchable table of issues (duplicates folded into their canonical issue) with their
signals and the version/OS/plan breakdown of their reports; cast quick-signal votes here."""
import streamlit as st

from radar import data, sidebar, votes, widgets

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
st.caption("One vote per person, signal and issue, kept across data refreshes. Without a name your "
           "vote is tied to this browser.")
if message := st.session_state.pop("_vote_message", None):
    st.success(message)  # set before the rerun that shows the new count
keys = [f"{r}#{n}" for r, n in zip(issues["repo"], issues["number"])]
with st.form("vote"):
    target = st.selectbox("Issue", keys, key="vote_issue")
    signal = st.selectbox("Signal", votes.SIGNALS, format_func=lambda s: f"{s} — {votes.SIGNAL_HELP[s]}",
                          key="vote_signal")
    name = st.text_input("Your name (optional)", key="vote_name", max_chars=60)
    if st.form_submit_button("Vote", icon=":material/how_to_vote:"):
        repo, _, number = target.rpartition("#")
        added = data.cast_vote(repo, int(number), signal, widgets.voter_id(name))
        st.session_state["_vote_message"] = (f"Vote counted: {signal} on {target}." if added else
                                             "You had already given this signal to this issue; it counts once.")
        st.rerun()
