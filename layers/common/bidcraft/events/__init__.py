"""Upwork events: the internal event models, how they change the analytics, and the queue worker's logic.

- `models`  — event types (API.md table), the queue envelope.
- `rules`   — pure state transitions and counter contributions (order- and repeat-proof).
- `apply`   — read, fold, commit in one transaction per entity batch (markers for idempotency).
- `pending` — events for a freelancer who has not signed up yet: parked, applied at their first sync.
- `queue`   — sending envelopes to the events queue.
- `worker`  — one queue message → applied, duplicate, unchanged or parked.
"""
