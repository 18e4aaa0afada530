"""Deterministic fake Upwork data: accounts (profile, proposals, contracts, payments) and market data.

Everything is derived from `random.Random(f"{seed}:...:{id}")` — never `hash()`, which is salted per process —
so the same account id (and proposal count) always yields the same account, and the same seed always yields
the same market. Times are relative to an *anchor*: for an account, the moment the sandbox first saw it (its
first sign-in), so repeated syncs see the same history; for the market, the moment it was first built.

This is test data for a test double. `random` is fine here (ruff S311 is silenced on purpose).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, cast

from devserver.sandbox import outcomes
from devserver.sandbox.catalog import (
    CATEGORIES,
    CLIENT_NAMES,
    COUNTRIES,
    COVER_LETTER_OPENINGS,
    FIRST_NAMES,
    LAST_NAMES,
    Category,
)

DEFAULT_SEED = "bidcraft-sandbox-v1"
DEFAULT_PROPOSALS = 25
MAX_PROPOSALS = 20_000
HISTORY_SPAN = timedelta(days=730)  # proposals spread over the ~24 months before the anchor
STALE_AFTER = timedelta(days=30)  # open proposals with no activity for this long get archived
MARKET_FREELANCERS_PER_CATEGORY = 150

ProposalStatus = Literal["submitted", "viewed", "interviewing", "hired", "declined", "withdrawn", "archived"]
ContractType = Literal["hourly", "fixed"]
OPEN_STATUSES: frozenset[str] = frozenset({"submitted", "viewed", "interviewing"})

_DELAY_HOURS: dict[str, tuple[float, float]] = {
    "viewed": (0.5, 72.0),
    "interviewing": (2.0, 96.0),
    "hired": (12.0, 240.0),
    "declined": (24.0, 336.0),
    "withdrawn": (24.0, 240.0),
    "archived": (720.0, 1080.0),
}


def rng_for(seed: str, *parts: str) -> random.Random:
    """The random stream of one generated thing, e.g. `rng_for(seed, "proposal", account_id, "17")`."""
    return random.Random(":".join((seed, *parts)))  # noqa: S311  # fake test data, not security  # nosec B311


def _digits(seed: str, account_id: str) -> int:
    """A stable 9-digit number per account, the stem of its numeric ids."""
    digest = hashlib.sha256(f"{seed}:{account_id}".encode()).digest()
    return 100_000_000 + int.from_bytes(digest[:8], "big") % 900_000_000


def _cipher(prefix: str, *parts: str) -> str:
    """An Upwork-style ciphertext key (`~01…`): opaque, stable per input."""
    return prefix + hashlib.sha256(":".join(parts).encode()).hexdigest()[:18]


# ---------------------------------------------------------------------------------------------- account data


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: ProposalStatus
    at: datetime


@dataclass(frozen=True, slots=True)
class Proposal:
    id: str
    index: int  # 0 = the oldest
    job_id: str
    job_ciphertext: str
    job_title: str
    category: Category
    skills: tuple[str, ...]
    contract_type: ContractType
    hourly_rate: float | None  # hourly bid
    bid_amount: float | None  # fixed-price bid
    job_budget: float | None  # the client's fixed budget
    client_name: str
    client_country: str
    cover_letter: str
    history: tuple[StatusChange, ...]  # starts with "submitted", ordered by time

    @property
    def status(self) -> ProposalStatus:
        return self.history[-1].status

    @property
    def submitted_at(self) -> datetime:
        return self.history[0].at

    @property
    def updated_at(self) -> datetime:
        return self.history[-1].at


@dataclass(frozen=True, slots=True)
class Contract:
    id: str
    proposal_id: str
    offer_id: str
    job_id: str
    title: str
    category: Category
    contract_type: ContractType
    hourly_rate: float | None
    fixed_amount: float | None
    weekly_hours_limit: int | None
    client_name: str
    started_at: datetime
    ended_at: datetime | None
    paused: bool

    @property
    def status(self) -> Literal["ACTIVE", "PAUSED", "CLOSED"]:
        if self.ended_at is not None:
            return "CLOSED"
        return "PAUSED" if self.paused else "ACTIVE"


@dataclass(frozen=True, slots=True)
class Payment:
    id: str
    contract_id: str
    amount: float
    currency: str
    occurred_at: datetime
    subtype: Literal["Hourly", "Fixed Price", "Bonus"]
    description: str
    hours: float | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    key: str  # the profile key / ciphertext, e.g. "~01ab…"
    title: str
    description: str
    hourly_rate: float
    job_success_score: int | None
    total_earnings: float
    total_jobs: int
    total_hours: float
    feedback_score: float
    top_rated_status: str
    skills: tuple[str, ...]
    categories: tuple[Category, ...]
    country: str
    city: str


@dataclass(frozen=True, slots=True)
class Account:
    account_id: str  # = the Upwork user id (the `freelancer_id` of its events)
    created_at: datetime  # the anchor of all its times
    rid: str
    nid: str
    first_name: str
    last_name: str
    email: str
    profile: Profile
    proposals: tuple[Proposal, ...]  # oldest first
    contracts: tuple[Contract, ...]  # by start time
    payments: tuple[Payment, ...]  # by time
    proposals_by_id: dict[str, Proposal] = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _history(
    rng: random.Random, submitted_at: datetime, anchor: datetime, hired: bool
) -> tuple[StatusChange, ...]:
    chain = cast(tuple[ProposalStatus, ...], outcomes.status_chain(rng, hired))  # the documented ground truth
    changes = [StatusChange("submitted", submitted_at)]
    moment = submitted_at
    for status in chain:
        low, high = _DELAY_HOURS[status]
        moment = (moment + timedelta(hours=rng.uniform(low, high))).replace(microsecond=0)
        if moment > anchor:
            break  # the story is not that far yet
        changes.append(StatusChange(status, moment))
    last = changes[-1]
    if last.status in OPEN_STATUSES and last.at + STALE_AFTER <= anchor:
        changes.append(StatusChange("archived", last.at + STALE_AFTER))
    return tuple(changes)


def _proposal(
    seed: str,
    account_id: str,
    stem: int,
    index: int,
    count: int,
    anchor: datetime,
    categories: Sequence[Category],
    base_rate: float,
) -> Proposal:
    rng = rng_for(seed, "proposal", account_id, str(index))
    # Slot `index` of `count` equal slots over the history span, jittered inside its slot: sorted by index.
    position = (index + 0.05 + 0.9 * rng.random()) / count
    submitted_at = (anchor - HISTORY_SPAN + HISTORY_SPAN * position).replace(microsecond=0)
    category = categories[0] if rng.random() < 0.7 else rng.choice(categories[1:])
    skills = tuple(rng.sample(category.skills, k=min(len(category.skills), rng.randint(2, 4))))
    title = rng.choice(category.titles).format(skill=skills[0])
    hourly = rng.random() < 0.65
    hourly_rate = float(round(base_rate * rng.uniform(0.85, 1.15))) if hourly else None
    job_budget = None if hourly else float(round(math.exp(rng.uniform(math.log(100), math.log(8000))), -1))
    bid_amount = None if job_budget is None else float(round(job_budget * rng.uniform(0.8, 1.1) / 5) * 5)
    client_name = rng.choice(CLIENT_NAMES)
    client_country = rng.choice(COUNTRIES)[0]
    cover_letter = (
        f"{rng.choice(COVER_LETTER_OPENINGS)} I have worked with {', '.join(skills)} "
        f"for {rng.randint(2, 12)} years."
    )
    return Proposal(
        id=f"1{stem}{index:05d}",
        index=index,
        job_id=f"4{stem}{index:05d}",
        job_ciphertext=_cipher("~02", seed, account_id, "job", str(index)),
        job_title=title,
        category=category,
        skills=skills,
        contract_type="hourly" if hourly else "fixed",
        hourly_rate=hourly_rate,
        bid_amount=bid_amount,
        job_budget=job_budget,
        client_name=client_name,
        client_country=client_country,
        cover_letter=cover_letter,
        history=_history(
            rng,
            submitted_at,
            anchor,
            outcomes.proposal_hired(
                rng,
                seed,
                account_id,
                category,
                hourly_rate=hourly_rate,
                bid_amount=bid_amount,
                job_budget=job_budget,
            ),
        ),
    )


def _contract(seed: str, account_id: str, stem: int, proposal: Proposal, anchor: datetime) -> Contract:
    rng = rng_for(seed, "contract", account_id, str(proposal.index))
    started_at = min(anchor, proposal.updated_at + timedelta(hours=rng.uniform(0, 24))).replace(microsecond=0)
    days = rng.uniform(14, 200) if proposal.contract_type == "hourly" else rng.uniform(7, 60)
    end = (started_at + timedelta(days=days)).replace(microsecond=0)
    ended_at = end if end <= anchor else None
    return Contract(
        id=f"2{stem % 1000:03d}{proposal.index:05d}",  # fits Upwork's Int `relatedAssignment`
        proposal_id=proposal.id,
        offer_id=f"3{stem}{proposal.index:05d}",
        job_id=proposal.job_id,
        title=proposal.job_title,
        category=proposal.category,
        contract_type=proposal.contract_type,
        hourly_rate=proposal.hourly_rate,
        fixed_amount=proposal.bid_amount,
        weekly_hours_limit=rng.choice((10, 20, 30, 40)) if proposal.contract_type == "hourly" else None,
        client_name=proposal.client_name,
        started_at=started_at,
        ended_at=ended_at,
        paused=ended_at is None and rng.random() < 0.08,
    )


def _payments(seed: str, account_id: str, contract: Contract, anchor: datetime) -> list[Payment]:
    rng = rng_for(seed, "payments", account_id, contract.id)
    payments: list[Payment] = []

    def pay(
        amount: float,
        at: datetime,
        subtype: Literal["Hourly", "Fixed Price", "Bonus"],
        hours: float | None = None,
    ) -> None:
        payments.append(
            Payment(
                id=f"5{contract.id[1:]}{len(payments):03d}",
                contract_id=contract.id,
                amount=round(amount, 2),
                currency="USD",
                occurred_at=at,
                subtype=subtype,
                description=f"{subtype} payment — {contract.title}",
                hours=hours,
            )
        )

    stop = contract.ended_at or anchor
    if contract.contract_type == "hourly" and contract.hourly_rate and contract.weekly_hours_limit:
        moment = contract.started_at + timedelta(days=7)
        while moment <= stop:
            hours = round(contract.weekly_hours_limit * rng.uniform(0.3, 1.0), 1)
            pay(contract.hourly_rate * hours, moment, "Hourly", hours)
            moment += timedelta(days=7)
        last = payments[-1].occurred_at if payments else contract.started_at
        if contract.ended_at is not None and contract.ended_at > last:
            fraction = (contract.ended_at - last) / timedelta(days=7)
            hours = round(contract.weekly_hours_limit * fraction * rng.uniform(0.3, 1.0), 1)
            if hours > 0:
                pay(contract.hourly_rate * hours, contract.ended_at, "Hourly", hours)
    elif contract.fixed_amount:
        milestones = rng.randint(1, 3)
        end = contract.ended_at or (contract.started_at + timedelta(days=30))
        share = round(contract.fixed_amount / milestones, 2)
        for number in range(milestones):
            at = contract.started_at + (end - contract.started_at) * (number + 1) / milestones
            if at > anchor:
                break
            amount = share if number < milestones - 1 else contract.fixed_amount - share * (milestones - 1)
            pay(amount, at.replace(microsecond=0), "Fixed Price")
    if contract.ended_at is not None and rng.random() < 0.05:
        pay(float(rng.randint(20, 200)), contract.ended_at, "Bonus")
    return payments


def build_account(
    account_id: str, proposal_count: int, created_at: datetime, seed: str = DEFAULT_SEED
) -> Account:
    """The whole account of `account_id` as of `created_at` (its anchor); ~0.1 s for 5,000 proposals."""
    if not 0 <= proposal_count <= MAX_PROPOSALS:
        raise ValueError(f"proposal_count must be within 0..{MAX_PROPOSALS}")
    anchor = created_at.replace(microsecond=0)
    rng = rng_for(seed, "account", account_id)
    stem = _digits(seed, account_id)
    first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    main = rng.choice(CATEGORIES)
    categories = (main, *rng.sample([c for c in CATEGORIES if c is not main], 2))
    base_rate = float(max(8, round(main.median_rate * rng.lognormvariate(0, 0.3))))
    country, city = rng.choice(COUNTRIES)

    proposals = tuple(
        _proposal(seed, account_id, stem, index, proposal_count, anchor, categories, base_rate)
        for index in range(proposal_count)
    )
    contracts = tuple(
        sorted(
            (_contract(seed, account_id, stem, p, anchor) for p in proposals if p.status == "hired"),
            key=lambda c: (c.started_at, c.id),
        )
    )
    payments = tuple(
        sorted(
            (payment for c in contracts for payment in _payments(seed, account_id, c, anchor)),
            key=lambda p: (p.occurred_at, p.id),
        )
    )
    total_earnings = round(sum(p.amount for p in payments), 2)
    profile = Profile(
        key=_cipher("~01", seed, account_id),
        title=rng.choice(main.profile_titles),
        description=f"{main.label}: {', '.join(main.skills[:4])}. Clear communication, tested deliveries.",
        hourly_rate=base_rate,
        job_success_score=rng.randint(78, 100) if contracts else None,
        total_earnings=total_earnings,
        total_jobs=len(contracts),
        total_hours=round(sum(p.hours or 0.0 for p in payments), 1),
        feedback_score=round(rng.uniform(4.3, 5.0), 2),
        top_rated_status=_top_rated(total_earnings),
        skills=tuple(rng.sample(main.skills, k=min(6, len(main.skills)))),
        categories=categories,
        country=country,
        city=city,
    )
    local = "".join(ch for ch in account_id.lower() if ch.isalnum() or ch in "._-") or "user"
    return Account(
        account_id=account_id,
        created_at=anchor,
        rid=f"6{stem}",
        nid=local[:32],
        first_name=first_name,
        last_name=last_name,
        email=f"{local[:48]}@sandbox.example.com",
        profile=profile,
        proposals=proposals,
        contracts=contracts,
        payments=payments,
        proposals_by_id={p.id: p for p in proposals},
    )


def _top_rated(total_earnings: float) -> str:
    if total_earnings >= 100_000:
        return "top_rated_plus"
    if total_earnings >= 10_000:
        return "top_rated"
    return "rising_talent" if total_earnings > 0 else "none"


# ----------------------------------------------------------------------------------------------- market data


@dataclass(frozen=True, slots=True)
class MarketFreelancer:
    key: str
    first_name: str
    last_name: str
    title: str
    category: Category
    skills: tuple[str, ...]
    hourly_rate: float
    job_success_score: int | None
    feedback_score: float
    total_jobs: int
    total_hours: int
    total_earnings: float
    top_rated_status: str
    country: str
    city: str
    last_active_at: datetime

    @property
    def short_name(self) -> str:
        return f"{self.first_name} {self.last_name[0]}."


@dataclass(frozen=True, slots=True)
class Market:
    anchor: datetime
    freelancers: dict[str, tuple[MarketFreelancer, ...]]  # by category id
    freelancers_by_key: dict[str, MarketFreelancer]


def _market_freelancer(seed: str, category: Category, index: int, anchor: datetime) -> MarketFreelancer:
    rng = rng_for(seed, "market", "freelancer", category.slug, str(index))
    skills = tuple(rng.sample(category.skills, k=min(len(category.skills), rng.randint(3, 6))))
    rate = float(min(300, max(5, round(category.median_rate * rng.lognormvariate(0, 0.5)))))
    jobs = int(rng.paretovariate(1.2) * 3) - 2
    earnings = round(max(0, jobs) * rate * rng.uniform(20, 120), 2)
    country, city = rng.choice(COUNTRIES)
    title = rng.choice(
        (*category.profile_titles, f"{skills[0]} Specialist", f"{skills[0]} & {skills[1]} Expert")
    )
    return MarketFreelancer(
        key=_cipher("~01", seed, "market", category.slug, str(index)),
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        title=title,
        category=category,
        skills=skills,
        hourly_rate=rate,
        job_success_score=rng.randint(60, 100) if jobs > 0 else None,
        feedback_score=round(rng.uniform(3.8, 5.0), 2) if jobs > 0 else 0.0,
        total_jobs=max(0, jobs),
        total_hours=max(0, jobs) * rng.randint(5, 200),
        total_earnings=earnings,
        top_rated_status=_top_rated(earnings),
        country=country,
        city=city,
        last_active_at=(anchor - timedelta(hours=rng.uniform(0, 24 * 60))).replace(microsecond=0),
    )


def build_market(anchor: datetime, seed: str = DEFAULT_SEED) -> Market:
    """Competitor profiles per category, the same for every account (only `seed` matters).

    Job postings live in `postings.py`."""
    anchor = anchor.replace(microsecond=0)
    freelancers = {
        c.id: tuple(_market_freelancer(seed, c, i, anchor) for i in range(MARKET_FREELANCERS_PER_CATEGORY))
        for c in CATEGORIES
    }
    by_key = {f.key: f for group in freelancers.values() for f in group}
    return Market(anchor=anchor, freelancers=freelancers, freelancers_by_key=by_key)
