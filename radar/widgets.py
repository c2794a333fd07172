"""Small Streamlit building blocks the pages share."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from radar import export
from radar.filters import Filters


def csv_download(df: pd.DataFrame, view: str, filters: Filters, label: str = "Download CSV") -> None:
    """Offer exactly this frame as a spreadsheet-safe CSV."""
    st.download_button(label, data=export.csv_bytes(df), file_name=export.file_name(view, filters),
                       mime="text/csv", key=f"csv_{view}", icon=":material/download:")


def empty_notice(df: pd.DataFrame) -> bool:
    """Say so plainly when the filters leave nothing; True when empty."""
    if df.empty:
        st.info("No reports match these filters. Widen the version or date range in the sidebar.")
        return True
    return False
