"""Figures for the issue report and the Compare page. Pure: DataFrames in, Plotly figures out.
Issue titles never go into a figure (Plotly renders some HTML in text): nodes are `#N` only."""
from __future__ import annotations

import math

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

KIND_COLORS = {"duplicate_of": "#d62728", "mentions": "#1f77b4", "cross_referenced_by": "#2ca02c"}


def link_graph(repo: str, number: int, links: pd.DataFrame) -> go.Figure:
    """This issue in the middle, every linked issue or PR on a circle around it."""
    others = links.drop_duplicates(["other_repo", "other_number"]).reset_index(drop=True)
    fig = go.Figure()
    n = max(len(others), 1)
    for i, row in others.iterrows():
        x, y = math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)
        kinds = links[(links["other_repo"] == row["other_repo"]) & (links["other_number"] == row["other_number"])]
        kind = kinds["kind"].iloc[0]
        fig.add_trace(go.Scatter(x=[0, x], y=[0, y], mode="lines", hoverinfo="skip", showlegend=False,
                                 line=dict(color=KIND_COLORS.get(kind, "#888"), width=2)))
        fig.add_trace(go.Scatter(
            x=[x], y=[y], mode="markers+text", text=[_node_label(repo, row)], textposition="top center",
            marker=dict(size=18, symbol="square" if row["is_pull_request"] is True else "circle",
                        color=KIND_COLORS.get(kind, "#888")),
            name=kind, legendgroup=kind, showlegend=kind not in {t.name for t in fig.data if t.showlegend},
            hovertext=[f"{'PR' if row['is_pull_request'] is True else 'issue'} {_node_label(repo, row)}: "
                       f"{', '.join(sorted(set(kinds['kind'])))} ({row['state'] if isinstance(row['state'], str) else 'not loaded'})"],
            hoverinfo="text"))
    fig.add_trace(go.Scatter(x=[0], y=[0], mode="markers+text", text=[f"#{number}"], textposition="bottom center",
                             marker=dict(size=26, color="#ff7f0e"), name="this issue", hoverinfo="skip"))
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=10, b=10), xaxis=dict(visible=False),
                      yaxis=dict(visible=False, scaleanchor="x"), legend=dict(orientation="h"))
    return fig


def _node_label(repo: str, row) -> str:
    return f"#{row['other_number']}" if row["other_repo"] == repo else f"{row['other_repo']}#{row['other_number']}"


def spread_bars(counts: list[tuple[str, int]], field: str) -> go.Figure:
    df = pd.DataFrame(counts, columns=[field, "reports"])
    fig = px.bar(df, x=field, y="reports")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(df[field]))
    fig.update_layout(height=260, margin=dict(l=10, r=10, t=10, b=10))
    return fig


def compare_categories(df: pd.DataFrame) -> go.Figure:
    fig = px.bar(df, x="category", y="per_100_issues", color="repo", barmode="group",
                 labels={"per_100_issues": "issues per 100 usage issues"})
    fig.update_layout(height=420, margin=dict(l=10, r=10, t=30, b=10))
    return fig


def compare_versions(df: pd.DataFrame) -> go.Figure:
    """Each repo's reports over its own releases (x = release index; versions on hover)."""
    fig = px.line(df, x="release_index", y="reports", color="repo", markers=True, hover_data=["version"],
                  labels={"release_index": "release (in each repo's version order)"})
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=30, b=10))
    return fig
