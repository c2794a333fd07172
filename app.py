"""Usage Radar: the Streamlit entry point. Sets up the page, the navigation and the filters."""
import streamlit as st

from etl import db
from radar import data

st.set_page_config(page_title="Usage Radar", page_icon=":material/radar:", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/by_version.py", title="By version", icon=":material/bar_chart:"),
    st.Page("pages/plan_platform.py", title="By plan & platform", icon=":material/devices:"),
    st.Page("pages/signals.py", title="Signals", icon=":material/campaign:"),
    st.Page("pages/issues.py", title="Issues", icon=":material/list:"),
    st.Page("pages/issue_report.py", title="Issue report", icon=":material/description:"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("pages/sql.py", title="SQL", icon=":material/database:"),
    st.Page("pages/data_quality.py", title="Data quality", icon=":material/fact_check:"),
]
page = st.navigation(PAGES)


def _no_data(reason: str) -> None:
    st.title("Usage Radar")
    st.warning(reason)
    st.markdown(
        "Load data first, then reload this page:\n\n"
        "- demo data, offline: `python -m etl demo`\n"
        "- a real repository: `python -m etl pull --repo anthropics/claude-code`\n"
        "- saved API JSON: `python -m etl import issues.json comments.json`"
    )
    st.stop()


try:
    if data.data_version() is None:
        _no_data(f"There is no database yet at `{data.db_path()}`.")
    if data.query("repos").empty:
        _no_data("The database holds no repository yet.")
    if missing := data.query("missing_columns"):
        _no_data(f"The database was built by an earlier version of Usage Radar (it lacks "
                 f"{', '.join(missing)}). Bring it up to date offline with `python -m etl reparse`.")
except db.DatabaseError as exc:
    _no_data(f"The database cannot be read: {exc}")

page.run()
