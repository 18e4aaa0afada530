"""Which engine the evaluation measures: the offline engine, or — when `OPENAI_BASE_URL` is set — the OpenAI
engine against that OpenAI-compatible server (`OPENAI_API_KEY`, default `eval`; `OPENAI_MODEL`, default
`gpt-4o-mini`), so the LLM path is measured by the same table. Every part takes its engine from here."""

from __future__ import annotations

import functools
import os

from bidcraft.ai.engine import Engine, OfflineEngine


@functools.cache
def engine() -> Engine:
    base_url = os.environ.get("OPENAI_BASE_URL", "").strip()
    if not base_url:
        return OfflineEngine()
    from bidcraft.ai.openai_engine import OpenAIEngine

    return OpenAIEngine(
        api_key=os.environ.get("OPENAI_API_KEY", "eval"),
        model=os.environ.get("OPENAI_MODEL", "gpt-4o-mini"),
        base_url=base_url,
        timeout=float(os.environ.get("OPENAI_TIMEOUT_SECONDS", "60")),
        max_output_tokens=1_500,
    )
