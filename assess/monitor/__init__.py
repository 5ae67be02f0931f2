"""Pilot monitoring: each link's light probes on a schedule into an SQLite store, its analysis and metrics."""
