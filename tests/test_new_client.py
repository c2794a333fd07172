"""A new client is a change to the taxonomy TOML only: a made-up client's version, plan,
provider and printed error are read with a taxonomy that describes it, and not without."""
from pathlib import Path

import pytest

from etl.parse import load_taxonomy, parse_issue
from etl.parse.taxonomy import DEFAULT_TAXONOMY

ACME = Path(__file__).parent / "fixtures" / "taxonomy" / "acme-client.toml"
REPO = "acme/acme-code"
TITLE = "Acme Code stops in the middle of a task"
BODY = """### What happened?

It stopped and printed:

ACME LIMIT: you have used your turbo credits

I'm on the Acme Turbo plan, running acme-code 3.4.5.
"""
ENV_BODY = """**Environment**
- Acme: 3.4.5
- OS: macOS

It stops with ACME LIMIT: you have used your turbo credits, on Acme Cloud.
"""


@pytest.fixture(scope="module")
def acme(tmp_path_factory):
    path = tmp_path_factory.mktemp("taxonomy") / "acme.toml"
    path.write_text(DEFAULT_TAXONOMY.read_text(encoding="utf-8") + "\n" + ACME.read_text(encoding="utf-8"),
                    encoding="utf-8")
    return load_taxonomy(str(path))


def test_the_client_is_read_with_its_taxonomy(acme):
    got = parse_issue(TITLE, BODY, [], acme, repo=REPO)
    assert (got["version"], got["provenance"]["version"]) == ("3.4.5", "text")
    assert got["plan"] == "pro"
    assert got["provider"] == "acme_subscription"  # the repository's vendor, on a plan
    assert got["signature"] == "ACME LIMIT: you have used your turbo credits"
    assert (got["error_category"], got["is_usage_related"], got["tier"]) == ("turbo_credits_out", True, "client message")


def test_its_environment_label_and_provider_name(acme):
    got = parse_issue("Stops mid-task", ENV_BODY, [], acme, repo=REPO)
    assert (got["version"], got["provenance"]["version"]) == ("3.4.5", "env")
    assert got["provider"] == "acme_cloud"
    assert got["error_category"] == "turbo_credits_out"


def test_the_default_taxonomy_knows_nothing_of_it():
    got = parse_issue(TITLE, BODY, [], repo=REPO)
    assert (got["version"], got["plan"], got["provider"], got["signature"]) == (None, None, None, None)
    assert got["error_category"] != "turbo_credits_out"
    got = parse_issue("Stops mid-task", ENV_BODY, [], repo=REPO)
    assert (got["version"], got["provider"]) == (None, None)
