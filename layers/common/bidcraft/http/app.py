"""The resolver factory every API function uses, and the Lambda entry point that wraps it.

One place decides how a request is checked before routing (size, media type), how every error becomes a
problem document, and that every response carries `X-Request-Id` and (unless its route chose otherwise)
`Cache-Control: no-store`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from bidcraft import strict_json
from bidcraft.errors import (
    BadRequest,
    DomainError,
    Forbidden,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMediaType,
)
from bidcraft.http import guard, problems, request
from bidcraft.http.guard import MFA_PENDING_PATHS, PUBLIC_PATHS, Principal, authenticate
from bidcraft.observability import function_logger

MAX_BODY_BYTES = 64 * 1024
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

logger = function_logger()  # service name: POWERTOOLS_SERVICE_NAME, set per function


def _request_id(app: APIGatewayHttpResolver) -> str:
    return str(app.context.get("request_id") or request.request_id(app.current_event.raw_event))


def _audit_refusal(event: dict[str, Any], principal: Principal | None, error: DomainError) -> None:
    """Every 403 is an authorization decision against an authenticated caller: audit it (`authz_fail`)."""
    from bidcraft.security import audit

    http = (event.get("requestContext") or {}).get("http") or {}
    try:
        audit.record_quietly(
            request.meta(event),
            "authz_fail",
            user_id=getattr(principal, "user_id", None),
            outcome="failure",
            severity="medium",
            details={"reason": error.slug, "method": http.get("method"), "path": event.get("rawPath")},
        )
    except Exception:  # deliberately broad: the refusal stands whether or not its record could be written
        logger.exception("authz_fail audit record lost")


def problem_response(app: APIGatewayHttpResolver, error: DomainError) -> Response:
    if error.status == 403:
        _audit_refusal(app.current_event.raw_event, app.context.get("principal"), error)
    if error.status >= 500:
        logger.exception("request failed", extra={"problem": error.slug, "status": error.status})
    else:
        logger.info("request refused", extra={"problem": error.slug, "status": error.status})
    return Response(
        status_code=error.status,
        content_type=problems.PROBLEM_CONTENT_TYPE,
        body=json.dumps(problems.document(error, _request_id(app))),
        headers=error.headers,
    )


def create_app(service: str) -> APIGatewayHttpResolver:
    """An HTTP API resolver with validation on and every failure mapped to a problem document.

    `service` names the function in its OpenAPI tag and logs; the resolver itself is the same for all.
    """
    app = APIGatewayHttpResolver(enable_validation=True, json_body_deserializer=strict_json.loads)

    @app.exception_handler(DomainError)
    def _domain(exc: DomainError) -> Response:
        return problem_response(app, exc)

    @app.exception_handler(RequestValidationError)
    def _validation(exc: RequestValidationError) -> Response:
        raw = list(exc.errors())
        if any(err.get("type") == "json_invalid" for err in raw):
            return problem_response(
                app, BadRequest("The request body is not valid JSON", slug="malformed-json")
            )
        return problem_response(
            app,
            Unprocessable("The request does not satisfy the schema", errors=problems.validation_errors(raw)),
        )

    @app.exception_handler(RequestUnsupportedContentType)
    def _media_type(_: RequestUnsupportedContentType) -> Response:
        return problem_response(app, UnsupportedMediaType("Send the body as application/json"))

    @app.not_found
    def _not_found(_: NotFoundError) -> Response:
        allowed = _methods_for(app, app.current_event.path)
        if allowed:
            return problem_response(
                app, MethodNotAllowed("This route does not take that method", allowed=allowed)
            )
        return problem_response(app, NotFound("No such route"))

    @app.exception_handler(ServiceError)
    def _service_error(exc: ServiceError) -> Response:
        error = DomainError(str(exc.msg), slug="http-error", title="Request refused")
        error.status = exc.status_code  # type: ignore[misc]
        return problem_response(app, error)

    @app.exception_handler(RecursionError)
    def _too_deep(_: RecursionError) -> Response:
        return problem_response(
            app, BadRequest("The request body is nested too deeply", slug="malformed-json")
        )

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response:
        logger.exception("unhandled error", extra={"error_type": type(exc).__name__})
        return problem_response(app, DomainError("An unexpected error occurred; it has been logged"))

    return app


def _precheck(event: dict[str, Any], *, json_only: bool) -> DomainError | None:
    """Refusals decided before routing: oversized bodies and non-JSON payloads."""
    if request.body_size(event) > MAX_BODY_BYTES:
        return PayloadTooLarge(f"The request body exceeds {MAX_BODY_BYTES} bytes")
    method = str(((event.get("requestContext") or {}).get("http") or {}).get("method", "")).upper()
    if json_only and method in _BODY_METHODS and event.get("body"):
        content_type = (request.header(event, "content-type") or "").split(";")[0].strip().lower()
        if content_type and content_type != "application/json" and not content_type.endswith("+json"):
            return UnsupportedMediaType("Send the body as application/json")
        if not _utf8(event):
            return BadRequest("The request body is not valid UTF-8 JSON", slug="malformed-json")
    return None


def _utf8(event: dict[str, Any]) -> bool:
    """JSON is UTF-8 (RFC 8259); API Gateway base64-encodes a body that is not valid UTF-8."""
    if not event.get("isBase64Encoded"):
        return True
    try:
        base64.b64decode(str(event["body"]), validate=True).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError are both ValueErrors
        return False
    return True


def _methods_for(app: APIGatewayHttpResolver, path: str) -> list[str]:
    """The methods the routes of `app` take on `path` (Powertools keeps one route per method)."""
    routes = [*app._static_routes, *app._dynamic_routes]
    return [route.method for route in routes if route.rule.match(path)]


def _routed(app: APIGatewayHttpResolver, event: dict[str, Any]) -> bool:
    """Whether a route of `app` takes this method and path: an unknown route is a 404 for everyone."""
    method = str(((event.get("requestContext") or {}).get("http") or {}).get("method", "")).upper()
    return method in _methods_for(app, str(event.get("rawPath") or ""))


def _authenticate(event: dict[str, Any]) -> tuple[Principal | None, DomainError | None]:
    """Bearer authentication before validation, so an anonymous caller learns nothing (not even a 422);
    a step-up (MFA pending) token is refused here too, before its request is validated."""
    path = str(event.get("rawPath") or "")
    if path in PUBLIC_PATHS:
        return None, None
    try:
        principal = authenticate(event)
    except DomainError as refused:
        return None, refused
    if principal.mfa_pending and path not in MFA_PENDING_PATHS:
        step_up_only = Forbidden("Complete multi-factor verification first", slug="mfa-required")
        _audit_refusal(event, principal, step_up_only)
        return principal, step_up_only
    return principal, None


def lambda_handler_for(
    app: APIGatewayHttpResolver, *, json_only: bool = True, public: bool = False
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The `lambda_handler` of an API function built on `app`.

    Every path but `guard.PUBLIC_PATHS` needs a valid bearer token, checked before the request is routed or
    validated; `public=True` is for functions that have no bearer routes at all (meta, webhooks).

    A function with bearer routes loads the token verifier (and the users-table model its session check reads)
    here, with the function: every such request pays it, so deferring it to the first request would only move
    cold-start time out of the measurement (issue 10), not save any.
    """
    if not public:
        guard.load_verifier()

    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        rid = request.request_id(event)
        logger.set_correlation_id(rid)
        refused = _precheck(event, json_only=json_only)
        principal = None
        if refused is None and not public and _routed(app, event):
            principal, refused = _authenticate(event)
        if refused is not None:
            log = logger.exception if refused.status >= 500 else logger.info
            log("request refused", extra={"problem": refused.slug, "status": refused.status})
            response = problems.proxy_response(refused, rid)
        else:
            app.append_context(request_id=rid)
            if principal is not None:
                app.append_context(principal=principal)
            response = app.resolve(event, context)
        headers = response.setdefault("headers", {}) or {}
        if headers.get("Content-Type") == "application/json":
            headers["Content-Type"] = "application/json; charset=utf-8"
        headers["X-Request-Id"] = rid
        if not any(name.lower() == "cache-control" for name in headers):
            # API.md: responses carrying tokens or a user's data are never stored (RFC 6749 §5.1, RFC 9111);
            # every API response may, so the default is no-store and only a route that chooses otherwise
            # (public, user-independent documents) sets its own.
            headers["Cache-Control"] = "no-store"
        response["headers"] = headers
        return response

    return lambda_handler
