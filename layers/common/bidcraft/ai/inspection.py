"""Security events of the AI domain: inputs that look like attacks, and generated content that was blocked.

Detection never blocks (API.md): the request goes on and the text is handled strictly as data. Each threat
type found with high confidence writes ONE audit record (OWASP vocabulary: `malicious_sqli`, `malicious_xss`,
`malicious_prompt_injection`, `malicious_cmd_injection`, `malicious_path_traversal`; severity medium) with
the rules and field names that fired — never the text itself. Low-confidence findings (what developers also
write for good reasons) are logged at info level only. Every reply of the AI service leaves through
`screened` (the output check of `bidcraft.ai.safety` over every string it holds); a withheld text writes
`llm_output_blocked` (severity high). Audit writes are best effort here: a lost record is logged, the
request is not failed for it.

The input scanner (`bidcraft.security.threats`) is imported by `inspect`: the AI worker only checks outputs
and never loads it; the AI function, whose POST routes all scan, loads it at start-up (`functions/ai/app.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from bidcraft.ai import safety

if TYPE_CHECKING:
    from bidcraft.security.threats import Finding

logger = logging.getLogger(__name__)

ACTIONS = {  # by `threats.Threat` value (a StrEnum: its members are these strings)
    "sql_injection": "malicious_sqli",
    "xss": "malicious_xss",
    "prompt_injection": "malicious_prompt_injection",
    "command_injection": "malicious_cmd_injection",
    "path_traversal": "malicious_path_traversal",
}
LLM_OUTPUT_BLOCKED = "llm_output_blocked"


def _audit(meta: Any, action: str, *, user_id: str, severity: str, details: Mapping[str, Any]) -> None:
    try:
        from bidcraft.security import audit

        audit.record_quietly(
            meta or audit.RequestMeta(),
            action,
            user_id=user_id,
            outcome="failure",
            severity=severity,  # type: ignore[arg-type]
            details=details,
        )
    except Exception:  # deliberately broad: the audit trail must never fail the request it describes
        logger.exception("security event not audited", extra={"audit_action": action})


def inspect(
    user_id: str,
    fields: Mapping[str, str | Sequence[str] | None],
    *,
    operation: str,
    meta: Any = None,
) -> list[Finding]:
    """Scan the named input fields and report what was found; return the findings.

    A threat found with high confidence is a security event: logged as a warning and audited as `malicious_*`
    (one record per threat type). One found with low confidence only (SQL in a data engineer's proposal,
    `<img>` in a frontend one) is logged at info level and never written to the audit trail as malicious.
    """
    from bidcraft.security import threats

    findings = threats.scan(fields)
    for threat in sorted({f.threat for f in findings}):
        hits = [f for f in findings if f.threat is threat]
        confident = [f for f in hits if f.confidence == "high"]
        details = {
            "operation": operation,
            "threat": str(threat),
            "confidence": "high" if confident else "low",
            "rules": ",".join(sorted({f.rule for f in confident or hits})),
            "fields": ",".join(sorted({f.field for f in confident or hits})),
            "handled_as": "data",
        }
        if not confident:
            logger.info("input pattern noted", extra={"user_id": user_id, **details})
            continue
        logger.warning("input threat detected", extra={"user_id": user_id, **details})
        _audit(meta, ACTIONS[threat], user_id=user_id, severity="medium", details=details)
    return findings


def output_blocked(
    user_id: str, *, operation: str, warnings: Sequence[str], engine: str, meta: Any = None
) -> None:
    details = {"operation": operation, "warnings": ",".join(warnings), "engine": engine}
    logger.warning("generated content blocked", extra={"user_id": user_id, **details})
    _audit(meta, LLM_OUTPUT_BLOCKED, user_id=user_id, severity="high", details=details)


Reply = TypeVar("Reply", bound=BaseModel)


def screened(user_id: str, reply: Reply, *, operation: str, meta: Any = None) -> Reply:
    """`reply` with every string checked (nested models and lists included); a withheld text is audited."""
    checked, warnings = safety.scrub(reply)
    if any(w.startswith("blocked:") for w in warnings):
        engine = str(
            getattr(reply, "engine", "") or getattr(getattr(reply, "result", None), "engine", "") or ""
        )
        output_blocked(user_id, operation=operation, warnings=warnings, engine=engine, meta=meta)
    return checked
