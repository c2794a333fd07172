"""Plan and provider: what the reporter pays for and who serves the model.

A stated plan or provider wins; otherwise both are inferred from the vendor
the report is about and the error it hit (a subscription-only limit implies a
subscription, a credit-balance error implies pay-as-you-go API).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .rules import Rule, any_match
from .document import Doc
from .literals import Text, gate
from .sections import is_placeholder
from .vendors import Vendor

# An issue form's "Platform: Anthropic API" names the vendor even in another client's repo.
_ANTHROPIC = Vendor("anthropic", "claude_ai_subscription", "anthropic_api")

Found = tuple[object, str | None]
NONE: Found = (None, None)

# Claude Code's issue form preselects "Anthropic API": the plan and the limit hit decide.
_FORM_DEFAULT = "anthropic_api"


# ---------------------------------------------------------------- plan
_N20 = r"(?:20 ?[x×]|[x×] ?20)"
_N5 = r"(?:5 ?[x×]|[x×] ?5)(?!\d)"
_TIER = r"(?:plan|subscription|tier|max|claude)"
_NOT_A_COUNT = r"(?![\d%]| ?(?:requests|messages|prompts|tokens|turns))"  # "Max 100 requests" is a count
# (plan, gate literals, regex); each regex starts with a literal so it is cheap to scan. The
# vendors' names of a plan ([[vendor]] plans: "claude max") come right before its first row.
_PLAN_TEXT = (
    ("max_20x", ("max",), r"max[ _-]{0,3}(?:plan[ ]{0,3}|subscription[ ]{0,3})?[(]?" + _N20),
    ("max_20x", ("20x", "20 x", "20×", "x20", "x 20"), r"20 ?[x×][ ]{0,3}(?:max|plan)|x ?20[ ]{0,3}max"),
    ("max_20x", ("$200",), r"[$]200(?:/mo(?:nth)?| ?(?:per|a) month)?[ ]{0,3}" + _TIER),
    ("max_5x", ("max",), r"max[ _-]{0,3}(?:plan[ ]{0,3}|subscription[ ]{0,3})?[(]?" + _N5),
    ("max_5x", ("5x", "5 x", "5×", "x5", "x 5"), r"5 ?[x×][ ]{0,3}(?:max|plan)|x ?5[ ]{0,3}max"),
    ("max_20x", ("max",), r"max[ ]?[$]?200[$]?" + _NOT_A_COUNT),
    ("max_5x", ("max",), r"max[ ]?[$]?100[$]?" + _NOT_A_COUNT),
    ("max_5x", ("$100",), r"[$]100(?:/mo(?:nth)?| ?(?:per|a) month)?[ ]{0,3}" + _TIER),
    ("max", ("max",), r"max (?:plan|subscription|subscriber|user|account|tier|member|customer)"),
    ("enterprise", ("enterprise",), r"enterprise (?:plan|subscription|account|seat|org|customer|user)"),
    ("team", ("team", "business"), r"(?:teams?|business) (?:plan|subscription|account|seat|premium|workspace)"),
    ("plus", ("plus",), r"plus (?:plan|subscription|subscriber|user|account|tier)"),
    ("pro", ("pro ",), r"pro (?:plan|subscription|subscriber|user|account|tier|member|customer)"),
    ("free", ("free", "freeusagelimiterror"), r"free (?:plan|tier|account|user|version|quota|limit|daily|allocated|request|model)|free[-_]tier|freeusagelimiterror"),
)
gate(*(g for _plan, gates, _rx in _PLAN_TEXT for g in gates))
# A multiplier or price anywhere in the report gives a bare "Max" its tier.
_MAX_TIER = re.compile(r"max[ _-]{0,3}(?:plan |subscription )?[(]?(?:" + _N20 + "|" + _N5 + r"|[$]?(?:100|200)[$]?" + _NOT_A_COUNT + ")")
# A plan the reporter has since moved to is the one they are on now.
_CHANGE_VERBS = gate("upgraded", "downgraded", "switched", "moved")
_CHANGED_TO = re.compile(r"(?:upgraded|downgraded|switched|moved) (?:my plan |my account |back )?to (?:the |a )?(?:claude )?"
                         r"(max[ _-]{0,3}(?:20|5) ?[x×]|max|pro|plus|team|enterprise|free)\b")
# A bare plan word counts when the reporter says they have it ("I'm on Max").
_BARE_PLAN = re.compile(r"(max|pro|plus|free)(?![a-z0-9_-])(?! (?:tokens|output|context|length|retries|turns|mode|model|\d))")
_OWNS = re.compile(r"(?:\bon|\buse|using|have|with|bought|purchased|paying for|paid for|subscribed to|\bmy) (?:the |a |my )?"
                   r"(?:claude (?:code )?|chatgpt |openai(?:'s|’s)? |gemini |google(?: ai)? )?$")
_PLAN_GATE = gate("max", "pro", "plus", "team", "business", "enterprise", "free", "freeusagelimiterror",
                  "$200", "$100", "20x", "5x", "×")
# Anywhere in the report, a plan said in the first person is the reporter's ("I'm subscribed to Max").
_OWNS_FIRST_PERSON = re.compile(r"(?:\bi(?:'m|’m| am)(?: currently| still| now)? on|subscribed to|\bi (?:have|bought|purchased|pay for)|paying for) "
                                r"(?:the |a |my )?(?:claude (?:code )?|chatgpt |openai(?:'s|’s)? |gemini |google(?: ai)? )?$")
# Tool prompts that name a plan the reporter is not on ("upgrade to a Code Assist Standard or Enterprise plan").
_UPSELL = re.compile(r"(?:upgrade|switch|move|moving|switching|upgrading|upgraded|switched|moved) (?:to\s|from\s)?(?:[\w'’-]{1,20}\s{1,6}){0,6}$")
_PLAN_ENV = ("plan", "subscription", "account type", "account", "tier", "subscription plan", "claude plan")
_PLAN_VALUE = (
    ("max_20x", re.compile(r"20 ?[x×]|[x×] ?20|\$200")),
    ("max_5x", re.compile(r"(?<![\d.])5 ?[x×]|[x×] ?5\b|\$100")),
    ("max", re.compile(r"\bmax\b|ultra")),
    ("enterprise", re.compile(r"enterprise")),
    ("team", re.compile(r"\bteams?\b|business")),
    ("plus", re.compile(r"\bplus\b")),
    ("pro", re.compile(r"\bpro\b")),
    ("free", re.compile(r"\bfree\b")),
    ("bedrock", re.compile(r"bedrock")),
    ("vertex", re.compile(r"vertex")),
    ("api", re.compile(r"\bapi\b|console|pay[- ]as[- ]you[- ]go|credits|usage[- ]based")),
)
# Pay-as-you-go evidence: API keys billed per token, per-organization limits.
_API_EVIDENCE = gate("credit balance", "insufficient_quota", "insufficient quota", "organization's rate limit",
                     "organization’s rate limit", "exceeded your current quota", "in organization org-",
                     "for your organization", "api credits", "console credits", "workspace api usage limit",
                     "pay-as-you-go", "pay as you go", "usage-based billing", "usage based billing")


@lru_cache(maxsize=4096)  # field values repeat across reports ("Anthropic API", "macOS")
def normalize_plan(raw: str | None) -> str | None:
    """A multiplier decides the tier wherever it stands ("Pro x20" → max_20x); else the first plan named."""
    return _first_named(raw, _PLAN_VALUE[:2]) or _first_named(raw, _PLAN_VALUE[2:])


def _first_named(raw: str | None, table) -> str | None:
    """The value named first in a field ("Pro (used to be Max)" → pro); ties go to table order."""
    if not raw or is_placeholder(raw):
        return None
    low = raw[:300].lower()
    best = None
    for name, rx in table:
        if (m := rx.search(low)) and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


class _Plans(NamedTuple):
    rows: tuple[tuple[str, frozenset[str] | None, re.Pattern], ...]  # (plan, gate keys or None: always, regex)
    gate: tuple[str, ...] | None  # a plan may be named only when one of these occurs (None: always)


def _plans(taxonomy) -> _Plans:
    """_PLAN_TEXT with a row of the vendors' names before each plan's first; names of a plan
    no row has come last. Each names row has its own gates: most texts name no product."""
    names: dict[str, list[Rule]] = {}
    for vendor in taxonomy.vendors:
        for plan, rule in vendor.plans:
            names.setdefault(plan, []).append(rule)
    rows = []
    for plan, gates, pattern in _PLAN_TEXT:
        if plan in names:
            rows.append(_names_row(plan, names.pop(plan)))
        rows.append((plan, frozenset(gates), re.compile(pattern)))
    rows += [_names_row(plan, rules) for plan, rules in names.items()]
    products = [r for v in taxonomy.vendors for _plan, r in v.plans]
    ungated = any(r.gate is None for r in products)
    return _Plans(tuple(rows), None if ungated else _PLAN_GATE + tuple(k for r in products for k in r.keys()))


def _names_row(plan: str, rules: list[Rule]):
    gate = None if any(r.gate is None for r in rules) else frozenset().union(*(r.keys() for r in rules))
    return plan, gate, re.compile("|".join(r.rx.pattern for r in rules))


def _plan_from_text(doc: Doc, taxonomy) -> str | None:
    """The plan named first in the text (tool upsell prompts excluded)."""
    plans = taxonomy.compiled(_plans)
    if plans.gate is not None and not doc.has(*plans.gate):
        return None
    low = doc.low
    best: tuple[int, str] | None = None
    present = doc.view.present  # every gate below is declared, so the scan is exact
    for name, gates, rx in plans.rows:
        if gates is not None and present.isdisjoint(gates):
            continue
        for m in rx.finditer(low, 0, best[0] if best else len(low)):
            if best is not None and m.start() >= best[0]:
                break
            if not _UPSELL.search(low, max(0, m.start() - 60), m.start()) and not _generic(low, m):
                best = (m.start(), name)
                break
    return _owned_plan(low, best[0] if best else len(low)) or (best[1] if best else None)


# Plans named side by side ("your Pro or Max plan", "Pro/Max subscribers", "free
# models and paid models alike") are the offer in general, not the reporter's plan.
_PLAN_WORD = r"(?:pro|max|plus|team|free|paid|enterprise|ultra)"
_COORDINATED_BEFORE = re.compile(_PLAN_WORD + r"\s{0,2}(?:/|,|or|and|&)\s{0,2}(?:claude\s)?$")
_COORDINATED_AFTER = re.compile(r"(?: [a-z]{2,15})?\s{0,2}(?:/|or|and|&)\s{0,2}(?:claude\s)?" + _PLAN_WORD + r"\b")


def _generic(low: str, m: re.Match) -> bool:
    plan_end = m.start() + len(m.group().split(" ", 1)[0])  # "max plan" → after "max"
    return bool(_COORDINATED_BEFORE.search(low, max(0, m.start() - 24), m.start())
                or _COORDINATED_AFTER.match(low, plan_end))


def _owned_plan(low: str, first_mention: int) -> str | None:
    """A plan the reporter says they have: before the first plan named ("using Pro"),
    or anywhere when said in the first person ("I'm subscribed to Gemini Pro")."""
    for m in _BARE_PLAN.finditer(low):
        if m.start() and (low[m.start() - 1].isalnum()):
            continue  # inside a word ("improve", "maximum")
        owns = _OWNS if m.start() < first_mention else _OWNS_FIRST_PERSON
        if owns.search(low, max(0, m.start() - 30), m.start()):
            return m.group(1)
    return None


def find_plan(doc: Doc, taxonomy, named_provider: str | None = None) -> Found:
    found = _stated_plan(doc, taxonomy, named_provider)
    if found[0] == "max" and (m := _MAX_TIER.search(doc.low)):
        return normalize_plan(m.group(0)), found[1]
    return found


# A form heading that asks for the plan: a short label or a question, the word "plan" or
# "subscription" in it ("### Subscription", "What subscription do you have?"), not a
# section title that happens to mention plans ("Pressure (% of each plan's own cap)").
_PLAN_HEADING = re.compile(r"^(?:[^\s]+ ){0,3}(?:plan|subscription)\b[^%()]{0,30}$|^[^%]{0,60}\b(?:plan|subscription)\b[^%]{0,40}\?$")


def _plan_field(doc: Doc) -> str | None:
    for heading, value in doc.form.items():
        if value and _is_plan_heading(heading):
            return value
    return None


@lru_cache(maxsize=1024)
def _is_plan_heading(heading: str) -> bool:
    return ("plan" in heading or "subscription" in heading) and _PLAN_HEADING.match(heading) is not None


def _stated_plan(doc: Doc, taxonomy, named_provider: str | None) -> Found:
    if v := normalize_plan(_plan_field(doc)):
        return v, "form"
    if v := normalize_plan(doc.env_value(*_PLAN_ENV)):
        return v, "env"
    if v := _plan_from_text(doc, taxonomy):
        changed = _CHANGED_TO.findall(doc.low) if doc.has(*_CHANGE_VERBS) else None
        return (normalize_plan(changed[-1]) if changed else v), "text"
    if named_provider in taxonomy.platforms:  # a cloud account is a plan of its own
        return named_provider, "text"
    if doc.has(*_API_EVIDENCE):
        return "api", "text"
    return NONE


# ---------------------------------------------------------------- provider
_PROVIDER_FORM = ("api provider", "login information", "provider", "auth", "platform")
_PROVIDER_FORM_EXCLUDE = ("what platform", "platform is your")
_PROVIDER_ENV = ("provider", "api provider", "auth", "auth method", "auth type", "login", "platform")
# An unticked template option ("- [ ] AWS Bedrock") names a provider the reporter does not use.
_UNCHECKED = re.compile(r"\[ ?\][ \t]{0,4}(?:aws |google )?$")


def _explicit_provider(doc: Doc, taxonomy) -> Found:
    normalize = taxonomy.compiled(_provider_of_field)
    raw = doc.form_value(*_PROVIDER_FORM, exclude=_PROVIDER_FORM_EXCLUDE)
    if v := normalize(raw):
        return v, "form"
    raw = doc.env_value(*_PROVIDER_ENV)
    if v := normalize(raw):
        return v, "env"
    for lab in doc.labels:
        if lab.startswith(("api:", "provider:")) and (v := normalize(lab.split(":", 1)[1])):
            return v, "label"
    return NONE


def _provider_of_field(taxonomy):
    """raw field value → the provider it names first ([provider.named] `field`), cached per
    taxonomy: field values repeat across reports ("Anthropic API")."""
    table = tuple((p.provider, p.field) for p in taxonomy.provider_names if p.field is not None)
    return lru_cache(maxsize=4096)(lambda raw: _first_named(raw, table))


def text_provider(doc: Doc, taxonomy) -> str | None:
    """A provider the text names (`on Bedrock`, `via OpenRouter`, a tool's own gateway)."""
    low, present = doc.low, doc.view.present
    for p in taxonomy.provider_names:
        if p.text is not None and p.text.is_open(present) and any(
                not _UNCHECKED.search(low, max(0, m.start() - 12), m.start()) for m in p.text.rx.finditer(low)):
            return p.provider
    if any_match(taxonomy.gateways, doc.view):
        return "other"
    return None


class Evidence(NamedTuple):
    """What the rest of the report already says, for the provider decision."""
    plan: str | None
    category: str | None
    usage_related: bool
    named: str | None  # a provider the text names (text_provider)


def find_provider(doc: Doc, ev: Evidence, vendor: Vendor | None, taxonomy) -> Found:
    """A stated provider, else the vendor's subscription or API as the evidence says."""
    if ev.plan in taxonomy.platforms:
        return ev.plan, "text"
    explicit = _explicit_provider(doc, taxonomy)
    if explicit[0] and explicit[0] != _FORM_DEFAULT:
        return explicit
    if ev.plan is None and not ev.usage_related and not explicit[0]:
        return NONE  # a generic crash (or a look-alike) says nothing about who serves the model
    if ev.named:
        return ev.named, "text"
    if explicit[0]:
        vendor = vendor or _ANTHROPIC
    if vendor and (v := _vendor_offer(doc.view, ev.plan, ev.category, vendor, taxonomy)):
        return v, "text"
    return explicit


def _vendor_offer(text: Text, plan: str | None, category: str | None, vendor: Vendor, taxonomy) -> str | None:
    """The vendor's subscription or its API, by the plan, the limit hit and the wording."""
    if vendor.subscription == vendor.api:
        return vendor.api  # one offer: nothing to tell apart
    if plan == "api" or any_match(taxonomy.api_cues, text):
        return vendor.api
    if plan is not None or any_match(taxonomy.subscription_cues, text):
        return vendor.subscription
    if any_match(taxonomy.api_hints, text):
        return vendor.api  # a hint outweighs only what the category implies
    billing = getattr(taxonomy.by_name.get(category), "billing", None)  # the category's `billing`
    return {"subscription": vendor.subscription, "api": vendor.api}.get(billing)
