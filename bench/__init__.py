"""Benchmarks: numbers to read, not assertions. `make bench` runs them all."""
