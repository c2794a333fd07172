"""By plan & platform: how reports spread over plans, operating systems and providers, and which
error categories hit which plan or OS."""
import streamlit as st

from radar import charts, data, sidebar, widgets

f = sidebar.render()
st.title("By plan & platform")
st.caption("Usage-related reports per plan, operating system and provider ('unknown': the report "
           "does not say). Click a bar to list the issues behind it.")

for dim, heading in (("plan", "Plan"), ("os", "Operating system"), ("provider", "Provider")):
    st.subheader(heading)
    df = data.query("distribution", f, dim)
    if widgets.empty_notice(df):
        st.stop()
    points = widgets.chart(charts.bars(df, dim, "reports"), f"{dim}_chart")
    widgets.csv_download(df, f"reports-by-{dim}", f)
    widgets.drill_down(points, f, dim, view=f"{dim}-drill")

for rows, heading in (("plan", "Plan × error category"), ("os", "Operating system × error category")):
    st.subheader(heading)
    cross = data.query("crosstab", f, rows, "category")
    widgets.chart(charts.heatmap(cross, "category", rows, "reports"), f"{rows}_category_heatmap", select=False)
    widgets.csv_download(cross, f"{rows}-by-category", f)
    with st.expander("As a table"):
        st.dataframe(cross.pivot_table(index=rows, columns="category", values="reports", fill_value=0),
                     width="stretch")
