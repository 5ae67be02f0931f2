"""Benchmarks: figures and ratios measured in one run; they never fail on time."""
