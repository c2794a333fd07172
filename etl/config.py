"""`radar.toml`: the repositories to pull and, per repository, an optional taxonomy file.

    [[repo]]
    name = "openai/codex"
    taxonomy = "taxonomies/codex.toml"   # optional; relative to radar.toml; default etl/parse/taxonomy.toml

`pull` without `--repo` pulls every listed repository; reports of a repository are classified
with its taxonomy.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from etl.db import REPO_ROOT


class ConfigError(ValueError):
    """radar.toml cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class RepoConfig:
    name: str
    taxonomy: Path | None = None


def config_path() -> Path:
    return Path(os.environ.get("RADAR_CONFIG") or REPO_ROOT / "radar.toml")


def load_config(path: Path | None = None) -> list[RepoConfig]:
    path = path or config_path()
    if not path.exists():
        return []
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    repos = []
    for i, entry in enumerate(raw.get("repo", [])):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or name.count("/") != 1:
            raise ConfigError(f"{path}: [[repo]] #{i + 1} needs name = \"OWNER/NAME\"")
        taxonomy = entry.get("taxonomy")
        repos.append(RepoConfig(name, (path.parent / taxonomy) if taxonomy else None))
    return repos


@lru_cache(maxsize=32)
def _taxonomy_file(path: Path):
    from etl.parse import load_taxonomy
    try:
        return load_taxonomy(str(path))
    except (OSError, tomllib.TOMLDecodeError, KeyError, ValueError) as exc:
        raise ConfigError(f"taxonomy {path}: {exc}") from None


def taxonomy_for(repo: str):
    """The repository's own taxonomy, or None for the default one."""
    for entry in load_config():
        if entry.name == repo and entry.taxonomy:
            return _taxonomy_file(entry.taxonomy)
    return None
