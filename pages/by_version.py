"""By version: reports per client version in semantic order."""
import streamlit as st

from radar import charts, data, sidebar, widgets

f = sidebar.render()
st.title("Reports by client version")
st.caption("Usage-related reports (issue bodies and report-like comments) per client version, "
           "in release order. Reports that state no version are left out of this chart.")

df = data.query("reports_by_version", f)
if not widgets.empty_notice(df):
    st.plotly_chart(charts.bar_by_version(df), width="stretch", key="by_version_chart")
    widgets.csv_download(df, "reports-by-version", f)
    st.dataframe(df, hide_index=True, width="stretch")
