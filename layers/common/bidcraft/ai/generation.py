"""Offline proposal drafting: fixed templates per tone, filled from the request; deterministic.

The draft quotes the client's own keywords back (the most frequent content words of the project description
and the requested skills), proposes a plan in phases and prices it:

- with a `budget`: the budget split over the phases by fixed shares (`PHASES`), cents rounded, the last
  phase absorbing the rounding so the items add up to the total exactly;
- without one: an estimate of `hours x rate`, where hours come from the `timeline` (6 focused hours per
  working day, 5 days a week, ~21 a month) or 40 hours when no timeline is given, and the rate is the
  user's Upwork profile rate or `DEFAULT_HOURLY_RATE`.

Portfolio items are suggestions of what to attach (one per leading skill), not claims about the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bidcraft.ai import text
from bidcraft.ai.models import PortfolioItem, PricingItem, ProposalGenerationRequest

DEFAULT_HOURLY_RATE = 50.0
DEFAULT_HOURS = 40
HOURS_PER_DAY = 6
PHASES: tuple[tuple[str, float], ...] = (
    ("Discovery and planning", 0.15),
    ("Implementation", 0.55),
    ("Testing and quality assurance", 0.15),
    ("Deployment and handover", 0.10),
    ("Post-launch support", 0.05),
)
_TIMELINE = re.compile(r"(\d{1,4}(?:\.\d{1,2})?)\s{0,3}(day|week|month)s?", re.IGNORECASE)
_DAYS_PER_UNIT = {"day": 1.0, "week": 5.0, "month": 21.0}

_OPENINGS = {
    "professional": "Hello,\n\nThank you for sharing the details of your project. I have read your "
    "description carefully and I understand you need {summary}.",
    "friendly": "Hi there!\n\nYour project caught my eye right away: you need {summary}, and that is exactly "
    "the kind of work I enjoy.",
    "confident": "Hello,\n\nYou need {summary}. I have delivered this kind of work before and I know how to "
    "get it done well and on time.",
    "concise": "Hello,\n\nYou need {summary}. Here is how I would do it.",
}
_CLOSINGS = {
    "professional": "I would be glad to discuss the details. Could we schedule a short call this week?",
    "friendly": "I'd love to hear more about your goals. Shall we hop on a quick call?",
    "confident": "I can start right away. Let's schedule a call to agree on the first milestone.",
    "concise": "Can we schedule a short call?",
}
_COVER = {
    "professional": "Thank you for considering my proposal. I bring hands-on experience with {skills} and a "
    "clear plan for {summary}. I look forward to discussing how I can help.",
    "friendly": "Thanks for reading! I work with {skills} every day and would love to help with {summary}. "
    "Let me know when you have a minute to chat.",
    "confident": "I deliver {summary} with {skills}: a clear plan, steady communication and tested results. "
    "Let's talk about your first milestone.",
    "concise": "Experienced with {skills}; ready to deliver {summary}. Available to start now.",
}


@dataclass(frozen=True)
class Draft:
    proposal_text: str
    cover_letter: str
    portfolio_items: list[PortfolioItem]
    pricing_items: list[PricingItem]


def timeline_days(timeline: str | None) -> float | None:
    if not timeline:
        return None
    match = _TIMELINE.search(timeline)
    if not match:
        return None
    return float(match.group(1)) * _DAYS_PER_UNIT[match.group(2).lower()]


def estimate_total(timeline: str | None, hourly_rate: float | None) -> float:
    days = timeline_days(timeline)
    hours = days * HOURS_PER_DAY if days else DEFAULT_HOURS
    return round(hours * (hourly_rate or DEFAULT_HOURLY_RATE), 2)


def price(total: float, skills: list[str]) -> list[PricingItem]:
    """`total` split over `PHASES`; amounts in cents, the last item absorbs the rounding."""
    cents = round(total * 100)
    items: list[PricingItem] = []
    allotted = 0
    for index, (name, share) in enumerate(PHASES):
        amount = cents - allotted if index == len(PHASES) - 1 else round(cents * share)
        allotted += amount
        label = f"{name} ({', '.join(skills[:3])})" if name == "Implementation" and skills else name
        items.append(PricingItem(item=label, amount=amount / 100))
    return items


def summarize(description: str) -> str:
    """The description's first sentence, shortened, to follow "you need …" (acronyms keep their case)."""
    parts = text.sentences(description)
    summary = text.shorten(parts[0] if parts else description, 140).rstrip(".!?")
    if summary[:2].isupper():
        return summary
    return summary[:1].lower() + summary[1:]


def draft(request: ProposalGenerationRequest, *, hourly_rate: float | None = None) -> Draft:
    tone = request.tone or "professional"
    skills = list(request.skills or [])
    summary = summarize(request.project_description)
    terms = [
        t for t in text.top_terms(request.project_description, 6) if t not in {s.lower() for s in skills}
    ]
    skill_text = ", ".join(skills[:4]) if skills else "the technologies your project needs"
    total = request.budget if request.budget else estimate_total(request.timeline, hourly_rate)
    days = timeline_days(request.timeline)
    when = f"within {request.timeline}" if request.timeline else "on a schedule we agree on"
    plan = [
        f"1. Discovery: confirm the scope, the priorities ({', '.join(terms[:3]) or 'your key features'}) "
        "and the acceptance criteria.",
        f"2. Implementation with {skill_text}, shown to you in weekly milestones.",
        "3. Testing and quality assurance before anything goes live.",
        f"4. Deployment, handover and documentation, delivered {when}.",
    ]
    if days:
        plan.append(f"Estimated effort: about {round(days)} working days.")
    body = [
        _OPENINGS[tone].format(summary=summary),
        "My plan:\n" + "\n".join(plan),
        f"The total comes to {total:,.2f} USD, broken down by phase so you can see where every dollar goes.",
        _CLOSINGS[tone],
    ]
    if tone != "concise":
        body.insert(
            2,
            f"I focus on {skill_text} and on clear communication: you will always know what is done, "
            "what is next and what I need from you.",
        )
    portfolio = [
        PortfolioItem(
            title=f"{skill} project",
            description=f"Attach a finished project where you used {skill}, ideally one like {summary}.",
            skills=[skill],
        )
        for skill in skills[:3]
    ] or [
        PortfolioItem(
            title="Most relevant past project",
            description=f"Attach the finished project closest to {summary}, with its outcome in numbers.",
            skills=[],
        )
    ]
    return Draft(
        proposal_text="\n\n".join(body),
        cover_letter=_COVER[tone].format(skills=skill_text, summary=summary),
        portfolio_items=portfolio,
        pricing_items=price(total, skills),
    )
