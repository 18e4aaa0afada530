"""What to bid, how the bid splits over the job's own deliverables, and when the numbers do not add up.

Effort: each deliverable of the job (`specifics`, kind `deliverable`) is estimated at the category's base
hours (`BASE_HOURS`: a typical Upwork task of that kind), plus half of that for each heavy feature it names
(an app, an integration, a payment flow, a login…, at most `MAX_HEAVY`); a job with no recognisable
deliverable counts as two. A timeline caps the effort at what fits in it (6 focused hours per working
day, `timeline.WORKING_DAYS`).

Bid: the caller's own `bid` when given; for an hourly job the freelancer's profile rate (else the category's
market median, else `DEFAULT_HOURLY_RATE`), kept inside the client's hourly range; for a fixed job the budget,
else effort × that rate. The breakdown splits the total over the deliverables in proportion to their effort
(cents exact: the last item absorbs the rounding).

Warnings (`content_warnings`, prefix `pricing:`): the rate the job implies (fixed price ÷ effort, or the
hourly range's top) against the profile rate and the market median — below `FAR_BELOW` × or above
`FAR_ABOVE` × the reference — and below `MIN_SANE_RATE` or above `MAX_SANE_RATE` USD/h whatever the references
("$300 over 2 months" for an app, "$12,000 for a one-page landing page this week").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from bidcraft.ai.drafting import timeline as timelines
from bidcraft.ai.drafting.models import JobContext, PricingBreakdown, PricingLine
from bidcraft.ai.drafting.specifics import Specific, label

DEFAULT_HOURLY_RATE = 50.0
HOURS_PER_DAY = 6
FAR_BELOW = 0.25  # a quarter of the reference or less
FAR_ABOVE = 4.0
MIN_SANE_RATE = 5.0  # USD/h
MAX_SANE_RATE = 400.0  # USD/h: beyond what even Upwork's top experts charge for the work described
HEAVY_STEP = 0.5  # each distinct heavy feature named adds half the base hours
MAX_HEAVY = 6
DEFAULT_CATEGORY = "general"
BASE_HOURS: dict[str, float] = {
    "web-development": 20,
    "data-science": 16,
    "it-networking": 12,
    "design": 10,
    "marketing": 10,
    "admin-support": 8,
    "accounting-consulting": 8,
    "writing": 6,
    "translation": 6,
    DEFAULT_CATEGORY: 12,
}
# Words that say which kind of work a job is, when it names no category (skills are mostly English anywhere).
_CATEGORY_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("translation", r"translat|переклад|traduc|localiz"),
        (
            "writing",
            r"\bwriter|copywrit|blog|article|content writ|ghostwrit|статт|текст|копірайт|redacci|artículo",
        ),
        ("design", r"\bdesign|logo|figma|illustrat|photoshop|branding|ui/ux|\bux\b|дизайн|логотип|diseñ"),
        (
            "data-science",
            r"data (?:analy|scien|engineer)|machine learning|\bml\b|pandas|power bi|tableau"
            r"|\betl\b|аналіз даних|análisis de datos|dashboard",
        ),
        (
            "marketing",
            r"marketing|\bseo\b|\bsmm\b|facebook ads|google ads|campaign|маркетинг|реклам|publicidad",
        ),
        ("accounting-consulting", r"bookkeep|accounting|quickbooks|xero|tax|бухгалт|contabil"),
        ("admin-support", r"virtual assistant|data entry|admin support|асистент|asistente virtual"),
        ("it-networking", r"devops|network|server admin|linux admin|kubernetes|aws|terraform|мереж"),
        (
            "web-development",
            r"develop|website|web ?site|web app|\bapp\b|shopify|wordpress|woocommerce|react"
            r"|python|django|node|api|backend|frontend|laravel|php|ios|android|flutter|сайт|розроб|додат"
            r"|sitio web|tienda|aplicaci|programa",
        ),
    )
)
_HEAVY = re.compile(
    r"\bapp\b|application|platform|integrat|\bapi\b|checkout|payment|dashboard|migrat|backend|e-?commerce"
    r"|marketplace|authenticat|login|sign[- ]?up|\bchat\b|notification|admin panel|\bios\b|android"
    r"|real[- ]time"
    r"|додат|платформ|інтеграц|оплат|міграц|кабінет|авториз|сповіщ"
    r"|aplicaci|plataforma|integraci|pago|migraci|panel|notificaci",
    re.IGNORECASE,
)


def infer_category(job: JobContext) -> str:
    """The job's category as `BASE_HOURS` keys it (its own category when known, else from its words)."""
    if job.category:
        from bidcraft.ai.market import category_key

        key = category_key(job.category)
        for name in BASE_HOURS:
            if name in key or key in name:
                return name
        for name, pattern in _CATEGORY_WORDS:
            if pattern.search(job.category):
                return name
    # The skills and the title say what the work is more reliably than the description's verbs
    # ("write a regression test" is development).
    for text in (" ".join([job.title or "", *job.skills]), job.description[:2000]):
        for name, pattern in _CATEGORY_WORDS:
            if pattern.search(text):
                return name
    return DEFAULT_CATEGORY


class Task(NamedTuple):
    label: str
    hours: float


class Pricing(NamedTuple):
    bid_amount: float
    bid_type: str  # "hourly" / "fixed"
    currency: str
    total: float
    breakdown: PricingBreakdown
    effort_hours: float
    implied_rate: float | None  # per hour, what the job pays
    rate_used: float | None  # per hour, what the estimate used
    rate_source: str  # "bid", "budget", "profile", "market", "default", "client range"
    tasks: list[Task]
    warnings: list[str]
    rationale: str


def _heavy(text: str) -> int:
    return min(MAX_HEAVY, len({m.group(0).lower() for m in _HEAVY.finditer(text)}))


def tasks(job: JobContext, specifics: Sequence[Specific], category: str) -> list[Task]:
    base = BASE_HOURS.get(category, BASE_HOURS[DEFAULT_CATEGORY])
    found = [
        Task(label(s.text), base * (1 + HEAVY_STEP * _heavy(s.text)))
        for s in specifics
        if s.kind == "deliverable"
    ]
    if found:
        return found
    heavy = _heavy(" ".join([job.title or "", job.description]))
    return [Task(label(job.title or job.description), base * 2 * (1 + HEAVY_STEP * heavy))]


def capacity_hours(job: JobContext) -> float | None:
    parsed = timelines.parse(job.timeline)
    days = parsed.max_days if parsed else None
    return days * HOURS_PER_DAY if days else None


def split(total: float, weights: Sequence[tuple[str, float]]) -> list[PricingLine]:
    """`total` over the weighted labels, in cents; the last line absorbs the rounding."""
    cents = round(total * 100)
    weight_sum = sum(w for _, w in weights) or 1.0
    lines: list[PricingLine] = []
    allotted = 0
    for index, (item, weight) in enumerate(weights):
        amount = cents - allotted if index == len(weights) - 1 else round(cents * weight / weight_sum)
        allotted += amount
        lines.append(PricingLine(item=item, amount=amount / 100))
    return lines


def _money(value: float, currency: str) -> str:
    return f"{value:,.0f} {currency}" if value >= 100 else f"{value:,.2f} {currency}"


def _rate_warnings(implied: float, currency: str, profile: float | None, market: float | None) -> list[str]:
    warnings: list[str] = []
    shown = _money(implied, currency) + "/h"
    for name, reference in (("profile", profile), ("market", market)):
        if not reference:
            continue
        what = "your profile rate" if name == "profile" else "the category's market median"
        if implied < FAR_BELOW * reference:
            warnings.append(
                f"pricing:rate_below_{name} — the job pays about {shown}, far below {what} "
                f"({_money(reference, currency)}/h)"
            )
        elif implied > FAR_ABOVE * reference:
            warnings.append(
                f"pricing:rate_above_{name} — the job implies about {shown}, far above {what} "
                f"({_money(reference, currency)}/h); check the scope and the timeline"
            )
    if currency == "USD" and implied < MIN_SANE_RATE and not any("below" in w for w in warnings):
        warnings.append(
            f"pricing:rate_implausible — the job pays about {shown} for the work it describes; "
            "ask the client to confirm the budget or the scope"
        )
    elif currency == "USD" and implied > MAX_SANE_RATE and not any("above" in w for w in warnings):
        warnings.append(
            f"pricing:rate_implausible — the job implies about {shown} for the work it describes; "
            "check the scope and the timeline with the client"
        )
    return warnings


_SOURCES = {
    "bid": "the amount you chose",
    "budget": "the client's budget",
    "profile": "your profile rate",
    "market": "the category's market median",
    "client range": "the client's hourly range",
    "default": f"a default of {DEFAULT_HOURLY_RATE:.0f} USD/h (no profile rate or market data)",
}


def _rationale(
    *,
    bid_type: str,
    source: str,
    amount: float,
    currency: str,
    effort: float,
    deliverables: int,
    implied: float | None,
    profile_rate: float | None,
    market_median: float | None,
    capped: bool,
) -> str:
    """Why this bid, in the app's language (English), for the freelancer rather than the client."""
    parts = [
        f"{'Hourly rate' if bid_type == 'hourly' else 'Fixed price'} {_money(amount, currency)} from "
        f"{_SOURCES[source]}.",
        f"Effort estimated at about {effort:.0f} h for {deliverables} deliverable(s)"
        + (", capped by the client's timeline." if capped else "."),
    ]
    if implied is not None and bid_type == "fixed":
        parts.append(f"That is about {_money(implied, currency)}/h.")
    references = [
        f"{label} {_money(rate, currency)}/h"
        for label, rate in (("your profile rate", profile_rate), ("market median", market_median))
        if rate
    ]
    if references:
        parts.append("For comparison: " + ", ".join(references) + ".")
    return " ".join(parts)


def price(
    job: JobContext,
    specifics: Sequence[Specific],
    *,
    profile_rate: float | None,
    market_median: float | None,
    bid: float | None = None,
) -> Pricing:
    category = infer_category(job)
    work = tasks(job, specifics, category)
    effort = sum(t.hours for t in work)
    capacity = capacity_hours(job)
    if capacity is not None:
        effort = min(effort, capacity)
    hourly = job.contract_type == "hourly" or (
        job.contract_type is None and job.budget is None and (job.hourly_min or job.hourly_max) is not None
    )
    currency = job.currency or "USD"
    reference = profile_rate or market_median
    source = "profile" if profile_rate else "market" if market_median else "default"
    rate: float | None
    implied: float | None
    if hourly:
        if bid is not None:
            rate, source = bid, "bid"
        else:
            rate = reference or job.hourly_max or job.hourly_min or DEFAULT_HOURLY_RATE
            if not reference and (job.hourly_max or job.hourly_min):
                source = "client range"
            low, high = job.hourly_min, job.hourly_max
            if high and rate > high:
                rate, source = high, "client range"
            elif low and rate < low:
                rate, source = low, "client range"
        rate = round(rate or DEFAULT_HOURLY_RATE, 2)
        total = round(rate * effort, 2)
        implied = job.hourly_max or job.hourly_min or rate
        amount, bid_type = rate, "hourly"
    else:
        if bid is not None:
            total, source = round(bid, 2), "bid"
        elif job.budget:
            total, source = round(job.budget, 2), "budget"
        else:
            total = round(effort * (reference or DEFAULT_HOURLY_RATE), 2)
        per_hour = total / effort if effort else None
        rate, implied = per_hour, per_hour
        amount, bid_type = total, "fixed"
    weights = [(t.label, t.hours) for t in work]
    breakdown = PricingBreakdown(items=split(total, weights), total=total, currency=currency)
    # Profile rates and market medians are USD: a job priced in another currency is not compared with them.
    warnings = (
        _rate_warnings(implied, currency, profile_rate, market_median)
        if implied is not None and source != "default" and currency == "USD"
        else []
    )
    rationale = _rationale(
        bid_type=bid_type,
        source=source,
        amount=amount,
        currency=currency,
        effort=effort,
        deliverables=len(work),
        implied=implied,
        profile_rate=profile_rate,
        market_median=market_median,
        capped=capacity is not None and capacity < sum(t.hours for t in work),
    )
    return Pricing(
        rationale=rationale,
        bid_amount=amount,
        bid_type=bid_type,
        currency=currency,
        total=total,
        breakdown=breakdown,
        effort_hours=round(effort, 1),
        implied_rate=round(implied, 2) if implied is not None else None,
        rate_used=round(rate, 2) if rate is not None else None,
        rate_source=source,
        tasks=work,
        warnings=warnings,
    )
