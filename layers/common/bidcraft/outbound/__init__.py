"""Outbound HTTP to user-supplied URLs: the SSRF guard (`guard`) and the one client applying it (`client`)."""
