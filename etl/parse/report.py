"""`parse_issue`: one report (title, body, labels) → the normalized fields."""
from __future__ import annotations

from . import account, environment as env
from .classify import DEFAULT, Taxonomy, classify, split, zones
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
    out["why"] = None
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
    return finish(doc, found, taxonomy)


def finish(doc: Doc, found: dict[str, tuple], taxonomy: Taxonomy) -> dict:
    """The error fields, the derived ones (category, plan, provider, usage flag) and provenance."""
    z = zones(doc.view, doc.title_view, taxonomy)
    own = _errors(doc.text, z.prose.low) if z.attached.low else _errors(doc.text, doc.low)
    attached = _errors(z.attached.low, z.attached.low) if z.attached.low else {}
    verdict = classify(z, own["error_type"][0], own["http_status"][0], taxonomy, doc.labels,
                       (attached.get("error_type", NONE)[0], attached.get("http_status", NONE)[0]))
    if z.attached.low and verdict.attached:  # the attached errors are this report's: read them too
        own = {f: own[f] if own[f][0] is not None else attached[f] for f in own}
    found.update(own)
    usage, category = verdict.usage, verdict.category
    named = account.text_provider(doc, taxonomy.gateways)
    found["error_category"] = (category, verdict.rule)
    found["plan"] = account.find_plan(doc, named)
    evidence = account.Evidence(found["plan"][0], category, usage, named)
    vendor = vendor_of(doc.low, doc.repo, taxonomy.vendors)
    found["provider"] = account.find_provider(doc, evidence, vendor, taxonomy)
    found["is_usage_related"] = (usage, verdict.rule)
    message_doc = doc if verdict.attached or not z.attached.low else _without_attachments(doc, z)
    found["signature"] = (make_signature(message_doc, found["error_type"][0], found["http_status"][0]), "text")
    out = {f: found.get(f, (None, None))[0] for f in FIELDS}
    out["provenance"] = {f: src for f, (val, src) in found.items() if val is not None and src}
    out["why"] = verdict.why
    return out


NONE = (None, None)


def _errors(text: str, low: str) -> dict[str, tuple]:
    """HTTP status and error type, from `low` (and `text` when it is `low` as written)."""
    written = text if len(text) == len(low) else low
    return {"http_status": find_http_status(low), "error_type": find_error_type(written, low)}


def _without_attachments(doc: Doc, z) -> Doc:
    """The report as the reporter wrote it: its error messages are not the attached ones."""
    text = doc.text if len(doc.text) == len(doc.low) else doc.low
    body = split(text, z.spans)[0][len(doc.title) + 1:]
    bare = Doc(title=doc.title, body=body, labels=doc.labels, repo=doc.repo, form=doc.form, env=doc.env)
    bare.view, bare.title_view, bare.has = z.prose, doc.title_view, z.prose.has
    return bare
