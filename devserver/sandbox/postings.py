"""Sandbox job postings: a deterministic stream that appears over time, plus postings published on demand.

- **Stream:** every UTC minute has 0–2 postings derived from `rng_for(seed, "posting", <minute>)` alone, so
  any process with the same seed sees the same postings at the same times. Only the last `WINDOW` is
  searchable.
- **Published:** `POST /_sandbox/upwork/_jobs` (`PostingBoard.publish`) adds one posting dated now.
- **Activity** grows with age: applicants arrive at a per-posting rate (capped), as on Upwork.

Client statistics are optional: what a published posting leaves out stays `None`, rendered as `null` — Upwork
"did not give" it. Search filters follow `marketplaceJobPostingsSearch` (see `matches`).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from devserver.sandbox.catalog import CATEGORIES, COUNTRIES, PUBLISHABLE, Category
from devserver.sandbox.data import _cipher, rng_for

WINDOW = timedelta(hours=72)  # how far back the stream is searchable
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_QUESTIONS = (
    "Describe a recent project similar to this one.",
    "What is your availability over the next month?",
    "Which part of this job would you start with, and why?",
    "Do you have questions about the requirements?",
)
_LUCENE_WORDS = {"and", "or", "not", "to"}

ContractType = Literal["hourly", "fixed"]


@dataclass(frozen=True, slots=True)
class PostingClient:
    """What Upwork shows about a job's client; `None` = not given."""

    payment_verified: bool | None = None
    total_spent: float | None = None
    hires: int | None = None
    jobs_posted: int | None = None
    rating: float | None = None
    reviews: int | None = None
    country: str | None = None
    member_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class Posting:
    id: str
    ciphertext: str
    title: str
    description: str
    category: Category
    skills: tuple[str, ...]
    contract_type: ContractType
    budget: float | None
    hourly_min: float | None
    hourly_max: float | None
    created_at: datetime
    client: PostingClient
    screening_questions: tuple[str, ...] = ()
    experience_level: str = "INTERMEDIATE"
    applicants_per_hour: float | None = None  # the stream's arrival rate; None: a fixed count
    fixed_applicants: int | None = None
    invites_sent: int | None = None
    interviewing: int | None = None
    search_text: str = field(default="", repr=False, compare=False)

    def applicants(self, now: datetime) -> int | None:
        if self.applicants_per_hour is None:
            return self.fixed_applicants
        hours = max(0.0, (now - self.created_at).total_seconds() / 3600)
        return min(80, math.floor(hours * self.applicants_per_hour))

    def last_client_activity(self, now: datetime) -> datetime | None:
        if self.applicants_per_hour is None:
            return None
        return min(now, self.created_at + timedelta(minutes=17))


def _text(title: str, description: str, skills: tuple[str, ...]) -> str:
    return f"{title} {description} {' '.join(skills)}".casefold()


def _minute(moment: datetime) -> int:
    return int((moment - _EPOCH).total_seconds() // 60)


def _stream_posting(seed: str, minute: int, number: int) -> Posting:
    rng = rng_for(seed, "posting", str(minute), str(number))
    category = rng.choice(CATEGORIES)
    skills = tuple(rng.sample(category.skills, k=min(len(category.skills), rng.randint(2, 5))))
    title = rng.choice(category.titles).format(skill=skills[0])
    hourly = rng.random() < 0.55
    low = float(max(5, round(category.median_rate * rng.uniform(0.4, 0.9))))
    created_at = _EPOCH + timedelta(minutes=minute, seconds=rng.randint(0, 59))
    new_client = rng.random() < 0.2
    hires = 0 if new_client else rng.randint(1, 120)
    reviews = 0 if new_client else rng.randint(0, hires)
    description = f"{title}. Required skills: {', '.join(skills)}. Please describe similar past work."
    return Posting(
        id=f"1{minute:09d}{number:02d}",
        ciphertext=_cipher("~02", seed, "posting", str(minute), str(number)),
        title=title,
        description=description,
        category=category,
        skills=skills,
        contract_type="hourly" if hourly else "fixed",
        budget=None if hourly else float(round(math.exp(rng.uniform(math.log(50), math.log(10000))), -1)),
        hourly_min=low if hourly else None,
        hourly_max=float(round(low * rng.uniform(1.3, 2.5))) if hourly else None,
        created_at=created_at,
        client=PostingClient(
            payment_verified=rng.random() < 0.8,
            total_spent=0.0 if new_client else float(round(rng.uniform(100, 250_000), -2)),
            hires=hires,
            jobs_posted=hires + rng.randint(1, 10),
            rating=round(rng.uniform(3.5, 5.0), 2) if reviews else None,
            reviews=reviews,
            country=rng.choice(COUNTRIES)[0],
            member_since=(created_at - timedelta(days=rng.randint(1, 3000))).replace(second=0),
        ),
        screening_questions=tuple(rng.sample(_QUESTIONS, k=rng.randint(0, 2))),
        experience_level=rng.choice(("ENTRY_LEVEL", "INTERMEDIATE", "EXPERT")),
        applicants_per_hour=rng.uniform(0.5, 6.0),
        invites_sent=rng.randint(0, 8),
        interviewing=rng.randint(0, 3),
        search_text=_text(title, description, skills),
    )


def stream_minute(seed: str, minute: int) -> tuple[Posting, ...]:
    """The postings of one UTC minute (0–2), the same in every process."""
    count = rng_for(seed, "posting", str(minute)).choices((0, 1, 2), weights=(30, 45, 25))[0]
    return tuple(_stream_posting(seed, minute, number) for number in range(count))


class PublishError(ValueError):
    """A `POST /_jobs` body the sandbox cannot turn into a posting (→ 422)."""


def _optional(body: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) and kind is not bool:
        raise PublishError(f"{key} must be a {getattr(kind, '__name__', 'number')}")
    if not isinstance(value, kind):
        raise PublishError(f"{key} must be a {getattr(kind, '__name__', 'number')}")
    return value


def _posting_from(body: Mapping[str, Any], ident: str, ciphertext: str, now: datetime) -> Posting:
    title = body.get("title")
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= 500:
        raise PublishError("title is required (1-500 characters)")
    description = _optional(body, "description", str) or ""
    skills = body.get("skills") or []
    if not isinstance(skills, list) or not all(isinstance(s, str) and s.strip() for s in skills):
        raise PublishError("skills must be a list of strings")
    label = body.get("category") or CATEGORIES[0].label
    category = PUBLISHABLE.get(label) if isinstance(label, str) else None
    if category is None:
        raise PublishError(f"category must be one of Upwork's: {', '.join(PUBLISHABLE)}")
    number = (int, float)
    amount = _optional(body, "amount", number)
    hourly_min, hourly_max = _optional(body, "hourly_min", number), _optional(body, "hourly_max", number)
    raw_kind = body.get("type") or ("fixed" if amount is not None else "hourly")
    if raw_kind not in {"hourly", "fixed"}:
        raise PublishError("type must be hourly or fixed")
    kind: ContractType = "hourly" if raw_kind == "hourly" else "fixed"
    client = body.get("client") or {}
    if not isinstance(client, dict):
        raise PublishError("client must be an object")
    since = _optional(client, "member_since", str)
    try:
        member_since = datetime.fromisoformat(since.replace("Z", "+00:00")) if since else None
    except ValueError as exc:
        raise PublishError("client.member_since must be an ISO 8601 date-time") from exc
    if member_since is not None and member_since.tzinfo is None:
        member_since = member_since.replace(tzinfo=UTC)
    questions = body.get("screening_questions") or []
    if not isinstance(questions, list) or not all(isinstance(q, str) and q.strip() for q in questions):
        raise PublishError("screening_questions must be a list of strings")
    applicants = _optional(body, "total_applicants", int)
    clean = tuple(s.strip() for s in skills)
    return Posting(
        id=ident,
        ciphertext=ciphertext,
        title=title.strip(),
        description=description,
        category=category,
        skills=clean,
        contract_type=kind,
        budget=float(amount) if kind == "fixed" and amount is not None else None,
        hourly_min=float(hourly_min) if kind == "hourly" and hourly_min is not None else None,
        hourly_max=float(hourly_max) if kind == "hourly" and hourly_max is not None else None,
        created_at=now.replace(microsecond=0),
        client=PostingClient(
            payment_verified=_optional(client, "payment_verified", bool),
            total_spent=_optional(client, "total_spent", number),
            hires=_optional(client, "hires", int),
            jobs_posted=_optional(client, "jobs_posted", int),
            rating=_optional(client, "rating", number),
            reviews=_optional(client, "reviews", int),
            country=_optional(client, "country", str),
            member_since=member_since,
        ),
        screening_questions=tuple(q.strip() for q in questions),
        fixed_applicants=applicants,
        search_text=_text(title, description, clean),
    )


@dataclass(frozen=True, slots=True)
class JobQuery:
    """A `MarketplaceJobPostingsSearchFilter`, reduced to what the sandbox honours."""

    category_ids: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()
    title_words: tuple[str, ...] = ()
    skills: frozenset[str] = frozenset()
    job_type: ContractType | None = None
    verified_only: bool = False
    min_budget: float | None = None
    min_hourly_rate: float | None = None

    def matches(self, posting: Posting) -> bool:
        """Any of the skills, query words or categories (API.md's local stack), then the hard filters."""
        wanted = bool(self.category_ids or self.words or self.title_words or self.skills)
        if wanted and not (
            posting.category.id in self.category_ids
            or any(skill_key(s) in self.skills for s in posting.skills)
            or any(word in posting.search_text for word in self.words)
            or any(word in posting.title.casefold() for word in self.title_words)
        ):
            return False
        if self.job_type is not None and posting.contract_type != self.job_type:
            return False
        if self.verified_only and posting.client.payment_verified is not True:
            return False
        if (
            self.min_budget is not None
            and posting.contract_type == "fixed"
            and (posting.budget is None or posting.budget < self.min_budget)
        ):
            return False
        if self.min_hourly_rate is not None and posting.contract_type == "hourly":
            top = posting.hourly_max or posting.hourly_min
            if top is None or top < self.min_hourly_rate:
                return False
        return True


def skill_key(skill: str) -> str:
    """Upwork skill names are slugs (`crm-software`); pretty names are matched through the same key."""
    return re.sub(r"[^0-9a-z+#.]+", "-", skill.casefold()).strip("-")


def query_words(expression: str | None) -> tuple[str, ...]:
    """The words of a (partial Lucene) search expression, without operators, quotes or brackets."""
    if not expression:
        return ()
    words = re.findall(r"[0-9A-Za-z+#.\-]+", expression)
    return tuple(w.casefold() for w in words if w.casefold() not in _LUCENE_WORDS and len(w) > 1)


def skill_keys(expression: str | None) -> frozenset[str]:
    if not expression:
        return frozenset()
    return frozenset(skill_key(part) for part in expression.split(",") if part.strip())


class PostingBoard:
    """The searchable postings at any moment: the stream's last `WINDOW` plus everything published."""

    def __init__(self, clock: Callable[[], datetime], seed: str) -> None:
        self._clock = clock
        self._seed = seed
        self._lock = threading.Lock()
        self._minutes: dict[int, tuple[Posting, ...]] = {}
        self._published: list[Posting] = []
        self._by_id: dict[str, Posting] = {}
        self._counter = 0

    def publish(self, body: Mapping[str, Any]) -> Posting:
        now = self._clock()
        with self._lock:
            self._counter += 1
            ident = f"2{_minute(now):09d}{self._counter:04d}"
            posting = _posting_from(body, ident, _cipher("~02", self._seed, "published", ident), now)
            self._published.append(posting)
            self._by_id[posting.id] = posting
            return posting

    def _stream(self, now: datetime) -> list[Posting]:
        last, first = _minute(now), _minute(now - WINDOW)
        with self._lock:
            for stale in [m for m in self._minutes if m < first]:
                for posting in self._minutes.pop(stale):
                    self._by_id.pop(posting.id, None)
            found: list[Posting] = []
            for minute in range(first, last + 1):
                postings = self._minutes.get(minute)
                if postings is None:
                    postings = self._minutes[minute] = stream_minute(self._seed, minute)
                    self._by_id.update((p.id, p) for p in postings)
                found.extend(p for p in postings if p.created_at <= now)
            return found

    def open_postings(self) -> list[Posting]:
        """Every searchable posting now, newest first (ties by id)."""
        now = self._clock()
        stream = self._stream(now)
        with self._lock:
            published = [p for p in self._published if p.created_at <= now]
        return sorted((*stream, *published), key=lambda p: (p.created_at, p.id), reverse=True)

    def get(self, posting_id: str) -> Posting | None:
        now = self._clock()
        self._stream(now)
        with self._lock:
            return self._by_id.get(posting_id)
