"""Compare: the same errors across several repositories, side by side."""
import streamlit as st

from radar import data, issue_charts, sidebar, widgets

f = sidebar.render()
st.title("Compare repositories")
st.caption("Every loaded repository with the sidebar's filters, except the repository and version range "
           "(each client numbers its releases its own way). "
           "Categories are counted per 100 usage-related issues, so trackers of different size compare.")

categories = data.query("issue_queries.compare_categories", f)
if widgets.empty_notice(categories):
    st.stop()
if categories["repo"].nunique() < 2:
    st.info("Only one repository is loaded. Pull another (e.g. `python -m etl pull --repo openai/codex`, "
            "or list several in radar.toml) to compare.")

st.subheader("Categories per 100 issues")
st.plotly_chart(issue_charts.compare_categories(categories), width="stretch", key="compare_categories")
widgets.csv_download(categories, "compare-categories", f)

st.subheader("Reports per release")
versions = data.query("issue_queries.compare_versions", f)
if not versions.empty:
    st.plotly_chart(issue_charts.compare_versions(versions), width="stretch", key="compare_versions")
    widgets.csv_download(versions, "compare-versions", f)

st.subheader("Top error signatures")
signatures = data.query("issue_queries.compare_signatures", f)
widgets.table(signatures, "compare-signatures", f)
