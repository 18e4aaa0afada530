"""Encryption at rest: AES-256-GCM (`aead`) under KMS-generated data keys (`envelope`)."""
