"""Issue report: paste an issue URL or number, see everything the tracker knows about it."""
import pandas as pd
import streamlit as st

from radar import corrections_ui, data, issue_charts, issue_report, sidebar, widgets
from etl.issue_ref import IssueRefError, parse_issue_ref

wanted = st.query_params.get("issue", "")  # read before the sidebar rewrites the URL
f = sidebar.render()
st.title("Issue report")
text = st.text_input("Issue", value=wanted, key="issue_ref",
                     placeholder="https://github.com/OWNER/NAME/issues/N, OWNER/NAME#N, or a number")
if not text:
    st.info("Paste an issue URL or number to see its parsed facts, cluster, links and signals.")
    st.stop()
st.query_params["issue"] = text
try:
    repo, number = parse_issue_ref(text, f.repo)
except IssueRefError as exc:
    st.error(str(exc))
    st.stop()

if data.query("issue_queries.issue", repo, number).empty:
    widgets.fetch_missing_issue(repo, number)
    st.stop()


widgets.fetched_notice()


def q(name):
    return data.query(f"issue_queries.{name}", repo, number)


cluster = q("cluster")
mine = cluster[cluster["number"] == number]
folded_into = int(mine["duplicate_of"].iloc[0]) if len(mine) and mine["duplicate_of"].notna().iloc[0] else number
tally = data.vote_tally(repo)
tally = tally[tally["number"] == folded_into]  # votes count for the issue a duplicate folds into
report = issue_report.build(
    repo, number, q("issue"), q("issue_reports"), q("event_counts"), q("participants"), q("links"), cluster,
    data.query("issue_queries.cluster_reports", repo, tuple(int(n) for n in cluster["number"])),
    votes=dict(zip(tally["signal"], tally["votes"].astype(int))), corrections=q("corrections"))

st.text(f"{repo}#{number}: {report.title}")  # untrusted: plain text only
if report.url:
    st.link_button("Open on GitHub", report.url)
cols = st.columns(5)
cols[0].metric("State", report.state)
cols[1].metric("Comments", report.comments)
cols[2].metric("Participants", report.participants)
cols[3].metric("Reactions", sum(report.reactions.values()))
cols[4].metric("Issues in cluster", len(report.cluster))
st.text((f"Closed as {report.state_reason}\n" if report.state_reason else "")
        + f"Labels: {', '.join(report.labels) or 'none'}\n"
        f"Opened {str(report.created_at)[:16]}, updated {str(report.updated_at)[:16]}"
        + (f", closed {str(report.closed_at)[:16]}" if report.closed_at is not None else "")
        + f"\nTimeline: {issue_report.events_line(report)}")

st.subheader("Summary")
st.text("\n".join(issue_report.summary(report)))
st.download_button("Download report as Markdown", issue_report.to_markdown(report).encode(),
                   file_name=f"usage-radar_{repo.replace('/', '-')}-{number}.md", mime="text/markdown",
                   icon=":material/download:")

left, right = st.columns(2)
with left:
    st.subheader("Parsed fields")
    st.caption("From the issue body; `from` says where each value was read, or who corrected it.")
    widgets.table(pd.DataFrame(report.parsed, columns=["field", "value", "from"]).astype(str),
                  f"issue-{number}-fields", f)
    st.caption("Why it counts as it does (the rule and the phrase that decided usage and category):")
    st.text(report.why or "not recorded: run `python -m etl reparse`")  # untrusted phrase: plain text
    if report.tier:
        st.caption(f"Evidence tier: {report.tier}")
with right:
    st.subheader("Signals")
    signals = pd.DataFrame([{"signal": f"reaction {k}", "count": n} for k, n in report.reactions.items()]
                           + [{"signal": f"vote {k}", "count": n} for k, n in report.votes.items()])
    widgets.table(signals, f"issue-{number}-signals", f)
    widgets.vote_form([f"{repo}#{number}"], key="report_vote")

st.subheader("Triage")
st.caption("A reading that is wrong can be corrected here: the correction counts on every page, chart, CSV "
           "and SQL query, and survives pulls and reparses until someone undoes it.")
corrections_ui.in_force(repo, number, key="report_fix")
with st.expander("Correct this reading"):
    corrections_ui.form([f"{repo}#{number}"], key="report_fix")

st.subheader(f"Cluster: canonical issue #{report.canonical}")
st.caption("Its duplicates and the issues whose reports carry the same specific error signature. "
           "The canonical issue is the one the others point to, else the most engaged.")
members = report.cluster.assign(canonical=report.cluster["number"] == report.canonical,
                                duplicate_of=report.cluster["duplicate_of"].astype("Int64"))
widgets.table(members, f"issue-{number}-cluster", f)
for column, tab in zip(("version", "os", "plan"), st.tabs(["by version", "by OS", "by plan"])):
    with tab:
        counts = issue_report.spread(report, column)
        if counts:
            st.plotly_chart(issue_charts.spread_bars(counts, column), width="stretch", key=f"spread_{column}")

st.subheader("Linked issues and pull requests")
if report.links.empty:
    st.info("No links found in the body, comments or timeline.")
else:
    st.plotly_chart(issue_charts.link_graph(repo, number, report.links), width="stretch", key="link_graph")
    widgets.table(report.links, f"issue-{number}-links", f)
