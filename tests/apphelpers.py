"""Running the real app with AppTest, and reading what it shows."""
from __future__ import annotations

import ast
import base64
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from conftest import REPO

APP = str(REPO / "app.py")


@dataclass(frozen=True)
class AppPage:
    path: str      # as app.py names it, e.g. "pages/by_version.py" (what AppTest.switch_page takes)
    title: str
    url_path: str  # what the browser opens: "" for the default page, else the file's stem


def app_pages() -> list[AppPage]:
    """The pages of app.py's `PAGES = [st.Page(...), ...]`, read from its source: a page added there
    is smoke-tested without another list to keep (importing app.py would run the app)."""
    tree = ast.parse(Path(APP).read_text(encoding="utf-8"))
    (listed,) = [node.value for node in tree.body if isinstance(node, ast.Assign)
                 and [getattr(t, "id", None) for t in node.targets] == ["PAGES"]]
    pages = []
    for call in listed.elts:
        kw = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        path = ast.literal_eval(call.args[0])
        url_path = kw.get("url_path", "" if kw.get("default") else Path(path).stem)
        pages.append(AppPage(path, kw.get("title", Path(path).stem), url_path))
    return pages


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


# ---- hostile issues: every field an attack (used by the page tests) ----

MARK = "ZZHOSTILE"
HOSTILE_API = "https://api.github.com/repos/demo/ai-cli"
HOSTILE_TITLES = [
    f"Usage limit reached <script>alert('{MARK}')</script>",
    f"Rate limit [click {MARK}](javascript:alert(1)) 429",
    f"Weekly limit ![{MARK}](http://tracker.example/pixel.png)",
    f"Session limit :red[{MARK}] reached",
    f"Usage limit $$\\frac{{{MARK}}}{{0}}$$",
    f'=HYPERLINK("http://evil.example","{MARK} usage limit")',
    f"Weekly limit reached {MARK} " + "A" * 10_240,
    f"\u202e{MARK} usage limit \u200b\u200d reached \u05e9\u05dc\u05d5\u05dd",
    f"+{MARK} rate limit @cmd -2+3",
]


def hostile_objects() -> list[dict]:
    """Issues (and a me-too comment each) whose title, body, labels and URL are all attacks."""
    objs = []
    for i, title in enumerate(HOSTILE_TITLES):
        n = 9001 + i
        error = json.dumps({"type": "error", "error": {"type": "rate_limit_error",
                                                       "message": f"<b>{MARK}</b> rate limit [x](javascript:alert(1))"}})
        body = (f"### What's Wrong?\n\n{title}\n\n<img src=x onerror=alert('{MARK}')>\n\n"
                f"```\nAPI Error: 429 {error}\n```\n\n### Claude Code Version\n\n2.1.{i} (Claude Code)\n\n"
                f"### Operating System\n\nmacOS\n\nPlan: Max 5x\n" + ("B" * 10_240 if i == 6 else ""))
        url = f"javascript:alert('{MARK}')" if i == 1 else f"https://github.com/demo/ai-cli/issues/{n}"
        objs.append({"url": f"{HOSTILE_API}/issues/{n}", "repository_url": HOSTILE_API, "id": 8_000_000 + n, "number": n,
                     "html_url": url, "title": title, "user": {"login": f"=hostile-{i}"},
                     "labels": [{"name": "bug"}, {"name": f"={MARK} label"}], "state": "open",
                     "state_reason": None, "comments": 1, "created_at": "2026-10-01T10:00:00Z",
                     "updated_at": "2026-10-02T10:00:00Z", "closed_at": None, "author_association": "NONE",
                     "reactions": {"total_count": 3, "+1": 3}, "body": body})
        objs.append({"url": f"{HOSTILE_API}/issues/comments/{7_000_000 + n}", "id": 7_000_000 + n,
                     "issue_url": f"{HOSTILE_API}/issues/{n}", "user": {"login": f"@me-too-{i}"},
                     "html_url": f"https://github.com/demo/ai-cli/issues/{n}#issuecomment-{7_000_000 + n}",
                     "created_at": "2026-10-03T10:00:00Z", "updated_at": "2026-10-03T10:00:00Z",
                     "author_association": "NONE", "body": "+1", "reactions": {"total_count": 0}})
    return objs


def rendered_text(at) -> list[str]:
    """Everything Streamlit renders as markdown (or as a label) on the page, plus chart specs."""
    texts = [e.value for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning",
                                  "error", "success", "latex") for e in at.get(kind)]
    texts += [m.label for m in at.metric] + [e.proto.spec for e in at.get("plotly_chart")]
    texts += [w.label for kind in ("selectbox", "multiselect", "button", "text_input") for w in at.get(kind)]
    return texts
