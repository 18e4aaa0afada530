"""Route selection as API Gateway HTTP APIs do it.

The most specific path wins, segment by segment: a literal beats `{param}`, which beats a greedy
`{proxy+}` (which needs at least one more segment). For the same path a named method beats `ANY`.
Requests that match nothing go to the `$default` route, if there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from devserver.template import DEFAULT_ROUTE, Function, Template

WEBHOOK_PATH = "/webhooks/upwork"
SANDBOX_PREFIX = "/_sandbox/upwork"
OUTBOX_PREFIX = "/_sandbox"  # alerts outbox: /_sandbox/outbox, /_sandbox/slack/…, /_sandbox/telegram/…
LOCAL_PREFIX = "/_local"

_LITERAL, _PARAM, _GREEDY = 3, 2, 1


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: str

    @property
    def route_key(self) -> str:
        return DEFAULT_ROUTE if self.path == DEFAULT_ROUTE else f"{self.method} {self.path}"

    @property
    def segments(self) -> list[str]:
        return self.path.strip("/").split("/") if self.path.strip("/") else []


@dataclass(frozen=True)
class Match:
    route: Route
    path_parameters: dict[str, str]


def _match_segments(pattern: list[str], actual: list[str]) -> tuple[tuple[int, ...], dict[str, str]] | None:
    """Score (higher is more specific) and path parameters, or None when the path does not match."""
    score: list[int] = []
    params: dict[str, str] = {}
    for index, part in enumerate(pattern):
        if part.startswith("{") and part.endswith("+}"):
            rest = actual[index:]
            if index != len(pattern) - 1 or not rest or not "/".join(rest):
                return None
            params[part[1:-2]] = unquote("/".join(rest))
            score.append(_GREEDY)
            return tuple(score), params
        if index >= len(actual):
            return None
        if part.startswith("{") and part.endswith("}"):
            if not actual[index]:
                return None
            params[part[1:-1]] = unquote(actual[index])
            score.append(_PARAM)
        elif part == actual[index]:
            score.append(_LITERAL)
        else:
            return None
    if len(actual) != len(pattern):
        return None
    return tuple(score), params


class Router:
    def __init__(self, routes: list[Route]) -> None:
        self.routes = [route for route in routes if route.path != DEFAULT_ROUTE]
        self.default = next((route for route in routes if route.path == DEFAULT_ROUTE), None)

    @classmethod
    def from_template(cls, template: Template) -> Router:
        return cls(
            [
                Route(route.method, route.path, function.logical_id)
                for function in template.functions.values()
                for route in function.routes
            ]
        )

    def match(self, method: str, path: str) -> Match | None:
        actual = path.strip("/").split("/") if path.strip("/") else []
        if path.endswith("/") and actual:
            actual.append("")
        best: tuple[tuple[tuple[int, ...], int], Match] | None = None
        for route in self.routes:
            if route.method not in ("ANY", method.upper()):
                continue
            matched = _match_segments(route.segments, actual)
            if matched is None:
                continue
            score, params = matched
            rank = (score, 0 if route.method == "ANY" else 1)
            if best is None or rank > best[0]:
                best = (rank, Match(route, params))
        if best is not None:
            return best[1]
        if self.default is not None:
            return Match(self.default, {})
        return None


def function_url_function(template: Template) -> Function | None:
    """The function behind the Lambda Function URL (served at /webhooks/upwork on the local stack)."""
    return next((function for function in template.functions.values() if function.function_url), None)
