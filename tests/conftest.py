"""Shared fixtures: databases built by our own ETL from the demo generator."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO))

from etl.__main__ import main as etl_main  # noqa: E402

# ---- databases built with the demo generator (app and load tests) ----


DEMO_ISSUES, DEMO_SEED = 600, 11


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> tuple[Path, list[Path]]:
    """`python -m etl demo` (600 issues): the database and the API JSON files it imported."""
    root = tmp_path_factory.mktemp("demo")
    db_path, out = root / "radar.duckdb", root / "json"
    assert etl_main(["demo", "--issues", str(DEMO_ISSUES), "--seed", str(DEMO_SEED),
                     "--out", str(out), "--db", str(db_path)]) == 0
    return db_path, sorted(out.glob("*.json"))


@pytest.fixture(scope="session")
def demo_db(demo_build) -> Path:
    return demo_build[0]


@pytest.fixture
def use_db(monkeypatch):
    """Point the app (and the ETL defaults) at a database file."""
    def use(path: Path) -> Path:
        monkeypatch.setenv("RADAR_DB", str(path))
        return path
    return use


@pytest.fixture(scope="session")
def hostile_db(demo_db, tmp_path_factory):
    """A copy of the demo database with the hostile issues imported by `python -m etl import`."""
    root = tmp_path_factory.mktemp("hostile")
    path, source = root / "radar.duckdb", root / "hostile_issues.json"
    shutil.copyfile(demo_db, path)
    from apphelpers import hostile_objects
    source.write_text(json.dumps(hostile_objects(), ensure_ascii=False))
    assert etl_main(["import", str(source), "--db", str(path)]) == 0
    return path
