"""Plan and provider: what the reporter pays for and who serves the model.

A stated plan or provider wins; otherwise both are inferred from the vendor
the report is about and the error it hit (a subscription-only limit implies a
subscription, a credit-balance error implies pay-as-you-go API).
"""
from __future__ import annotations

import re

from .document import Doc
from .sections import is_placeholder

Found = tuple[object, str | None]
NONE: Found = (None, None)

SUBSCRIPTION_ONLY = ("session_limit", "weekly_limit", "out_of_extra_usage", "usage_limit_reached")
_SUBSCRIPTION = {"anthropic": "claude_ai_subscription", "openai": "chatgpt_subscription", "google": "google_login"}
_API = {"anthropic": "anthropic_api", "openai": "openai_api", "google": "gemini_api"}

# ---------------------------------------------------------------- vendor family
_FAMILY_CUES = {
    "anthropic": ("claude", "anthropic", "opus", "sonnet", "haiku"),
    "openai": ("codex", "chatgpt", "openai", "gpt-"),
    "google": ("gemini", "google", "vertex"),
}


def vendor_family(doc: Doc) -> str | None:
    """Which vendor's client the report is about, by counting cue words."""
    low = doc.low
    if "### claude code version" in low or "feedback id:" in low:
        return "anthropic"
    scores = {fam: sum(low.count(c) for c in cues) for fam, cues in _FAMILY_CUES.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] else None


# ---------------------------------------------------------------- plan
_N20 = r"(?:20 ?[x×]|[x×] ?20)"
_N5 = r"(?:5 ?[x×]|[x×] ?5)(?!\d)"
_TIER = r"(?:plan|subscription|tier|max|claude)"
# (plan, regex) pairs; each regex starts with a literal so it is cheap to scan.
_PLAN_TEXT = (
    ("max_20x", ("max",), re.compile(r"max[ _-]{0,3}(?:plan[ ]{0,3}|subscription[ ]{0,3})?[(]?" + _N20)),
    ("max_20x", ("20x", "20 x", "20×", "x20", "x 20"), re.compile(r"20 ?[x×][ ]{0,3}(?:max|plan)|x ?20[ ]{0,3}max")),
    ("max_20x", ("$200",), re.compile(r"[$]200(?:/mo(?:nth)?| ?(?:per|a) month)?[ ]{0,3}" + _TIER)),
    ("max_5x", ("max",), re.compile(r"max[ _-]{0,3}(?:plan[ ]{0,3}|subscription[ ]{0,3})?[(]?" + _N5)),
    ("max_5x", ("5x", "5 x", "5×", "x5", "x 5"), re.compile(r"5 ?[x×][ ]{0,3}(?:max|plan)|x ?5[ ]{0,3}max")),
    ("max_5x", ("$100",), re.compile(r"[$]100(?:/mo(?:nth)?| ?(?:per|a) month)?[ ]{0,3}" + _TIER)),
    ("max", ("max",), re.compile(r"claude max\b|max (?:plan|subscription|subscriber|user|account|tier|member|customer)")),
    ("max", ("ultra",), re.compile(r"(?:ai )?ultra (?:plan|subscription|tier)|ai ultra\b")),
    ("enterprise", ("enterprise",), re.compile(r"enterprise (?:plan|subscription|account|seat|org|customer|user)|(?:claude|chatgpt) enterprise")),
    ("team", ("team",), re.compile(r"teams? (?:plan|subscription|account|seat|premium|workspace)|(?:claude|chatgpt) team\b")),
    ("plus", ("plus",), re.compile(r"chatgpt plus|plus (?:plan|subscription|subscriber|user|account|tier)")),
    ("pro", ("claude pro", "chatgpt pro", "copilot pro"), re.compile(r"(?:claude|chatgpt|copilot) pro\b")),
    ("pro", ("pro ",), re.compile(r"pro (?:plan|subscription|subscriber|user|account|tier|member|customer)")),
    ("free", ("free",), re.compile(r"free (?:plan|tier|account|user|version|quota|limit|daily|allocated|request|model)|free[-_]tier")),
)
# A bare plan word counts when the reporter says they have it ("I'm on Max").
_BARE_PLANS = ("max", "pro", "plus", "free")
_BARE_AFTER = re.compile(r"(?![a-z0-9_-])(?! (?:tokens|output|context|length|retries|turns|mode|model|\d))")
_OWNS = re.compile(r"(?:\bon|using|have|with|bought|purchased|paying for|paid for|\bmy) (?:the |a |my )?(?:claude |chatgpt )?$")
_PLAN_GATE = ("max", "pro", "plus", "team", "enterprise", "free", "ultra", "$200", "$100", "20x", "5x", "×")
# Tool prompts that name a plan the reporter is not on.
_UPSELL = re.compile(r"(?:upgrade|switch|move|moving|switching|upgrading) (?:to |from )?(?:the |a )?(?:claude )?$")
_PLAN_FORM = ("subscription", "plan")
_PLAN_ENV = ("plan", "subscription", "account type", "account", "tier", "subscription plan", "claude plan")
_PLAN_VALUE = (
    ("max_20x", re.compile(r"20 ?[x×]|[x×] ?20|\$200")),
    ("max_5x", re.compile(r"\b5 ?[x×]|[x×] ?5\b|\$100")),
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
_API_EVIDENCE = ("credit balance", "insufficient_quota", "exceeded your current quota", "in organization org-",
                 "for your organization", "api credits", "console credits", "workspace api usage limit",
                 "pay-as-you-go", "pay as you go", "usage-based billing", "usage based billing")


def normalize_plan(raw: str | None) -> str | None:
    if not raw or is_placeholder(raw):
        return None
    low = raw[:200].lower()
    for name, rx in _PLAN_VALUE:
        if rx.search(low):
            return name
    return None


def _plan_from_text(doc: Doc) -> str | None:
    """The plan named first in the text (tool upsell prompts excluded)."""
    if not doc.has(*_PLAN_GATE):
        return None
    low = doc.low
    best: tuple[int, str] | None = None
    for name, gates, rx in _PLAN_TEXT:
        if not any(g in low for g in gates):
            continue
        for m in rx.finditer(low, 0, best[0] if best else len(low)):
            if best is not None and m.start() >= best[0]:
                break
            if not _UPSELL.search(low[max(0, m.start() - 30):m.start()]):
                best = (m.start(), name)
                break
    for word in _BARE_PLANS:
        pos = _owned_word(low, word, best[0] if best else len(low))
        if pos is not None:
            best = (pos, word)
    return best[1] if best else None


def _owned_word(low: str, word: str, limit: int) -> int | None:
    """Position of the first `word` before `limit` that the reporter owns."""
    pos = low.find(word, 0, limit)
    while pos != -1:
        if (pos == 0 or not low[pos - 1].isalnum()) and _BARE_AFTER.match(low, pos + len(word)):
            if _OWNS.search(low[max(0, pos - 30):pos]):
                return pos
        pos = low.find(word, pos + 1, limit)
    return None


def find_plan(doc: Doc, provider_hint: str | None = None) -> Found:
    if v := normalize_plan(doc.form_value(*_PLAN_FORM)):
        return v, "form"
    if v := normalize_plan(doc.env_value(*_PLAN_ENV)):
        return v, "env"
    if v := _plan_from_text(doc):
        return v, "text"
    if provider_hint in ("bedrock", "vertex"):
        return provider_hint, "text"
    if doc.has(*_API_EVIDENCE):
        return "api", "text"
    return NONE


# ---------------------------------------------------------------- provider
_PROVIDER_VALUE = (
    ("bedrock", re.compile(r"bedrock|\baws\b")),
    ("vertex", re.compile(r"vertex")),
    ("openrouter", re.compile(r"openrouter")),
    ("github_copilot", re.compile(r"copilot")),
    ("google_login", re.compile(r"login with google|sign in with google|google (?:login|account|sign)|oauth-personal|code assist|signed in with google")),
    ("gemini_api", re.compile(r"gemini[ _-]api|ai studio|gemini_api_key|api key")),
    ("chatgpt_subscription", re.compile(r"chatgpt")),
    ("openai_api", re.compile(r"openai")),
    ("claude_ai_subscription", re.compile(r"claude\.ai|subscription|claude (?:pro|max|team|enterprise)")),
    ("anthropic_api", re.compile(r"anthropic")),
)
_PROVIDER_FORM = ("api provider", "login information", "provider", "auth", "platform")
_PROVIDER_FORM_EXCLUDE = ("what platform", "platform is your")
_PROVIDER_ENV = ("provider", "api provider", "auth", "auth method", "auth type", "login", "platform")
_PROVIDER_TEXT = (
    ("bedrock", re.compile(r"bedrock")),
    ("vertex", re.compile(r"vertex ai|google vertex|on vertex|via vertex|vertex api|aiplatform\.googleapis|claude_code_use_vertex")),
    ("openrouter", re.compile(r"openrouter")),
    ("github_copilot", re.compile(r"github copilot|copilot (?:pro|chat|cli|premium)|premium requests?")),
    ("google_login", re.compile(r"login with google|sign(?:ed)? in with google|google account|oauth-personal|code assist")),
    ("gemini_api", re.compile(r"gemini[ _-]api[ _-]key|gemini api|ai studio|generativelanguage\.googleapis")),
)
_PROVIDER_TEXT_GATE = ("bedrock", "vertex", "aiplatform", "openrouter", "copilot", "premium request", "google",
                       "oauth-personal", "code assist", "gemini", "ai studio", "generativelanguage")


def _explicit_provider(doc: Doc) -> Found:
    raw = doc.form_value(*_PROVIDER_FORM, exclude=_PROVIDER_FORM_EXCLUDE)
    if v := normalize_provider(raw):
        return v, "form"
    raw = doc.env_value(*_PROVIDER_ENV)
    if v := normalize_provider(raw):
        return v, "env"
    for lab in doc.labels:
        if lab.startswith(("api:", "provider:")) and (v := normalize_provider(lab.split(":", 1)[1])):
            return v, "label"
    return NONE


def normalize_provider(raw: str | None) -> str | None:
    if not raw or is_placeholder(raw):
        return None
    low = raw[:300].lower()
    for name, rx in _PROVIDER_VALUE:
        if rx.search(low):
            return name
    return None


def text_provider(doc: Doc) -> str | None:
    if not doc.has(*_PROVIDER_TEXT_GATE):
        return None
    for name, rx in _PROVIDER_TEXT:
        if rx.search(doc.low):
            return name
    return None


def find_provider(doc: Doc, plan: str | None, category: str | None, family: str | None,
                  text_hint: str | None = None) -> Found:
    if plan in ("bedrock", "vertex"):
        return plan, "text"
    explicit = _explicit_provider(doc)
    if explicit[0] and explicit[0] not in ("anthropic_api", "claude_ai_subscription"):
        return explicit
    if v := text_hint if text_hint is not None else text_provider(doc):
        return v, "text"
    if v := _inferred_provider(plan, category, family or ("anthropic" if explicit[0] else None)):
        return v, "text"
    return explicit


def _inferred_provider(plan: str | None, category: str | None, family: str | None) -> str | None:
    if family not in _SUBSCRIPTION:
        return None
    if plan == "api":
        return _API[family]
    if plan is not None:
        return _SUBSCRIPTION[family] if family != "google" or plan != "free" else None
    if category in SUBSCRIPTION_ONLY:
        return _SUBSCRIPTION[family]
    if category == "credit_balance_low":
        return _API[family]
    return None
