"""Links read from text and events, and canonical clusters on known graphs."""
from __future__ import annotations


import duckdb

from apiobjects import comment, event, issue, write_files
from conftest import etl_main
from etl.clusters import IssueFacts, canonical_map
from etl.links import links_in_text

R = "o/r"


def test_links_from_prose_urls_and_duplicate_phrases():
    text = ("Duplicate of #12\n\nSee also #7, other/repo#3 and https://github.com/o/r/pull/40 and "
            "https://github.com/x/y/issues/9.\n\n```\n#1 0x0000 in main ()\n```\nand `#2` in code.")
    assert sorted(links_in_text(text, R, number=5)) == sorted([
        (R, 12, "duplicate_of"), (R, 7, "mentions"), ("other/repo", 3, "mentions"),
        (R, 40, "mentions"), ("x/y", 9, "mentions")])


def test_links_ignore_self_headings_colors_and_entities():
    text = "### Steps\nissue #5 is this one; color #fff; &#123; a1#4; # 6"
    assert links_in_text(text, R, number=5) == []


def test_duplicate_phrase_with_full_url_and_case():
    assert links_in_text("DUPLICATE OF https://github.com/o/r/issues/77", R) == [(R, 77, "duplicate_of")]
    assert links_in_text("duplicate of a/b#8", R) == [("a/b", 8, "duplicate_of")]


def test_links_on_huge_text_are_bounded():
    assert links_in_text("#1 " * 500_000, R)  # does not hang; finds the references in the first part


def _facts(*numbers, engagement=None, dups=()):
    engagement = engagement or {}
    return [IssueFacts(n, engagement.get(n, 0), n in dups) for n in numbers]


def test_chain_of_duplicates_folds_into_the_last_original():
    mapping = canonical_map(_facts(1, 2, 3, 4, dups={1, 2}), [(1, 2), (2, 3)])
    assert mapping == {1: 3, 2: 3, 3: 3, 4: 4}


def test_star_picks_the_issue_everyone_points_to():
    mapping = canonical_map(_facts(10, 11, 12, 13, dups={11, 12, 13}), [(11, 10), (12, 10), (13, 11)])
    assert set(mapping.values()) == {10}


def test_cycle_picks_the_most_engaged_then_the_oldest():
    facts = _facts(5, 6, 7, engagement={6: 40, 7: 40}, dups={5, 6, 7})
    assert set(canonical_map(facts, [(5, 6), (6, 7), (7, 5)]).values()) == {6}
    facts = _facts(5, 6, engagement={}, dups={5, 6})
    assert set(canonical_map(facts, [(5, 6), (6, 5)]).values()) == {5}


def test_edges_to_unknown_issues_and_self_loops_are_ignored():
    assert canonical_map(_facts(1, 2, dups={1}), [(1, 99), (2, 2)]) == {1: 1, 2: 2}


def test_pipeline_stores_links_and_clusters(tmp_path):
    issues = [issue(R, 1), issue(R, 2, state="closed", state_reason="duplicate"),
              issue(R, 3, labels=[{"name": "duplicate"}]), issue(R, 4, body="Related to #1, not the same"),
              issue(R, 5)]
    comments = [comment(R, 100, 2, "Duplicate of #1", "bot"), comment(R, 101, 3, "Duplicate of #2", "bot"),
                comment(R, 102, 5, "duplicate of #1?", login="passerby")]  # 5 is not marked: stays apart
    paths = write_files(tmp_path, issues=issues, comments=comments,
                        events=[event(R, 1, "cross-referenced", source=4)])
    db = tmp_path / "db.duckdb"
    assert etl_main(["import", *map(str, paths), "--db", str(db)]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        clusters = dict(con.execute("SELECT number, canonical_number FROM clusters").fetchall())
        links = set(con.execute("SELECT number, target_number, kind, source FROM issue_links").fetchall())
    assert clusters == {1: 1, 2: 1, 3: 1, 4: 4, 5: 5}
    assert {(2, 1, "duplicate_of", "comment"), (3, 2, "duplicate_of", "comment"), (4, 1, "mentions", "body"),
            (1, 4, "cross_referenced_by", "timeline"), (5, 1, "duplicate_of", "comment")} <= links
