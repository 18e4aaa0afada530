"""What the service reads from Upwork, as typed models (Upwork's own shapes stay inside this package)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, SecretStr

ProposalStatus = Literal["submitted", "viewed", "interviewing", "hired", "declined", "withdrawn", "archived"]
ContractType = Literal["hourly", "fixed"]
ContractStatus = Literal["active", "paused", "closed"]


class _Model(BaseModel):
    # defer_build: each function builds the schemas of the Upwork data it reads, on first use (sign-in reads
    # tokens and profiles, a sync proposals and contracts, market data freelancers) — except the job
    # postings below, which the jobs poller validates every round and so builds at import.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class _Posting(_Model):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=False)


class UpworkTokens(_Model):
    """Upwork's token pair. `SecretStr` keeps them out of `repr`, logs and `model_dump_json()`."""

    access_token: SecretStr
    refresh_token: SecretStr
    expires_at: AwareDatetime  # of the access token
    token_type: str = "Bearer"  # noqa: S105  # a token type, not a secret

    def expires_within(self, margin: timedelta, now: datetime) -> bool:
        """True when the access token is expired or will be within `margin` (time to refresh)."""
        return self.expires_at - margin <= now


class UpworkServiceToken(_Model):
    """The service's own access token (client-credentials grant): no user, no refresh token."""

    access_token: SecretStr
    expires_at: AwareDatetime

    def expires_within(self, margin: timedelta, now: datetime) -> bool:
        return self.expires_at - margin <= now


class UpworkProfile(_Model):
    profile_id: str  # Upwork's profile key (ciphertext, `~01…`)
    title: str | None = None
    hourly_rate: float | None = None
    total_earnings: float | None = None
    job_success_score: float | None = None


class UpworkIdentity(_Model):
    upwork_user_id: str
    name: str
    email: str | None = None
    profile: UpworkProfile


class UpworkProposal(_Model):
    proposal_id: str
    job_id: str | None = None
    job_title: str
    category: str | None = None
    skills: tuple[str, ...] = ()
    status: ProposalStatus
    upwork_status: str  # Upwork's own value (Pending, Activated, Hired, …); "viewed" is not in Upwork's API
    contract_type: ContractType | None = None
    hourly_rate: float | None = None  # the hourly bid
    budget: float | None = None  # the fixed-price bid
    currency: str = "USD"
    submitted_at: AwareDatetime
    updated_at: AwareDatetime


class UpworkContract(_Model):
    contract_id: str
    proposal_id: str | None = None
    title: str | None = None
    category: str | None = None
    status: ContractStatus
    contract_type: ContractType | None = None
    hourly_rate: float | None = None
    fixed_amount: float | None = None
    currency: str = "USD"
    started_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None


class UpworkPayment(_Model):
    payment_id: str
    contract_id: str | None = None
    amount: float
    currency: str = "USD"
    occurred_at: AwareDatetime
    kind: str | None = None  # Upwork's accounting subtype (Hourly, Fixed Price, Bonus, …)
    description: str | None = None


class UpworkJobClient(_Posting):
    """What Upwork tells about the client of a job posting. `None` means Upwork did not give it."""

    payment_verified: bool | None = None
    total_spent: float | None = None  # USD
    hires: int | None = None
    jobs_posted: int | None = None
    hire_rate: float | None = None  # 0..1
    rating: float | None = None  # 0..5, `None` when the client has no reviews
    reviews: int | None = None
    member_since: AwareDatetime | None = None
    country: str | None = None


class UpworkJobActivity(_Posting):
    """Competition on a job posting, as Upwork reports it (`None`: not given)."""

    applicants: int | None = None
    interviewing: int | None = None
    invites_sent: int | None = None
    last_client_activity: AwareDatetime | None = None


class UpworkJob(_Posting):
    """A marketplace job posting (search result, or the full posting with `description` and questions)."""

    job_id: str
    ciphertext: str | None = None
    title: str
    description: str | None = None
    url: str | None = None  # the public posting, where the freelancer applies
    category: str | None = None
    skills: tuple[str, ...] = ()
    contract_type: ContractType | None = None
    budget: float | None = None
    hourly_min: float | None = None
    hourly_max: float | None = None
    currency: str = "USD"
    posted_at: AwareDatetime | None = None
    total_applicants: int | None = None
    client: UpworkJobClient = UpworkJobClient()
    activity: UpworkJobActivity = UpworkJobActivity()
    screening_questions: tuple[str, ...] = ()
    applied: bool | None = None  # Upwork's `applied` for the token's user, when asked with a user's token


class UpworkFreelancer(_Model):
    """A competitor from the talent search. `job_success_score` is only set when the search was enriched
    with the full profile (`search_freelancers(..., enrich_top=n)`), as Upwork's search records lack it."""

    profile_key: str
    name: str | None = None
    title: str | None = None
    hourly_rate: float | None = None
    currency: str = "USD"
    skills: tuple[str, ...] = ()
    country: str | None = None
    feedback_score: float | None = None
    top_rated_status: str | None = None
    total_jobs: int | None = None
    job_success_score: float | None = None


class UpworkFreelancerSearch(_Model):
    """One talent search: the sample read, and Upwork's own total for the filter (the market's size)."""

    total_count: int | None = None
    freelancers: tuple[UpworkFreelancer, ...] = ()
