"""Operational checks and the benchmark (`make bench`, see bench/run.py)."""
