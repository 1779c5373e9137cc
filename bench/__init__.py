"""Benchmarks: scripts run by hand, each against its baseline in the same run (docs/performance.md)."""
