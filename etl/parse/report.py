"""`parse_issue`: one report (title, body, labels) → the normalized fields."""
from __future__ import annotations

from . import account, environment as env
from .classify import DEFAULT, Taxonomy, classify, is_usage_related
from .document import Doc, make_doc
from .errors import find_error_type, find_http_status
from .signature import make_signature
from .vendors import vendor_of

FIELDS = ("is_usage_related", "version", "os", "terminal", "plan", "provider", "model",
          "http_status", "error_type", "error_category", "signature")


def empty_report() -> dict:
    out = {f: None for f in FIELDS}
    out["is_usage_related"] = False
    out["error_category"] = DEFAULT.fallback
    out["provenance"] = {}
    return out


def parse_issue(title: str | None, body: str | None, labels: list[str] | None = None,
                taxonomy: Taxonomy | None = None, *, repo: str | None = None) -> dict:
    """Every field of FIELDS plus `provenance` ({field: source} for non-null fields).
    `repo` ("owner/name" of the client) tells the vendor when the text does not.
    Never raises: on an internal error the report is returned empty."""
    try:
        return parse_doc(make_doc(title, body, labels, repo), taxonomy or DEFAULT)
    except Exception:  # noqa: BLE001 - a parser must never take the pipeline down
        return empty_report()


def parse_doc(doc: Doc, taxonomy: Taxonomy) -> dict:
    doc.scan(taxonomy)
    found: dict[str, tuple] = {}
    found["version"] = env.find_version(doc)
    found["os"] = env.find_os(doc)
    found["terminal"] = env.find_terminal(doc)
    found["model"] = env.find_model(doc)
    found["http_status"] = find_http_status(doc.low)
    found["error_type"] = find_error_type(doc.text, doc.low)
    return finish(doc, found, taxonomy)


def finish(doc: Doc, found: dict[str, tuple], taxonomy: Taxonomy) -> dict:
    """Derived fields (category, plan, provider, usage flag, signature) and provenance."""
    etype, status = found["error_type"][0], found["http_status"][0]
    category = classify(doc.title_view, doc.view, etype, status, taxonomy, doc.labels)
    usage = is_usage_related(doc.view, category, taxonomy)
    named = account.text_provider(doc, taxonomy.gateways)
    found["error_category"] = (category, "text")
    found["plan"] = account.find_plan(doc, named)
    evidence = account.Evidence(found["plan"][0], category, usage, named)
    vendor = vendor_of(doc.low, doc.repo, taxonomy.vendors)
    found["provider"] = account.find_provider(doc, evidence, vendor, taxonomy)
    found["is_usage_related"] = (usage, "text")
    found["signature"] = (make_signature(doc, etype, status), "text")
    out = {f: found.get(f, (None, None))[0] for f in FIELDS}
    out["provenance"] = {f: src for f, (val, src) in found.items() if val is not None and src}
    return out
