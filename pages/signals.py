"""Signals: what hurts most people — reports, me-too comments, reactions and quick-signal votes
side by side, per issue and per error category, and what is trending."""
import streamlit as st

from radar import charts, data, sidebar, votes, widgets

f = sidebar.render()
st.title("Signals")
st.caption("People affected = distinct reporters plus people who only said 'me too'. Reactions are "
           "counted once per issue; duplicates are folded into their canonical issue.")

issues = widgets.issues_with_votes(f, "", 50)
if widgets.empty_notice(issues):
    st.stop()
top = issues.head(20).assign(issue=lambda d: "#" + d["number"].astype(str))
st.subheader("What hurts most people: the top 20 issues")
widgets.chart(charts.grouped_bars(top.rename(columns={"thumbs_up": "+1 reactions", "me_too": "me-too"}), "issue",
                                  ["people", "reports", "me-too", "+1 reactions", "votes"]), "signals_chart", select=False)
widgets.table(issues[["repo", "number", "title", "category", "people", "reports", "reporters", "me_too",
                      "thumbs_up", "reactions", "reactions_gained", "participants", *votes.SIGNALS, "votes",
                      "html_url"]], "signals-by-issue", f)

st.subheader("Trending: reactions gained in the last 7 days of syncs")
widgets.table(data.query("trending", f), "trending", f,
              when_empty="No issue gained reactions between the syncs on record (it takes two syncs to see a trend).")

st.subheader("Per error category")
categories = data.query("category_signals", f)
widgets.chart(charts.grouped_bars(categories.rename(columns={"thumbs_up": "+1 reactions", "me_too": "me-too"}),
                                  "category", ["people", "reports", "me-too", "+1 reactions"]),
              "category_signals_chart", select=False)
widgets.csv_download(categories, "signals-by-category", f)

left, right = st.columns(2)
with left:
    st.subheader("Reactions by kind")
    reactions = data.query("reactions_by_kind", f)
    widgets.chart(charts.bars(reactions, "reaction", "count"), "reactions_chart", select=False)
    widgets.csv_download(reactions, "reactions-by-kind", f)
with right:
    st.subheader("Quick-signal votes")
    tally = issues[list(votes.SIGNALS)].sum().rename_axis("signal").reset_index(name="votes")
    widgets.chart(charts.bars(tally, "signal", "votes"), "votes_chart", select=False)
    widgets.csv_download(tally, "votes-by-signal", f)
