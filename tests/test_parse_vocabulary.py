"""The vocabulary of client messages, and a guard against phrases learnt from one corpus issue.

A category's `messages` may list a message a client prints as `{pattern, client, says}`: the
client is one the taxonomy describes, the pattern matches what the message says, and the
message, as the client prints it, is read as that category on the strongest evidence tier.
A plain phrase (a pattern with no regex syntax) that matches the title of exactly one corpus
issue and nothing else in the corpus is what memorising that issue looks like; one fails here
unless it is such a listed client message or allow-listed below with the reason.
"""
import re

import pytest

from benchmarks.scoring import DATA, corpus
from etl.parse import load_taxonomy, parse_issue
from etl.parse.taxonomy import DEFAULT, DEFAULT_TAXONOMY

LISTED = [(cat, rule) for cat in DEFAULT.categories for rule in cat.messages if rule.client]
KINDS = ("messages", "topics", "weak_topics", "names")
# Plain phrases that match one corpus title, kept for a reason other than that title.
ONE_TITLE_OK = {
    "context limit": "the common name of the limit (\"hit the context limit\"), in every client's reports",
    "low credit balance": "how people name the credit-balance error, beside the client's own wording",
    "uses up": "a weak topic: counts only in a report already about usage",
}


def test_the_vocabulary_lists_messages_of_several_clients():
    assert len(LISTED) >= 15
    assert {rule.client for _, rule in LISTED} >= {"Claude Code", "Codex CLI", "Gemini CLI", "Qwen Code"}


@pytest.mark.parametrize("cat, rule", LISTED, ids=[f"{c.name}:{r.says[:30]}" for c, r in LISTED])
def test_a_listed_message_as_the_client_prints_it_is_read_as_its_category(cat, rule):
    got = parse_issue(rule.says, "")
    assert (got["error_category"], got["tier"]) == (cat.name, "client message")


def test_an_unlisted_message_pattern_is_a_weaker_tier():
    assert parse_issue("I keep hitting my daily limit", "")["tier"] == "unlisted message"


@pytest.mark.parametrize("entry, message", [
    ("{ pattern = 'quota gone', client = 'Acme', says = 'Quota gone.' }", "no [[client]] table describes"),
    ("{ pattern = 'quota gone', client = 'Claude Code', says = 'Quota is gone.' }", "does not match the message"),
    ("{ pattern = 'quota gone', client = 'Claude Code' }", "needs a pattern, its client and what it says"),
])
def test_a_wrong_vocabulary_entry_is_refused_when_the_taxonomy_loads(tmp_path, entry, message):
    path = tmp_path / "taxonomy.toml"
    path.write_text(DEFAULT_TAXONOMY.read_text(encoding="utf-8")
                    + f'\n[[category]]\nname = "gone"\nmessages = [{entry}]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_taxonomy(str(path))


def _plain(pattern: str) -> bool:
    """No regex syntax but word boundaries and escaped punctuation: a phrase as written."""
    text = re.sub(r"\\[.\-/()\[\]?$^*+|{}\\]", "", pattern.replace("\\b", ""))
    return not re.search(r"[.^$*+?{}\[\]()|\\]", text)


def test_no_plain_phrase_matches_only_one_corpus_title():
    rows = corpus()
    if not rows:
        pytest.skip(f"labelled corpus not found under {DATA}")
    titles = [r["title"].lower() for r in rows]
    texts = ["\n".join([r["title"], r["body"] or "", *(c.get("body") or "" for c in r["comments"])]).lower() for r in rows]
    learnt = []
    for cat in DEFAULT.categories:
        for kind in KINDS:
            for rule in getattr(cat, kind):
                if rule.client or not _plain(rule.rx.pattern) or rule.rx.pattern in ONE_TITLE_OK:
                    continue
                if sum(bool(rule.rx.search(t)) for t in titles) == 1 and sum(bool(rule.rx.search(t)) for t in texts) == 1:
                    learnt.append(f"[{cat.name}] {kind}: {rule.rx.pattern}")
    assert not learnt, "phrases that match one corpus title and nothing else:\n" + "\n".join(learnt)
