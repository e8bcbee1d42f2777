"""Benchmarks and the data generator (issue 12); scripts run as ``python bench/<name>.py``."""
