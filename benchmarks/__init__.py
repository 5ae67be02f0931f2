"""Benchmarks: `python -m benchmarks.run_all` (see README.md)."""
