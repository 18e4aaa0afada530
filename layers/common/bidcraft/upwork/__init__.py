"""Upwork OAuth 2.0 and GraphQL client over httpx2: the same code for www.upwork.com and the sandbox."""

from bidcraft.upwork.errors import (
    UpworkAuthError,
    UpworkError,
    UpworkGrantError,
    UpworkNotFound,
    UpworkPermissionError,
    UpworkRateLimited,
)
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
