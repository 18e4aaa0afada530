"""Asynchronous generations: the `202` of `POST /api/ai/generate/proposal` (with `Prefer: respond-async`) and
`GET /api/ai/jobs/{job_id}` (API.md "AI")."""

from typing import Literal

from bidcraft.ai.models.base import Reply
from bidcraft.ai.models.generation import ProposalDraft
from bidcraft.api_fields import Omittable


class AiJobAccepted(Reply):
    job_id: str
    status: Literal["queued"] = "queued"
    status_url: str


JobStatus = Literal["queued", "running", "succeeded", "failed"]


class AiJobError(Reply):
    """Problem-like (RFC 9457 members) description of why a job failed."""

    type: str
    title: str
    status: int
    detail: str


class AiJob(Reply):
    job_id: str
    status: JobStatus
    result: Omittable[ProposalDraft] = None
    error: Omittable[AiJobError] = None
