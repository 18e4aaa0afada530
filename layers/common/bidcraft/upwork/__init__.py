"""Upwork OAuth 2.0 and GraphQL client over httpx2: the same code for www.upwork.com and the sandbox.

The clients (`UpworkGraphQL`, `UpworkOAuth`, `make_client`, …) and the models (`UpworkJob`, …) load on first
use (PEP 562): code that needs only the errors or one submodule (the budget, the job categories) imports
neither httpx2 nor the models' pydantic schemas at cold start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bidcraft.upwork.errors import (
    UpworkAuthError,
    UpworkError,
    UpworkGrantError,
    UpworkNotFound,
    UpworkPermissionError,
    UpworkRateLimited,
)

if TYPE_CHECKING:
    from bidcraft.upwork.graphql import UpworkGraphQL
    from bidcraft.upwork.http import RetryPolicy, make_client
    from bidcraft.upwork.models import (
        UpworkContract,
        UpworkFreelancer,
        UpworkFreelancerSearch,
        UpworkIdentity,
        UpworkJob,
        UpworkJobActivity,
        UpworkJobClient,
        UpworkPayment,
        UpworkProfile,
        UpworkProposal,
        UpworkServiceToken,
        UpworkTokens,
    )
    from bidcraft.upwork.oauth import UpworkOAuth, authorize_url

_LAZY = {
    "UpworkGraphQL": "bidcraft.upwork.graphql",
    "RetryPolicy": "bidcraft.upwork.http",
    "make_client": "bidcraft.upwork.http",
    "UpworkOAuth": "bidcraft.upwork.oauth",
    "authorize_url": "bidcraft.upwork.oauth",
    "UpworkContract": "bidcraft.upwork.models",
    "UpworkFreelancer": "bidcraft.upwork.models",
    "UpworkFreelancerSearch": "bidcraft.upwork.models",
    "UpworkIdentity": "bidcraft.upwork.models",
    "UpworkJob": "bidcraft.upwork.models",
    "UpworkJobActivity": "bidcraft.upwork.models",
    "UpworkJobClient": "bidcraft.upwork.models",
    "UpworkPayment": "bidcraft.upwork.models",
    "UpworkProfile": "bidcraft.upwork.models",
    "UpworkProposal": "bidcraft.upwork.models",
    "UpworkServiceToken": "bidcraft.upwork.models",
    "UpworkTokens": "bidcraft.upwork.models",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "RetryPolicy",
    "UpworkAuthError",
    "UpworkContract",
    "UpworkError",
    "UpworkFreelancer",
    "UpworkFreelancerSearch",
    "UpworkGrantError",
    "UpworkGraphQL",
    "UpworkIdentity",
    "UpworkJob",
    "UpworkJobActivity",
    "UpworkJobClient",
    "UpworkNotFound",
    "UpworkOAuth",
    "UpworkPayment",
    "UpworkPermissionError",
    "UpworkProfile",
    "UpworkProposal",
    "UpworkRateLimited",
    "UpworkServiceToken",
    "UpworkTokens",
    "authorize_url",
    "make_client",
]
