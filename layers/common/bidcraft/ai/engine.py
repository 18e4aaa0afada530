"""The engines that score and draft proposals, and how the one in use is chosen.

`Engine` is the protocol; `OfflineEngine` is built in (deterministic heuristics, no network, free) and
`bidcraft.ai.openai_engine.OpenAIEngine` calls the OpenAI API (or any compatible server at OPENAI_BASE_URL).

`select()` picks OpenAI when the secret named by OPENAI_SECRET_ARN holds a key, else offline. An unset ARN, an
empty value or a placeholder (`none`, `offline`, `disabled`, `-`) mean offline. A secret that cannot be read
is not a choice: missing or forbidden is a 500 `misconfigured` (logged and metered), a failed read a 503; the
choice is cached for `_SELECTION_TTL` seconds (the secret cache's lifetime), so a key added or rotated is
picked up within five minutes without a redeploy. The engine in use is reported in responses as `engine`.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, NamedTuple, Protocol

from bidcraft import secrets
from bidcraft.ai.models.generation import TokenUsage
from bidcraft.ai.settings import settings

if TYPE_CHECKING:
    from bidcraft.ai.drafting.planning import Plan
    from bidcraft.ai.drafting.written import Written
    from bidcraft.ai.models.analysis import ProposalAnalysisRequest
    from bidcraft.ai.scoring import Scorecard

logger = logging.getLogger(__name__)

OFFLINE = "offline"
_PLACEHOLDERS = frozenset({"", "none", "offline", "disabled", "-", "null"})
_SELECTION_TTL = 300.0


class Analysis(NamedTuple):
    scorecard: Scorecard
    usage: TokenUsage


class Engine(Protocol):
    @property
    def name(self) -> str:
        """`offline` or `openai:<model>`."""
        ...

    @property
    def metered(self) -> bool:
        """Whether calls cost tokens (and so are subject to the monthly token budget)."""
        ...

    def analyze_proposal(self, request: ProposalAnalysisRequest) -> Analysis: ...

    def write_draft(self, plan: Plan, *, tone: str | None = None) -> Written:
        """The texts of a draft for `plan` (`bidcraft.ai.drafting`), in the plan's language."""
        ...


class OfflineEngine:
    """Deterministic, explainable heuristics (`scoring`, `drafting.compose`); no network, usage zero."""

    name = OFFLINE
    metered = False

    def analyze_proposal(self, request: ProposalAnalysisRequest) -> Analysis:
        from bidcraft.ai import scoring  # the analysis route's own code (the worker never scores)

        return Analysis(scoring.score_proposal(request), TokenUsage())

    def write_draft(self, plan: Plan, *, tone: str | None = None) -> Written:
        from bidcraft.ai.drafting.compose import compose

        return compose(plan, tone=tone)


_lock = threading.Lock()
_selected: tuple[float, Engine] | None = None


def _api_key() -> str:
    arn = settings().openai_secret_arn
    if not arn:
        return ""
    value = secrets.get(arn).strip()  # unreadable: 500 misconfigured or 503, never a silent switch to offline
    return "" if value.lower() in _PLACEHOLDERS else value


def select() -> Engine:
    global _selected
    now = time.monotonic()
    with _lock:
        if _selected is not None and now - _selected[0] < _SELECTION_TTL:
            return _selected[1]
    key = _api_key()
    engine: Engine
    if key:
        from bidcraft.ai.openai_engine import OpenAIEngine  # imports no SDK until the first call

        config = settings()
        engine = OpenAIEngine(
            api_key=key,
            model=config.openai_model,
            base_url=config.openai_base_url or None,
            timeout=config.openai_timeout_seconds,
            max_retries=config.openai_max_retries,
            max_output_tokens=config.openai_max_output_tokens,
        )
    else:
        engine = OfflineEngine()
    with _lock:
        _selected = (now, engine)
    return engine


def reset() -> None:
    """Forget the selected engine (tests that change the key or the environment)."""
    global _selected
    with _lock:
        _selected = None
