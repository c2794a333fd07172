"""Plotly figures built from query results. Pure: a DataFrame in, a figure out."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go


def bar_by_version(df: pd.DataFrame) -> go.Figure:
    """Reports per version; the x axis keeps the frame's (semantic) order, not a numeric one."""
    fig = px.bar(df, x="version", y="reports", hover_data=["reporters", "issues"],
                 labels={"version": "client version", "reports": "reports"})
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(df["version"]))
    fig.update_layout(margin=dict(l=10, r=10, t=30, b=10), height=420)
    return fig
