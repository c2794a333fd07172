"""Clients: how each AI coding client writes its version and the errors it prints.

The table lives in taxonomy.toml (`[[client]]`) so a new client is a data change;
each module that reads a field builds its regexes from it once per taxonomy."""
from __future__ import annotations

from dataclasses import dataclass

from .rules import Rule, compile_rules


@dataclass(frozen=True)
class Client:
    name: str
    version_labels: tuple[str, ...] = ()  # environment labels that give its version ("claude code")
    version_names: tuple[str, ...] = ()  # regexes: its name before a version ("claude code 2.1.4")
    version_tags: tuple[str, ...] = ()  # regexes: its name in parentheses after one ("2.1.5 (claude code)")
    packages: tuple[str, ...] = ()  # its package in a stack frame ("claude-code@2.1.4")
    error_lines: tuple[Rule, ...] = ()  # error lines it prints; a group, when there is one, is the message
    notice_names: tuple[str, ...] = ()  # regexes: its name before a limit notice ("claude ai usage limit reached")


def load_clients(rows) -> tuple[Client, ...]:
    return tuple(Client(name=c["name"], version_labels=tuple(k.lower() for k in c.get("version_labels", ())),
                        version_names=tuple(c.get("version_names", ())), version_tags=tuple(c.get("version_tags", ())),
                        packages=tuple(p.lower() for p in c.get("packages", ())),
                        error_lines=compile_rules(c.get("error_lines", ())),
                        notice_names=tuple(c.get("notice_names", ()))) for c in rows)
