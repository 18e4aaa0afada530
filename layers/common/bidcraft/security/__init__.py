"""Cross-cutting security controls: rate limits, audit trail."""
