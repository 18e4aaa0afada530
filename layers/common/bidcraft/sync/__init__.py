"""Upwork sync: pull a user's proposals, contracts and payments and apply them as internal events.

- `convert` — Upwork records → event envelopes (deterministic event ids).
- `runner`  — `sync_user(user_id, job_id=...)` and the schedule's `fan_out()`.
- `jobs`    — sync job items (storage), `request_sync(user_id)`, queueing `sync.user` messages.
- `messages` — the `sync.user` message model (what the worker parses).
- `models`  — the sync's items as pydantic models (`SyncJob`, `SyncState`) and their keys.
- `state`   — the scheduled-sync set (who is due).
"""
