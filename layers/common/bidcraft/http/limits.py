"""Rate-limit middlewares for routes: `middlewares=[by_ip(AUTH)]` or `[by_user(AI_OPERATIONS)]`."""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from bidcraft.http import request
from bidcraft.http.guard import current_principal
from bidcraft.security import ratelimit

Middleware = Callable[[APIGatewayHttpResolver, NextMiddleware], Response]


def _limited(op_class: str, subject_of: Callable[[APIGatewayHttpResolver], str]) -> Middleware:
    def middleware(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response:
        state = ratelimit.hit(op_class, subject_of(app))
        response = next_middleware(app)
        for name, value in state.headers().items():
            response.headers.setdefault(name, value)
        return response

    return middleware


def by_ip(op_class: str) -> Middleware:
    """Count per client IP as API Gateway saw it (never X-Forwarded-For)."""
    return _limited(op_class, lambda app: "ip:" + request.source_ip(app.current_event.raw_event))


def by_user(op_class: str, *, allow_mfa_pending: bool = False) -> Middleware:
    """Count per authenticated user; authenticates first, so an anonymous call is 401, not counted."""
    return _limited(
        op_class,
        lambda app: "user:" + current_principal(app, allow_mfa_pending=allow_mfa_pending).user_id,
    )
