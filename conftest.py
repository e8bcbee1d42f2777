"""Shared test fixtures: see tests/ for per-package ones."""
