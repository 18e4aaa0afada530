"""EventBridge schedules, fired on demand (`POST /_local/schedule/<Function>` or `--fire`)."""

from __future__ import annotations

import json
from typing import Any

from devserver.events import schedule_event
from devserver.invoker import Invoker


def schedule_events(invoker: Invoker, name: str) -> list[dict[str, Any]]:
    """The events the function's Schedule triggers would deliver (their `Input` when one is set)."""
    function = invoker.template.function(name)
    events = []
    for source in function.schedules:
        if source.input is not None:
            events.append(json.loads(source.input))
        else:
            events.append(schedule_event(f"{function.logical_id}-{source.name}", region=invoker.region))
    return events


def fire_schedule(invoker: Invoker, name: str) -> list[Any]:
    """Invoke the function once per Schedule trigger it has; returns the handler results.

    Disabled schedules are fired too: firing on demand is how to run them locally.
    Raises KeyError for an unknown function and LookupError for a function without a schedule.
    """
    events = schedule_events(invoker, name)
    if not events:
        raise LookupError(f"{name} has no Schedule trigger")
    return [invoker.invoke(name, event) for event in events]
