"""Alerts: new matching jobs delivered to a user's webhook, Slack, Telegram or e-mail channels (API.md).

`channels` (CRUD, test alerts), `enqueue` (the poller's entry point), `worker` (one queued delivery attempt),
`deliveries` (the delivery log), `messages` (what an alert says), `senders` (one per channel type),
`schedule` (backoff, quiet hours), `store` (AlertsTable), `queue` (AlertsQueue). See docs/alerts.md.
"""
