"""The webhook receiver's domain: Standard Webhooks verification, delivery receipts, queueing."""
