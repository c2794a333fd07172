"""CSV downloads that are safe to open in a spreadsheet, named after the view and its filters."""
from __future__ import annotations

import csv
import re

import pandas as pd

from radar.filters import Filters

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell (and header) neutralized; numbers are left as numbers."""
    out = df.copy()
    out.columns = [neutralize(str(c)) for c in out.columns]
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])):
            out[col] = out[col].map(neutralize)
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    # Every text cell quoted: a stray CR or tab inside a title cannot split a row.
    return safe_frame(df).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8")


def file_name(view: str, filters: Filters) -> str:
    stem = re.sub(r"[^A-Za-z0-9._+-]+", "-", f"usage-radar_{view}_{filters.describe()}")
    return stem[:150] + ".csv"
