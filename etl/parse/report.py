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
    out["tier"] = None
    return out


def failed_report(exc: Exception) -> dict:
    """The report of a text the parser failed on: empty, with the failure, so it is counted."""
    out = empty_report()
    out["parse_error"] = f"{type(exc).__name__}: {exc}"[:300]
    return out


def parse_issue(title: str | None, body: str | None, labels: list[str] | None = None,
                taxonomy: Taxonomy | None = None, *, repo: str | None = None) -> dict:
    """Every field of FIELDS plus `provenance` ({field: source} for non-null fields).
    `repo` ("owner/name" of the client) tells the vendor when the text does not.
    Never raises: on an internal error the report is empty and `parse_error` names the error."""
    try:
        return parse_doc(make_doc(title, body, labels, repo), taxonomy or DEFAULT)
    except Exception as exc:  # noqa: BLE001 - one odd text must not stop a pull; it is stored and counted
        return failed_report(exc)


def parse_doc(doc: Doc, taxonomy: Taxonomy) -> dict:
    doc.scan(taxonomy)
    found: dict[str, tuple] = {}
    found["version"] = env.find_version(doc, taxonomy)
    found["os"] = env.find_os(doc)
    found["terminal"] = env.find_terminal(doc)
    found["model"] = env.find_model(doc)
    return finish(doc, found, taxonomy)


def finish(doc: Doc, found: dict[str, tuple], taxonomy: Taxonomy) -> dict:
    """The error fields, the derived ones (category, plan, provider, usage flag) and provenance."""
    z = zones(doc.view, doc.title_view, taxonomy)
    own, attached = _errors(doc, z, taxonomy)
    verdict = classify(z, own["error_type"][0], own["http_status"][0], taxonomy, doc.labels,
                       (attached["error_type"][0], attached["http_status"][0]))
    if verdict.attached:  # the attached errors are this report's: read them too
        own = {f: own[f] if own[f][0] is not None else attached[f] for f in own}
    found.update(own)
    usage, category = verdict.usage, verdict.category
    named = account.text_provider(doc, taxonomy)
    found["error_category"] = (category, verdict.rule)
    found["plan"] = account.find_plan(doc, taxonomy, named)
    evidence = account.Evidence(found["plan"][0], category, usage, named)
    vendor = vendor_of(doc.low, doc.repo, taxonomy.vendors)
    found["provider"] = account.find_provider(doc, evidence, vendor, taxonomy)
    found["is_usage_related"] = (usage, verdict.rule)
    message_doc = doc if verdict.attached or not z.spans else _without_attachments(doc, z)
    found["signature"] = (make_signature(message_doc, taxonomy, found["error_type"][0], found["http_status"][0]), "text")
    out = {f: found.get(f, (None, None))[0] for f in FIELDS}
    out["provenance"] = {f: src for f, (val, src) in found.items() if val is not None and src}
    out["why"] = verdict.why
    out["tier"] = verdict.tier
    return out


_NO_ERRORS = {"http_status": (None, None), "error_type": (None, None)}


def _errors(doc: Doc, z, taxonomy: Taxonomy) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """HTTP status and error type of what the reporter wrote, and of the attached blocks."""
    if not z.spans:
        return _read_errors(doc.text, doc.low, taxonomy), _NO_ERRORS
    prose, attached = _written(doc, z)
    return _read_errors(prose, z.prose.low, taxonomy), _read_errors(attached, z.attached.low, taxonomy)


def _read_errors(text: str, low: str, taxonomy: Taxonomy) -> dict[str, tuple]:
    return {"http_status": find_http_status(low), "error_type": find_error_type(text, low, taxonomy)}


def _written(doc: Doc, z) -> tuple[str, str]:
    """The prose and the attached blocks as written (error types are read case and all),
    or lower-cased where lower-casing moved the offsets."""
    return split(doc.text, z.spans) if len(doc.text) == len(doc.low) else (z.prose.low, z.attached.low)


def _without_attachments(doc: Doc, z) -> Doc:
    """The report as the reporter wrote it: its error messages are not the attached ones."""
    body = _written(doc, z)[0][len(doc.title) + 1:]
    bare = Doc(title=doc.title, body=body, labels=doc.labels, repo=doc.repo, form=doc.form, env=doc.env)
    bare.view, bare.title_view, bare.has = z.prose, doc.title_view, z.prose.has
    return bare
