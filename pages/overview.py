"""Overview: KPIs, reports per week by category, top error signatures, and how fresh the data is."""
import streamlit as st

from radar import charts, data, sidebar, widgets

f = sidebar.render()
repos = data.query("repos")

st.title("Usage Radar")
st.caption("Which usage, quota and rate-limit errors are reported, on which versions, plans and platforms.")
if repos["is_demo"].any():
    st.warning("You are looking at **synthetic demo data** (repository `demo/ai-cli`): every issue, "
               "user and number is generated. Pull a real repository with `python -m etl pull --repo OWNER/NAME`.",
               icon=":material/science:")

summary = data.query("summary", f).iloc[0]
cols = st.columns(5)
cols[0].metric("Reports", f"{summary['reports']:,}", help="Issue bodies and report-like comments")
cols[1].metric("Distinct reporters", f"{summary['reporters']:,}")
cols[2].metric("People affected", f"{summary['people']:,}", help="Reporters plus people who only said 'me too'")
cols[3].metric("Issues", f"{summary['issues']:,}", help="Duplicates folded into their canonical issue")
cols[4].metric("Client versions", f"{summary['versions']:,}")

st.subheader("Reports per week by error category")
weekly = data.query("weekly_by_category", f)
if not widgets.empty_notice(weekly):
    points = widgets.chart(charts.stacked_bars(weekly, "week", "reports", "category"), "weekly_chart")
    widgets.csv_download(weekly, "reports-per-week", f)
    widgets.drill_down(points, f, "week", "category", view="weekly-drill")

st.subheader("Top error signatures")
st.caption("The error message with ids, times and amounts replaced, so the same error groups together.")
widgets.table(data.query("signatures", f, 15), "top-signatures", f)

st.subheader("Loaded data")
table = repos.merge(data.query("last_syncs"), on="repo", how="left").rename(columns={
    "is_demo": "demo", "newest_update": "newest issue update", "kind": "last load",
    "finished_at": "loaded at", "outcome": "outcome"})
widgets.table(table, "loaded-data", f)
