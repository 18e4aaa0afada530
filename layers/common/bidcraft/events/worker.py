"""The events queue worker's logic for one message: applied, duplicate, unchanged or parked."""

from __future__ import annotations

import logging
from typing import Literal

from bidcraft.events import pending, users
from bidcraft.events.apply import EventStore, apply_events
from bidcraft.events.models import parse_envelope

logger = logging.getLogger(__name__)

Result = Literal["applied", "duplicate", "unchanged", "parked"]


def handle_message(body: str, store: EventStore | None = None) -> Result:
    """Apply one queued envelope. A malformed body raises (the message is retried, then dead-lettered)."""
    envelope = parse_envelope(body)
    user_id = users.user_for_freelancer(envelope.freelancer_id)
    if user_id is None:
        pending.park(envelope)
        return "parked"
    outcome = apply_events(user_id, [envelope], store).outcome
    logger.info(
        "event handled",
        extra={"event_id": envelope.event_id, "event_type": envelope.event.type, "outcome": outcome},
    )
    return outcome
