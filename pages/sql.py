"""SQL: a read-only query over the database, its result, a quick chart and its CSV.

The statement runs on its own sandboxed connection (radar/sqlbox.py): one SELECT, no file or
network access, at most $RADAR_SQL_MAX_ROWS rows and $RADAR_SQL_TIMEOUT seconds (sqlbox.limits)."""
import streamlit as st

from radar import charts, data, export, sidebar, sqlbox, widgets

EXAMPLE = """SELECT error_category, count(*) AS reports, count(DISTINCT author) AS reporters
FROM reports
WHERE is_usage_related AND kind <> 'me_too'
GROUP BY ALL
ORDER BY reports DESC"""

f = sidebar.render()
st.title("SQL")
try:
    limits = sqlbox.limits()
except ValueError as exc:  # a mistyped setting: say which, never a traceback
    st.error(str(exc))
    st.stop()
st.caption(f"Read-only SQL over the tables (issues, comments, reports, issue_links, clusters, "
           f"reaction_snapshots, sync_runs, repos). One SELECT or WITH statement; at most "
           f"{limits.max_rows:,} rows and {limits.timeout_s:g} s. The sidebar filters do not apply here.")

sql = st.text_area("Query", value=EXAMPLE, height=180, key="sql_text")
if st.button("Run", type="primary", icon=":material/play_arrow:", key="sql_run"):
    try:
        st.session_state["sql_result"] = data.run_sql(sql)
    except Exception as exc:  # a refusal or any DuckDB error: say so, never a traceback
        st.session_state.pop("sql_result", None)
        st.error("The query was not run." if isinstance(exc, sqlbox.Refused) else "The query failed.")
        st.code(str(exc), language=None)  # plain text: an error may quote data
        st.stop()
result = st.session_state.get("sql_result")
if result is None:
    st.stop()
if result.truncated:
    st.warning(f"The result has more than {result.max_rows:,} rows: only the first {result.max_rows:,} "
               f"are shown and downloadable (limit: RADAR_SQL_MAX_ROWS).")
st.dataframe(export.safe_frame(result.frame), hide_index=True, width="stretch")
widgets.csv_download(result.frame, "sql-result", f)

numeric = [c for c in result.frame.columns if result.frame[c].dtype.kind in "iuf"]
if numeric and len(result.frame.columns) >= 2:
    with st.expander("Quick chart", expanded=True):
        x = st.selectbox("x", list(result.frame.columns), key="sql_x")
        y = st.selectbox("y", numeric, key="sql_y")
        widgets.chart(charts.bars(result.frame.head(500).astype({x: str}), x, y), "sql_chart", select=False)
