"""What a saved search asks Upwork for, normalized, and its fingerprint (docs/jobs.md, "Distinct searches").

Two saved searches with the same filters — whatever their names, alerts or letter case — have the same
fingerprint and are fetched once per polling round. The fingerprint also carries the credential `scope` the
search runs with: `service` (the service's own token; shared by every user) or `user:<id>` (the owner's token;
its results are kept to that owner, so identical searches of different users are separate entries).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from bidcraft.upwork.categories import category_id

if TYPE_CHECKING:  # the poller reads scopes only: it does not need the routes' models
    from bidcraft.jobs.models import SearchIn

SERVICE_SCOPE = "service"


def _words(text: str | None) -> str | None:
    return " ".join(text.split()).casefold() if text and text.strip() else None


def normalize(search: SearchIn) -> dict[str, Any]:
    """The filters of a search in one canonical form (`None`s left out)."""
    skills = sorted({s.strip().casefold() for s in search.skills or () if s.strip()})
    filters: dict[str, Any] = {
        "query": _words(search.query),
        "skills": skills or None,
        "category": category_id(search.category) if search.category else None,
        "job_type": None if search.job_type == "any" else search.job_type,
        "min_budget": search.min_budget,
        "min_hourly_rate": search.min_hourly_rate,
        "verified_payment_only": search.verified_payment_only or None,
    }
    return {name: value for name, value in filters.items() if value is not None}


def request_filters(search: SearchIn) -> dict[str, Any]:
    """What is sent to Upwork: the same filters in the user's own spelling (skills are matched by label)."""
    skills = sorted({s.strip() for s in search.skills or () if s.strip()}, key=str.casefold)
    filters: dict[str, Any] = {
        "query": " ".join(search.query.split()) if search.query and search.query.strip() else None,
        "skills": skills or None,
        "category": search.category.strip() if search.category and search.category.strip() else None,
        "job_type": None if search.job_type == "any" else search.job_type,
        "min_budget": search.min_budget,
        "min_hourly_rate": search.min_hourly_rate,
        "verified_payment_only": search.verified_payment_only or None,
    }
    return {name: value for name, value in filters.items() if value is not None}


def scope_for(user_id: str, mode: str) -> str:
    return SERVICE_SCOPE if mode == "service" else f"user:{user_id}"


def owner_of(scope: str) -> str | None:
    """The user whose token runs a `user:<id>` entry (None for the service scope)."""
    return scope.removeprefix("user:") if scope.startswith("user:") else None


def fingerprint(search: SearchIn, scope: str) -> str:
    canonical = json.dumps(
        {"filters": normalize(search), "scope": scope}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
