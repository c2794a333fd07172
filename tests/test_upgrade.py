"""A database built by an earlier version: the app says what to run instead of failing, and
`python -m etl reparse` brings it up to date."""
import shutil

import duckdb

from apphelpers import open_page, rendered_text
from conftest import etl_main
from test_app_pages import metric


def test_an_old_database_gets_a_clear_message_then_reparse_fixes_it(demo_db, tmp_path, use_db, capsys):
    path = use_db(tmp_path / "radar.duckdb")
    shutil.copyfile(demo_db, path)
    with duckdb.connect(str(path)) as con:  # as the previous version stored reports
        con.execute("ALTER TABLE reports DROP COLUMN evidence_tier; ALTER TABLE reports DROP COLUMN parse_error; "
                    "UPDATE reports SET parser_version = '2'; DROP TABLE corrections")
    at = open_page()
    assert not at.metric
    assert any("earlier version" in t and "python -m etl reparse" in t and "reports.evidence_tier" in t
               and "the table corrections" in t for t in rendered_text(at))

    assert etl_main(["status", "--db", str(path)]) == 0
    assert "run `python -m etl reparse`" in capsys.readouterr().out
    assert etl_main(["reparse", "--db", str(path)]) == 0
    assert metric(open_page(), "Reports") > 0
    assert etl_main(["status", "--db", str(path)]) == 0
    assert "run `python -m etl reparse`" not in capsys.readouterr().out
