"""Pure pandas steps on query results: release shares, regression flags, vote tallies."""
from __future__ import annotations

import pandas as pd

# Regression rule: a category is flagged in a release when its share of that release's reports
#   - is at least REGRESSION_RATIO × its share in the BASELINE_RELEASES releases before it (pooled),
#   - is at least REGRESSION_POINTS percentage points above that baseline,
#   - rests on at least REGRESSION_MIN_REPORTS reports, and
#   - is improbable under the baseline: z ≥ REGRESSION_MIN_Z in a one-sided test of proportions
#     (baseline smoothed by half a report, so a category new to the data is not infinitely rare).
# The pooled baseline and the z-test keep small releases' noise from raising flags.
REGRESSION_RATIO = 2.0
REGRESSION_POINTS = 10.0
REGRESSION_MIN_REPORTS = 5
REGRESSION_MIN_Z = 4.0
BASELINE_RELEASES = 3


def _wide(by_version_category: pd.DataFrame) -> pd.DataFrame:
    """Reports as a version × category matrix, versions in the frame's (semantic) order."""
    order = list(dict.fromkeys(by_version_category["version"]))
    return (by_version_category.pivot_table(index="version", columns="category", values="reports", aggfunc="sum")
            .reindex(order).fillna(0))


def with_shares(by_version_category: pd.DataFrame) -> pd.DataFrame:
    """Adds `share`: the category's % of its release's reports."""
    df = by_version_category.copy()
    df["share"] = 100 * df["reports"] / df.groupby("version", sort=False)["reports"].transform("sum")
    return df


def regression_flags(by_version_category: pd.DataFrame) -> pd.DataFrame:
    """The (release, category) pairs whose share jumped against the releases before (rule above)."""
    cols = ["version", "baseline_versions", "category", "reports", "baseline_share", "share", "z"]
    if by_version_category.empty:
        return pd.DataFrame(columns=cols)
    counts = _wide(by_version_category)
    totals = counts.sum(axis=1)
    base_counts = counts.shift(1).rolling(BASELINE_RELEASES, min_periods=1).sum()
    base_totals = totals.shift(1).rolling(BASELINE_RELEASES, min_periods=1).sum()
    p0 = (base_counts + 0.5).div(base_totals + 1, axis=0)
    share = counts.div(totals, axis=0)
    z = (counts - p0.mul(totals, axis=0)) / (p0 * (1 - p0)).mul(totals, axis=0) ** 0.5
    hit = ((counts >= REGRESSION_MIN_REPORTS) & (share >= REGRESSION_RATIO * p0)
           & (100 * (share - p0) >= REGRESSION_POINTS) & (z >= REGRESSION_MIN_Z) & base_totals.gt(0).to_frame().values)
    versions = list(counts.index)
    rows = [(v, ", ".join(versions[max(0, i - BASELINE_RELEASES):i]), c, int(counts.at[v, c]),
             round(100 * p0.at[v, c], 1), round(100 * share.at[v, c], 1), round(z.at[v, c], 1))
            for i, v in enumerate(versions) for c in counts.columns if hit.at[v, c]]
    return pd.DataFrame(rows, columns=cols)


def vote_tally(votes: pd.DataFrame, clusters: pd.DataFrame) -> pd.DataFrame:
    """Votes per (repo, canonical issue, signal): a vote on a duplicate counts for its cluster, and
    a voter counts once per cluster and signal even if they voted on two of its issues."""
    if votes.empty:
        return pd.DataFrame(columns=["repo", "number", "signal", "votes"])
    v = votes.merge(clusters, on=["repo", "number"], how="left")
    v["number"] = v["canonical"].fillna(v["number"]).astype(int)
    v = v.drop_duplicates(["repo", "number", "signal", "voter"])
    return v.groupby(["repo", "number", "signal"]).size().rename("votes").reset_index()


def with_votes(issues: pd.DataFrame, tally: pd.DataFrame, signals: tuple[str, ...]) -> pd.DataFrame:
    """Issue rows with one column per quick signal and their total (`votes`)."""
    wide = (tally.pivot_table(index=["repo", "number"], columns="signal", values="votes", aggfunc="sum")
            .reindex(columns=list(signals)).fillna(0).astype(int).reset_index()) if not tally.empty else None
    out = issues.copy()
    if wide is None:
        for s in signals:
            out[s] = 0
    else:
        out = out.merge(wide, on=["repo", "number"], how="left")
        out[list(signals)] = out[list(signals)].fillna(0).astype(int)
    out["votes"] = out[list(signals)].sum(axis=1)
    return out
