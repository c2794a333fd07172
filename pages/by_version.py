"""By version: reports per client version in semantic order, regression flags, category shares,
and the version where each error signature first appeared."""
import streamlit as st

from etl.versions import sort_key
from radar import analysis, charts, data, sidebar, widgets

f = sidebar.render()
st.title("Reports by client version")
st.caption("Usage-related reports (issue bodies and report-like comments) per client version, "
           "in release order. Reports that state no version are left out of this page.")

df = data.query("reports_by_version", f)
if not widgets.empty_notice(df):
    by_category = data.query("category_by_version", f)
    flags = analysis.regression_flags(by_category)
    points = widgets.chart(charts.bar_by_version(df, flags), "by_version_chart")
    widgets.csv_download(df, "reports-by-version", f)
    widgets.drill_down(points, f, "version", view="version-drill")

    st.subheader("Regression flags")
    st.caption(f"A category is flagged in a release when its share of that release's reports is at least "
               f"{analysis.REGRESSION_RATIO:g}× its share over the {analysis.BASELINE_RELEASES} releases before, "
               f"at least {analysis.REGRESSION_POINTS:g} points higher, backed by at least "
               f"{analysis.REGRESSION_MIN_REPORTS} reports and unlikely to be chance (z ≥ {analysis.REGRESSION_MIN_Z:g}).")
    if flags.empty:
        st.info("No category's share jumped between consecutive releases under these filters.")
    else:
        widgets.table(flags, "regression-flags", f)

    st.subheader("Error category × version (share of the release's reports, %)")
    shares = analysis.with_shares(by_category).round({"share": 1})
    widgets.chart(charts.heatmap(shares, "version", "category", "share", list(df["version"]), "% of release"),
                  "category_version_heatmap", select=False)
    widgets.csv_download(shares, "category-by-version", f)

    st.subheader("First-seen version per error signature")
    st.caption("The 50 most reported signatures, newest first appearance first.")
    first = data.query("signatures", f, 50).sort_values(
        "first_version", key=lambda s: s.map(lambda v: sort_key(v) or ""), ascending=False)
    widgets.table(first, "signature-first-seen", f)
