"""Security events of the AI domain: inputs that look like attacks, and generated content that was blocked.

Detection never blocks (API.md): the request goes on and the text is handled strictly as data. Each threat
type found in a request writes ONE audit record (OWASP vocabulary: `malicious_sqli`, `malicious_xss`,
`malicious_prompt_injection`, `malicious_cmd_injection`, `malicious_path_traversal`; severity medium) with
the rules and field names that fired — never the text itself. A blocked LLM answer writes `llm_output_blocked`
(severity high). Audit writes are best effort here: a lost record is logged, the request is not failed for it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from bidcraft.security import threats

logger = logging.getLogger(__name__)

ACTIONS = {
    threats.Threat.SQL_INJECTION: "malicious_sqli",
    threats.Threat.XSS: "malicious_xss",
    threats.Threat.PROMPT_INJECTION: "malicious_prompt_injection",
    threats.Threat.COMMAND_INJECTION: "malicious_cmd_injection",
    threats.Threat.PATH_TRAVERSAL: "malicious_path_traversal",
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
    except Exception as exc:  # the audit trail must not fail the request it describes
        logger.error(
            "security event not audited", extra={"audit_action": action, "error_type": type(exc).__name__}
        )


def inspect(
    user_id: str,
    fields: Mapping[str, str | Sequence[str] | None],
    *,
    operation: str,
    meta: Any = None,
) -> list[threats.Finding]:
    """Scan the named input fields; audit and log each threat type found; return the findings."""
    findings = threats.scan(fields)
    for threat in sorted({f.threat for f in findings}):
        hits = [f for f in findings if f.threat is threat]
        details = {
            "operation": operation,
            "threat": str(threat),
            "rules": ",".join(sorted({f.rule for f in hits})),
            "fields": ",".join(sorted({f.field for f in hits})),
            "handled_as": "data",
        }
        logger.warning("input threat detected", extra={"user_id": user_id, **details})
        _audit(meta, ACTIONS[threat], user_id=user_id, severity="medium", details=details)
    return findings


def output_blocked(
    user_id: str, *, operation: str, warnings: Sequence[str], engine: str, meta: Any = None
) -> None:
    details = {"operation": operation, "warnings": ",".join(warnings), "engine": engine}
    logger.warning("generated content blocked", extra={"user_id": user_id, **details})
    _audit(meta, LLM_OUTPUT_BLOCKED, user_id=user_id, severity="high", details=details)
