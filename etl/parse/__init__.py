"""Report parser: pure functions from issue text to normalized usage fields."""
from .classify import Taxonomy, load_taxonomy
from .cli import run_parse
from .comments import comment_kind, parse_comment, read_thread
from .report import FIELDS, parse_issue

__all__ = ["FIELDS", "Taxonomy", "comment_kind", "load_taxonomy", "parse_comment", "parse_issue", "read_thread", "run_parse"]
