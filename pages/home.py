"""Home: what data is loaded, how fresh it is, and whether it is demo data."""
import streamlit as st

from radar import data, sidebar

f = sidebar.render()
repos = data.query("repos")
syncs = data.query("last_syncs")

st.title("Usage Radar")
st.caption("Which usage, quota and rate-limit errors are reported, on which versions, plans and platforms.")
if repos["is_demo"].any():
    st.warning("You are looking at **synthetic demo data** (repository `demo/ai-cli`): every issue, "
               "user and number is generated. Pull a real repository with `python -m etl pull --repo OWNER/NAME`.",
               icon=":material/science:")

summary = data.query("summary", f).iloc[0]
cols = st.columns(4)
cols[0].metric("Reports", f"{summary['reports']:,}")
cols[1].metric("Distinct reporters", f"{summary['reporters']:,}")
cols[2].metric("Issues", f"{summary['issues']:,}")
cols[3].metric("Client versions", f"{summary['versions']:,}")

st.subheader("Loaded data")
table = repos.merge(syncs, on="repo", how="left").rename(columns={
    "is_demo": "demo", "newest_update": "newest issue update", "kind": "last load",
    "finished_at": "loaded at", "outcome": "outcome"})
st.dataframe(table, hide_index=True, width="stretch")
