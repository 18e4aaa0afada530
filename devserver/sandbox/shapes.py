"""The sandbox's data in Upwork's shapes: one renderer per Upwork type the schema declares.

Each returns a plain dict keyed by Upwork's field names; graphql-core reads from it only what a document
selects. Money is `{rawValue, currency, displayValue}`, audit dates are `DateTime {rawValue}` (epoch ms),
other dates ISO 8601 strings, contract terms lists — as `schema/upwork.graphql` says.
`tests/unit/sandbox/test_sandbox_shapes.py` asks for every field of every type, so a shape cannot drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from devserver.sandbox.catalog import Category
from devserver.sandbox.data import Account, Contract, MarketFreelancer, Payment, Proposal
from devserver.sandbox.postings import Posting, skill_key

# Our lifecycle statuses as Upwork's `VendorProposalStatusName` shows them (Upwork has no "viewed").
UPWORK_PROPOSAL_STATUS = {
    "submitted": "Pending",
    "viewed": "Pending",
    "interviewing": "Activated",
    "hired": "Hired",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
    "archived": "Archived",
}


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _timestamp(moment: datetime) -> dict[str, str | None]:
    """Upwork's date-time object: `rawValue` is epoch milliseconds as a string."""
    return {"rawValue": str(int(moment.timestamp() * 1000)), "displayValue": _iso(moment)}


def _money(amount: float | None, currency: str = "USD") -> dict[str, str] | None:
    if amount is None:
        return None
    return {"rawValue": f"{amount:.2f}", "currency": currency, "displayValue": f"${amount:,.2f}"}


def _category(category: Category) -> dict[str, str]:
    return {"id": category.id, "ontologyId": f"upwork:{category.slug}", "preferredLabel": category.label}


def _skills(skills: Sequence[str]) -> list[dict[str, str]]:
    """Upwork's ontology `Skill` objects."""
    return [
        {"id": skill_key(s), "ontologyId": f"upwork:{skill_key(s)}", "prettyName": s, "preferredLabel": s}
        for s in skills
    ]


def _contract_type(kind: str) -> str:
    return "HOURLY" if kind == "hourly" else "FIXED_PRICE"


def _profile_url(key: str) -> str:
    return f"https://www.upwork.com/freelancers/{key}"


def _current_user(account: Account) -> dict[str, Any]:
    return {
        "id": account.account_id,
        "nid": account.nid,
        "rid": account.rid,
        "name": account.name,
        "email": account.email,
        "ciphertext": account.profile.key,
        "photoUrl": None,
    }


def _generic_user(account: Account) -> dict[str, Any]:
    """`GenericUser`: how other objects (proposals, contracts) show the account's user."""
    return {
        **_current_user(account),
        "firstName": account.first_name,
        "lastName": account.last_name,
        "publicUrl": _profile_url(account.profile.key),
    }


def render_user(account: Account) -> dict[str, Any]:
    """`CurrentUser`."""
    return {**_current_user(account), "freelancerProfile": render_account_profile(account)}


def render_account_profile(account: Account) -> dict[str, Any]:
    """`FreelancerProfile` of a sandbox account."""
    profile = account.profile
    return {
        "id": profile.key,
        "user": _current_user(account),
        "fullName": account.name,
        "firstName": account.first_name,
        "lastName": account.last_name,
        "email": account.email,
        "countryDetails": {"name": profile.country},
        "personalData": {
            "firstName": account.first_name,
            "lastName": account.last_name,
            "title": profile.title,
            "description": profile.description,
            "profileUrl": _profile_url(profile.key),
            "chargeRate": _money(profile.hourly_rate),
            "address": {"countryName": profile.country, "cityName": profile.city, "timezone": "UTC"},
        },
        "aggregates": {
            "jobSuccessScore": profile.job_success_score,
            "topRatedStatus": profile.top_rated_status,
            "topRatedPlusStatus": "top_rated_plus"
            if profile.top_rated_status == "top_rated_plus"
            else "none",
            "totalFeedback": profile.total_jobs,
            "adjustedFeedbackScore": profile.feedback_score,
            "totalEarnings": _money(profile.total_earnings),
            "totalJobs": profile.total_jobs,
            "totalHours": profile.total_hours,
        },
        "skills": _skills(profile.skills),
        "categories": [_category(c) for c in profile.categories],
        "availability": {"name": "More than 30 hrs/week"},
    }


def render_market_profile(freelancer: MarketFreelancer) -> dict[str, Any]:
    """`FreelancerProfile` of a market freelancer (another Upwork user: no e-mail)."""
    number = str(int(freelancer.key[3:11], 16))
    return {
        "id": freelancer.key,
        "user": {"id": f"7{number}", "nid": freelancer.short_name.replace(" ", "").lower(), "rid": number},
        "fullName": freelancer.short_name,
        "firstName": freelancer.first_name,
        "lastName": freelancer.last_name[0] + ".",
        "email": None,
        "countryDetails": {"name": freelancer.country},
        "personalData": {
            "firstName": freelancer.first_name,
            "lastName": freelancer.last_name[0] + ".",
            "title": freelancer.title,
            "description": f"{freelancer.title}. Skills: {', '.join(freelancer.skills)}.",
            "profileUrl": _profile_url(freelancer.key),
            "chargeRate": _money(freelancer.hourly_rate),
            "address": {"countryName": freelancer.country, "cityName": freelancer.city, "timezone": "UTC"},
        },
        "aggregates": {
            "jobSuccessScore": freelancer.job_success_score,
            "topRatedStatus": freelancer.top_rated_status,
            "topRatedPlusStatus": "top_rated_plus"
            if freelancer.top_rated_status == "top_rated_plus"
            else "none",
            "totalFeedback": freelancer.total_jobs,
            "adjustedFeedbackScore": freelancer.feedback_score,
            "totalEarnings": _money(freelancer.total_earnings),
            "totalJobs": freelancer.total_jobs,
            "totalHours": freelancer.total_hours,
        },
        "skills": _skills(freelancer.skills),
        "categories": [_category(freelancer.category)],
        "availability": {"name": "As needed - open to offers"},
    }


def render_proposal(account: Account, proposal: Proposal) -> dict[str, Any]:
    hourly = proposal.contract_type == "hourly"
    return {
        "id": proposal.id,
        "user": _generic_user(account),
        "organization": {"id": f"org{account.rid}", "rid": account.rid, "name": account.name},
        "marketplaceJobPosting": {
            "id": proposal.job_id,
            "ciphertext": proposal.job_ciphertext,
            "content": {"title": proposal.job_title, "description": f"{proposal.job_title}."},
            "classification": {"category": _category(proposal.category), "skills": _skills(proposal.skills)},
            "contractTerms": {
                "contractType": _contract_type(proposal.contract_type),
                "personsToHire": 1,
                "fixedPriceContractTerms": None if hourly else {"amount": _money(proposal.job_budget)},
            },
            "canClientReceiveContractProposal": True,
            "clientCompanyPublic": {
                "id": f"org-{proposal.client_name.lower().replace(' ', '-')}",
                "country": {"name": proposal.client_country},
                "paymentVerification": {"paymentVerified": True},
            },
        },
        "terms": {
            "chargeRate": _money(proposal.hourly_rate if hourly else proposal.bid_amount),
            "upfrontPaymentPercent": 0,
            "estimatedDuration": None,
        },
        "proposalCoverLetter": proposal.cover_letter,
        "status": {"status": UPWORK_PROPOSAL_STATUS[proposal.status], "reason": None},
        "auditDetails": {
            "createdByUser": _generic_user(account),
            "createdDateTime": _timestamp(proposal.submitted_at),
            "modifiedDateTime": _timestamp(proposal.updated_at),
        },
    }


def render_contract(account: Account, contract: Contract) -> dict[str, Any]:
    """A `ContractDetails`: terms are lists (one entry per change of terms), the job is a `JobPosting`."""
    hourly = contract.contract_type == "hourly"
    term = {
        "id": f"{contract.id}01",
        "startDate": _iso(contract.started_at),
        "endDate": _iso(contract.ended_at),
    }
    return {
        "id": contract.id,
        "title": contract.title,
        "status": contract.status,
        "createDate": _iso(contract.started_at),
        "startDate": _iso(contract.started_at),
        "endDate": _iso(contract.ended_at),
        "modifyDate": _iso(contract.ended_at or contract.started_at),
        "offerId": contract.offer_id,
        "offer": {
            "id": contract.offer_id,
            "title": contract.title,
            "vendorProposal": render_proposal(account, account.proposals_by_id[contract.proposal_id]),
        },
        "job": {
            "id": contract.job_id,
            "content": {"title": contract.title, "description": f"{contract.title}."},
            "classification": {
                "category": {
                    "id": contract.category.id,
                    "name": contract.category.label,
                    "slug": contract.category.slug,
                },
                "skills": [],
                "additionalSkills": [],
                "customAdditionalSkills": [],
            },
            "contractTerms": {"contractType": _contract_type(contract.contract_type)},
        },
        "freelancer": {
            "id": account.account_id,
            "nid": account.nid,
            "rid": account.rid,
            "name": account.name,
        },
        "clientOrganization": {
            "id": f"org-{contract.client_name.lower().replace(' ', '-')}",
            "name": contract.client_name,
        },
        "terms": {
            "hourlyTerms": [{**term, "hourlyRate": _money(contract.hourly_rate)}] if hourly else [],
            "fixedPriceTerms": [] if hourly else [{**term, "fixedAmount": _money(contract.fixed_amount)}],
        },
    }


def render_payment(number: int, payment: Payment, balance: float) -> dict[str, Any]:
    return {
        "rowNumber": number,
        "recordId": payment.id,
        "transactionCreationDate": _iso(payment.occurred_at),
        "accountingSubtype": payment.subtype,
        "descriptionUI": payment.description,
        "amountCreditedToUser": _money(payment.amount, payment.currency),
        "amountSentInOrigCurrency": _money(payment.amount, payment.currency),
        "runningChargeableBalance": _money(balance, payment.currency),
        "paymentGuaranteed": payment.subtype == "Hourly",
        "relatedAssignment": int(payment.contract_id),
    }


def _verification(verified: bool | None) -> str | None:
    return None if verified is None else "VERIFIED" if verified else "NOT_VERIFIED"


def render_posting(posting: Posting, now: datetime) -> dict[str, Any]:
    """A `MarketplaceJobPosting` (Upwork's full job object)."""
    hourly = posting.contract_type == "hourly"
    return {
        "id": posting.id,
        "content": {"title": posting.title, "description": posting.description},
        "classification": {
            "category": _category(posting.category),
            "skills": [{"id": None, "preferredLabel": s, "prettyName": s} for s in posting.skills],
        },
        "contractTerms": {
            "contractType": _contract_type(posting.contract_type),
            "personsToHire": 1,
            "experienceLevel": posting.experience_level,
            "fixedPriceContractTerms": None if hourly else {"amount": _money(posting.budget)},
            "hourlyContractTerms": {
                "engagementType": "PART_TIME",
                "hourlyBudgetMin": posting.hourly_min,
                "hourlyBudgetMax": posting.hourly_max,
            }
            if hourly
            else None,
        },
        "canClientReceiveContractProposal": True,
        "contractorSelection": {
            "proposalRequirement": {
                "coverLetterRequired": True,
                "screeningQuestions": [
                    {"question": q, "sequenceNumber": n} for n, q in enumerate(posting.screening_questions, 1)
                ],
            }
        },
        "activityStat": {
            "jobActivity": {
                "lastClientActivity": _iso(posting.last_client_activity(now)),
                "invitesSent": posting.invites_sent,
                "totalInvitedToInterview": posting.interviewing,
                "totalHired": 0,
                "totalUnansweredInvites": 0,
                "totalOffered": 0,
            }
        },
        "clientCompanyPublic": {
            "id": f"org-{posting.id}",
            "country": {"name": posting.client.country} if posting.client.country else None,
            "paymentVerification": {"paymentVerified": posting.client.payment_verified},
        },
    }


def render_posting_search(posting: Posting, now: datetime, applied: bool | None) -> dict[str, Any]:
    """A `MarketplaceJobPostingSearchResult` (one job-search hit); `applied` is the token user's (none for a
    client-credentials token)."""
    client = posting.client
    hourly = posting.contract_type == "hourly"
    return {
        "id": posting.id,
        "ciphertext": posting.ciphertext,
        "title": posting.title,
        "description": posting.description,
        "createdDateTime": _iso(posting.created_at),
        "publishedDateTime": _iso(posting.created_at),
        "renewedDateTime": None,
        "category": posting.category.label,
        "subcategory": None,
        "skills": [
            {"id": None, "name": skill_key(s), "prettyName": s, "highlighted": False} for s in posting.skills
        ],
        "amount": _money(0.0 if hourly else posting.budget),
        "hourlyBudgetType": "DEFAULT" if hourly else None,
        "hourlyBudgetMin": _money(posting.hourly_min),
        "hourlyBudgetMax": _money(posting.hourly_max),
        "experienceLevel": posting.experience_level,
        "totalApplicants": posting.applicants(now),
        "applied": applied,
        "client": {
            "totalHires": client.hires,
            "totalPostedJobs": client.jobs_posted,
            "totalSpent": _money(client.total_spent),
            "verificationStatus": _verification(client.payment_verified),
            "totalReviews": client.reviews,
            "totalFeedback": client.rating,
            "memberSinceDateTime": _iso(client.member_since),
            "location": {"country": client.country} if client.country else None,
        },
        "job": render_posting(posting, now),
    }


def render_search_record(freelancer: MarketFreelancer) -> dict[str, Any]:
    hourly_jobs = round(freelancer.total_jobs * 0.6)
    return {
        "__typename": "FreelancerProfilesSearchRecord",
        "id": freelancer.key,
        "ciphertext": freelancer.key,
        "shortName": freelancer.short_name,
        "title": freelancer.title,
        "description": f"{freelancer.title}. Skills: {', '.join(freelancer.skills)}.",
        "skills": _skills(freelancer.skills),
        "hourlyRate": _money(freelancer.hourly_rate),
        "topRatedStatus": freelancer.top_rated_status,
        "avgFeedbackScore": freelancer.feedback_score,
        "jobSuccessScore": freelancer.job_success_score,
        "totalHourlyJobs": hourly_jobs,
        "totalFixedPriceJobs": freelancer.total_jobs - hourly_jobs,
        "totalEarnings": freelancer.total_earnings,
        "category": _category(freelancer.category),
        "location": {"country": freelancer.country, "city": freelancer.city, "state": None},
        "lastActiveDateTime": _iso(freelancer.last_active_at),
    }
