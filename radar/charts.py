"""Plotly figures built from query results. Pure: a DataFrame in, a figure out.

Only normalized values (versions, categories, OS, plan, provider, weeks, issue numbers) go into
figures: Plotly renders a subset of HTML in labels and hover text, so titles, signatures and
other free text never do.
"""
from __future__ import annotations

import html

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

_MARGIN = dict(l=10, r=10, t=30, b=10)


def _finish(fig: go.Figure, height: int = 420) -> go.Figure:
    fig.update_layout(margin=_MARGIN, height=height, legend_title_text="")
    return fig


def bar_by_version(df: pd.DataFrame, flags: pd.DataFrame | None = None) -> go.Figure:
    """Reports per version; the x axis keeps the frame's (semantic) order, not a numeric one.
    Releases with a regression flag get a marker and the category that jumped."""
    fig = px.bar(df, x="version", y="reports", hover_data=["reporters", "issues"],
                 labels={"version": "client version", "reports": "reports"})
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(df["version"]))
    for version, rows in (flags.groupby("version", sort=False) if flags is not None else []):
        top = df.loc[df["version"] == version, "reports"].max()
        text = "<br>".join(f"▲ {r.category} {r.baseline_share:.0f}%→{r.share:.0f}%" for r in rows.itertuples())
        fig.add_annotation(x=version, y=top, text=text, showarrow=True, arrowhead=2, ay=-40,
                           font=dict(color="#c0392b", size=11))
    return _finish(fig)


def stacked_bars(df: pd.DataFrame, x: str, y: str, color: str, x_title: str | None = None) -> go.Figure:
    fig = px.bar(df, x=x, y=y, color=color, labels={x: x_title or x})
    return _finish(fig)


def bars(df: pd.DataFrame, x: str, y: str) -> go.Figure:
    """One bar per x value. x is HTML-escaped: on the SQL page it may be any text."""
    df = df.assign(**{x: df[x].astype(str).map(html.escape)})
    fig = px.bar(df, x=x, y=y, hover_data=[c for c in ("reporters", "issues") if c in df])
    fig.update_xaxes(type="category")
    return _finish(fig, height=360)


def heatmap(df: pd.DataFrame, x: str, y: str, z: str, x_order: list | None = None, z_title: str = "") -> go.Figure:
    """A long frame (x, y, z) as a heatmap, x in the given order."""
    wide = df.pivot_table(index=y, columns=x, values=z, aggfunc="sum", fill_value=0)
    if x_order is not None:
        wide = wide.reindex(columns=[v for v in x_order if v in wide.columns])
    fig = px.imshow(wide, aspect="auto", color_continuous_scale="Reds", labels=dict(color=z_title or z),
                    text_auto=".0f" if len(wide.columns) <= 20 else False)
    fig.update_xaxes(type="category", side="bottom")
    return _finish(fig, height=max(320, 28 * len(wide.index) + 120))


def grouped_bars(df: pd.DataFrame, x: str, columns: list[str]) -> go.Figure:
    """Several measures side by side per x (e.g. reports, me-too, 👍, votes per issue)."""
    long = df.melt(id_vars=[x], value_vars=columns, var_name="measure", value_name="count")
    fig = px.bar(long, x=x, y="count", color="measure", barmode="group")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(df[x]))
    return _finish(fig)
