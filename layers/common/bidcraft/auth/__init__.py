"""Sign-in with Upwork, sessions, MFA and lockout."""
