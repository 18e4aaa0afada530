"""Alerts: new matching jobs delivered to a user's webhook, Slack, Telegram or e-mail channels (API.md).

`channels` (CRUD, test alerts), `enqueue` (the poller's entry point), `worker` (one queued delivery attempt),
`deliveries` (the delivery log), `messages` (what an alert says), `senders` (one per channel type),
`schedule` (backoff, quiet hours), `store` (AlertsTable, on the models of `bidcraft.tables.alerts`), `queue`
(AlertsQueue), `sealing` (a channel's encrypted target), `models` (the API's shapes), `spec` (a saved
search's alerts settings). See docs/alerts.md.
"""
