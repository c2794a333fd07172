"""The real app in a real browser, for the browser tests: `streamlit run app.py` on a database,
and headless Debian chromium through Playwright (no browser download). Waits are for conditions
(the app's script state, drawn charts, expected text), never for fixed times."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import REPO

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = REPO / "artifacts" / "screenshots"
# The app root carries Streamlit's script state ("initial", "running", "notRunning", …): idle means
# the run is over, nothing is still loading, and Plotly has drawn every chart.
IDLE = """() => document.querySelector("[data-testid='stApp']")?.dataset.testScriptState === "notRunning"
                && !document.querySelector("[data-testid='stSkeleton']")
                && [...document.querySelectorAll("[data-testid='stPlotlyChart']")].every(c => c.querySelector(".main-svg"))"""

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no {CHROMIUM}: apt-get install chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(db_path: Path, log_dir: Path):
    """The app served on a free local port, on this database; yields its URL."""
    port = _free_port()
    env = {**os.environ, "RADAR_DB": str(db_path)}
    log = log_dir / "stderr.log"  # a file: a full pipe would stall the server
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)  # poll interval, not a wait for the server
        else:
            pytest.fail("streamlit did not become healthy: " + log.read_text(errors="replace")[-4000:])
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def browser_page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 2200}, accept_downloads=True)
        yield context.new_page()
        browser.close()


def idle(page, timeout: float = 30_000) -> None:
    """Wait until the app is idle. After an interaction, first wait for something that only its
    rerun produces (a URL parameter, a heading): before the rerun starts the app looks idle too."""
    page.wait_for_function(IDLE, timeout=timeout)


def assert_no_errors(page, where: str) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, f"exception box on {where}"
    alerts = page.locator("[data-testid='stAlertContentError']")
    assert alerts.count() == 0, f"error alert on {where}: {alerts.all_inner_texts()}"
