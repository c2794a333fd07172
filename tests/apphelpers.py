"""Running the real app with AppTest, and reading what it shows."""
from __future__ import annotations

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest

from conftest import REPO

APP = str(REPO / "app.py")


def open_page(page: str | None = None, params: dict | None = None) -> AppTest:
    """Run the app (on the database in $RADAR_DB) on a page, with optional URL query params."""
    at = AppTest.from_file(APP, default_timeout=60)
    if params:
        at.query_params.update(params)
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _decode(values):
    """Plotly sends numeric arrays as base64 typed arrays ({dtype, bdata})."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values or [])


def chart_traces(at: AppTest, key: str) -> list[dict]:
    """The traces of the Plotly chart with this key, with x/y/customdata decoded."""
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        if el.proto.id.endswith(key) or key in el.proto.id:
            return [{k: _decode(t.get(k)) if k in ("x", "y", "z") else t.get(k) for k in t} for t in spec["data"]]
    raise AssertionError(f"no chart with key {key!r}")


def captured_downloads(monkeypatch) -> list[tuple[bytes, str, str | None]]:
    """Record what st.download_button hands to Streamlit's media storage (data, mime, file name)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    seen: list = []
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        seen.append((path_or_data, mimetype, filename))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return seen


def frame_with(at: AppTest, *columns: str):
    """The first dataframe shown that has all these columns."""
    for el in at.dataframe:
        if set(columns) <= set(el.value.columns):
            return el.value
    raise AssertionError(f"no dataframe with columns {columns}")


def download(downloads: list, view: str) -> tuple[bytes, str, str]:
    """The last captured download of this view (file names start with usage-radar_<view>_)."""
    for data, mime, name in reversed(downloads):
        if name and name.startswith(f"usage-radar_{view}_"):
            return data, mime, name
    raise AssertionError(f"no download of {view!r} among {[n for _, _, n in downloads]}")
