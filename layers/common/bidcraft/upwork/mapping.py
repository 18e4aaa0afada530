"""Upwork's GraphQL objects → our models. Tolerant of missing optional fields, strict on identifiers."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError

from bidcraft.upwork.errors import UpworkError
from bidcraft.upwork.models import (
    ContractStatus,
    ContractType,
    ProposalStatus,
    UpworkContract,
    UpworkFreelancer,
    UpworkIdentity,
    UpworkJob,
    UpworkJobActivity,
    UpworkJobClient,
    UpworkPayment,
    UpworkProfile,
    UpworkProposal,
)

logger = logging.getLogger(__name__)

# The one table from Upwork's proposal status (`VendorProposalStatusName`) to ours (docs/upwork.md).
# Upwork's API has no "viewed by client": `viewed` only ever comes from relayed events, never from a sync.
# For a freelancer, `Accepted` means Upwork accepted the submission (still waiting), not that a client did.
PROPOSAL_STATUS: dict[str, ProposalStatus] = {
    "Pending": "submitted",
    "Accepted": "submitted",
    "Activated": "interviewing",
    "Offered": "interviewing",
    "Hired": "hired",
    "Declined": "declined",
    "Withdrawn": "withdrawn",
    "Archived": "archived",
}
UPWORK_PROPOSAL_STATUSES: tuple[str, ...] = tuple(PROPOSAL_STATUS)
_STATUS_BY_FOLDED = {name.casefold(): ours for name, ours in PROPOSAL_STATUS.items()}
CONTRACT_STATUS: dict[str, ContractStatus] = {"active": "active", "paused": "paused", "closed": "closed"}


def dig(node: Any, *path: str) -> Any:
    """`node[a][b]…`, or None as soon as a step is missing."""
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def money(value: Any) -> float | None:
    """Upwork's Money (`{rawValue, currency}`, `rawValue` a decimal string) or a bare number → float."""
    raw = value.get("rawValue") if isinstance(value, Mapping) else value
    if raw is None or isinstance(raw, bool):
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


def currency(value: Any) -> str:
    found = dig(value, "currency")
    return found.upper() if isinstance(found, str) and found else "USD"


def moment(value: Any) -> datetime | None:
    """Upwork dates: `{rawValue}` wrappers, epoch milliseconds (number or string), ISO 8601 date(-time)."""
    if isinstance(value, Mapping):
        value = value.get("rawValue")
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) >= 100_000_000_000 else value  # ms since 1973 vs seconds
        return datetime.fromtimestamp(seconds, UTC)
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _contract_type(value: Any) -> ContractType | None:
    if not isinstance(value, str):
        return None
    value = value.upper()
    if value.startswith("HOURLY"):
        return "hourly"
    if value.startswith("FIXED"):
        return "fixed"
    return None


def _labels(items: Any, key: str) -> tuple[str, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(str(item[key]) for item in items if isinstance(item, Mapping) and item.get(key))


def _required(node: Mapping[str, Any], key: str, what: str) -> str:
    value = node.get(key)
    if value is None or value == "":
        raise UpworkError(f"Upwork returned a {what} without {key}")
    return str(value)


def _build(model: type[Any], what: str, **fields: Any) -> Any:
    try:
        return model(**fields)
    except ValidationError as exc:
        raise UpworkError(f"Upwork returned an unusable {what}") from exc


def identity(user: Any, profile: Any) -> UpworkIdentity:
    if not isinstance(user, Mapping):
        raise UpworkError("Upwork returned no user")
    return _build(
        UpworkIdentity,
        "user",
        upwork_user_id=_required(user, "id", "user"),
        name=str(user.get("name") or ""),
        email=user.get("email") or None,
        profile=_build(
            UpworkProfile,
            "profile",
            profile_id=_required(user, "ciphertext", "user"),
            title=dig(profile, "personalData", "title"),
            hourly_rate=money(dig(profile, "personalData", "chargeRate")),
            total_earnings=money(dig(profile, "aggregates", "totalEarnings")),
            job_success_score=money(dig(profile, "aggregates", "jobSuccessScore")),
        ),
    )


def proposal(node: Mapping[str, Any]) -> UpworkProposal:
    raw_status = str(dig(node, "status", "status") or "")
    status = _STATUS_BY_FOLDED.get(raw_status.casefold())
    if status is None:
        logger.warning("unknown Upwork proposal status %r, treated as submitted", raw_status)
        status = "submitted"
    job = node.get("marketplaceJobPosting") or {}
    kind = _contract_type(dig(job, "contractTerms", "contractType"))
    rate = dig(node, "terms", "chargeRate")
    submitted = moment(dig(node, "auditDetails", "createdDateTime"))
    return _build(
        UpworkProposal,
        "proposal",
        proposal_id=_required(node, "id", "proposal"),
        job_id=dig(job, "id"),
        job_title=str(dig(job, "content", "title") or ""),
        category=dig(job, "classification", "category", "preferredLabel"),
        skills=_labels(dig(job, "classification", "skills"), "preferredLabel"),
        status=status,
        upwork_status=raw_status,
        contract_type=kind,
        hourly_rate=money(rate) if kind != "fixed" else None,
        budget=money(rate) if kind == "fixed" else None,
        currency=currency(rate),
        submitted_at=submitted,
        updated_at=moment(dig(node, "auditDetails", "modifiedDateTime")) or submitted,
    )


def _current_term(terms: Any, key: str) -> Any:
    """The newest term's amount (Upwork lists a contract's terms, one per change; the last is current)."""
    found = (
        [t.get(key) for t in terms if isinstance(t, Mapping) and t.get(key)]
        if isinstance(terms, list)
        else []
    )
    return found[-1] if found else None


def contract(node: Mapping[str, Any]) -> UpworkContract:
    """A `ContractDetails` from `vendorContracts`."""
    hourly = _current_term(dig(node, "terms", "hourlyTerms"), "hourlyRate")
    fixed = _current_term(dig(node, "terms", "fixedPriceTerms"), "fixedAmount")
    kind = _contract_type(dig(node, "job", "contractTerms", "contractType"))
    kind = kind or ("hourly" if hourly else "fixed" if fixed else None)
    raw_status = str(node.get("status") or "").lower()
    return _build(
        UpworkContract,
        "contract",
        contract_id=_required(node, "id", "contract"),
        proposal_id=dig(node, "offer", "vendorProposal", "id"),
        title=node.get("title") or dig(node, "job", "content", "title"),
        category=dig(node, "job", "classification", "category", "name"),  # a JobPostingCategory
        status=CONTRACT_STATUS.get(raw_status, "closed" if node.get("endDate") else "active"),
        contract_type=kind,
        hourly_rate=money(hourly),
        fixed_amount=money(fixed),
        currency=currency(hourly or fixed),
        started_at=moment(node.get("startDate")),
        ended_at=moment(node.get("endDate")),
    )


def payment(row: Mapping[str, Any]) -> UpworkPayment:
    amount = row.get("amountCreditedToUser")
    return _build(
        UpworkPayment,
        "transaction",
        payment_id=_required(row, "recordId", "transaction"),
        contract_id=str(row["relatedAssignment"]) if row.get("relatedAssignment") is not None else None,
        amount=money(amount),
        currency=currency(amount),
        occurred_at=moment(row.get("transactionCreationDate")),
        kind=row.get("accountingSubtype"),
        description=row.get("descriptionUI"),
    )


JOB_URL = "https://www.upwork.com/jobs/{ciphertext}"


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _verified(status: Any) -> bool | None:
    """Upwork's `ClientVerificationStatus` (`VERIFIED`, …) → payment verified; None when not given."""
    return status.upper() == "VERIFIED" if isinstance(status, str) and status else None


def _activity(job_activity: Any) -> UpworkJobActivity:
    return UpworkJobActivity(
        interviewing=_int(dig(job_activity, "totalInvitedToInterview")),
        invites_sent=_int(dig(job_activity, "invitesSent")),
        last_client_activity=moment(dig(job_activity, "lastClientActivity")),
    )


def _client(info: Any) -> UpworkJobClient:
    hires, posted = _int(dig(info, "totalHires")), _int(dig(info, "totalPostedJobs"))
    reviews = _int(dig(info, "totalReviews"))
    rating = _number(dig(info, "totalFeedback"))
    return UpworkJobClient(
        payment_verified=_verified(dig(info, "verificationStatus")),
        total_spent=money(dig(info, "totalSpent")),
        hires=hires,
        jobs_posted=posted,
        hire_rate=min(1.0, hires / posted) if hires is not None and posted else None,
        rating=rating if rating is not None and reviews != 0 else None,  # no reviews: no rating, not 0
        reviews=reviews,
        member_since=moment(dig(info, "memberSinceDateTime")),
        country=dig(info, "location", "country") or None,
    )


def job(node: Mapping[str, Any]) -> UpworkJob:
    """A `MarketplaceJobPostingSearchResult` (job search)."""
    hourly_min, hourly_max = money(node.get("hourlyBudgetMin")), money(node.get("hourlyBudgetMax"))
    amount = money(node.get("amount"))
    kind = _contract_type(dig(node, "job", "contractTerms", "contractType"))
    if kind is None:
        kind = "hourly" if hourly_min or hourly_max else "fixed" if amount else None
    ciphertext = node.get("ciphertext") or None
    return _build(
        UpworkJob,
        "job",
        job_id=_required(node, "id", "job"),
        ciphertext=ciphertext,
        title=str(node.get("title") or ""),
        url=JOB_URL.format(ciphertext=ciphertext) if ciphertext else None,
        category=node.get("category") or None,
        skills=_labels(node.get("skills"), "prettyName"),
        contract_type=kind,
        budget=amount if kind == "fixed" and amount else None,
        hourly_min=hourly_min if kind != "fixed" else None,
        hourly_max=hourly_max if kind != "fixed" else None,
        currency=currency(node.get("amount") if kind == "fixed" else node.get("hourlyBudgetMin")),
        posted_at=moment(node.get("publishedDateTime")) or moment(node.get("createdDateTime")),
        total_applicants=_int(node.get("totalApplicants")),
        client=_client(node.get("client")),
        activity=_activity(dig(node, "job", "activityStat", "jobActivity")).model_copy(
            update={"applicants": _int(node.get("totalApplicants"))}
        ),
        applied=node.get("applied") if isinstance(node.get("applied"), bool) else None,
    )


def job_posting(node: Mapping[str, Any]) -> UpworkJob:
    """A `MarketplaceJobPosting` (one job, with its description and screening questions)."""
    terms = node.get("contractTerms") or {}
    kind = _contract_type(terms.get("contractType"))
    hourly = terms.get("hourlyContractTerms") if kind == "hourly" else None
    fixed = dig(terms, "fixedPriceContractTerms", "amount")
    questions = dig(node, "contractorSelection", "proposalRequirement", "screeningQuestions") or []
    ordered = sorted(
        (q for q in questions if isinstance(q, Mapping) and q.get("question")),
        key=lambda q: _int(q.get("sequenceNumber")) or 0,
    )
    verified = dig(node, "clientCompanyPublic", "paymentVerification", "paymentVerified")
    return _build(
        UpworkJob,
        "job",
        job_id=_required(node, "id", "job"),
        title=str(dig(node, "content", "title") or ""),
        description=dig(node, "content", "description"),
        category=dig(node, "classification", "category", "preferredLabel"),
        skills=_labels(dig(node, "classification", "skills"), "preferredLabel"),
        contract_type=kind,
        budget=money(fixed) if kind == "fixed" else None,
        hourly_min=_number(dig(hourly, "hourlyBudgetMin")),
        hourly_max=_number(dig(hourly, "hourlyBudgetMax")),
        currency=currency(fixed),
        client=UpworkJobClient(
            payment_verified=verified if isinstance(verified, bool) else None,
            country=dig(node, "clientCompanyPublic", "country", "name") or None,
        ),
        activity=_activity(dig(node, "activityStat", "jobActivity")),
        screening_questions=tuple(str(q["question"]) for q in ordered),
    )


def freelancer(node: Mapping[str, Any]) -> UpworkFreelancer:
    rate = node.get("hourlyRate")
    jobs = [node.get("totalHourlyJobs"), node.get("totalFixedPriceJobs")]
    counts = [n for n in jobs if isinstance(n, int)]
    return _build(
        UpworkFreelancer,
        "freelancer",
        profile_key=str(node.get("ciphertext") or _required(node, "id", "freelancer")),
        name=node.get("shortName"),
        title=node.get("title"),
        hourly_rate=money(rate),
        currency=currency(rate),
        skills=_labels(node.get("skills"), "preferredLabel"),
        country=dig(node, "location", "country"),
        feedback_score=money(node.get("avgFeedbackScore")),
        top_rated_status=node.get("topRatedStatus"),
        total_jobs=sum(counts) if counts else None,
    )
