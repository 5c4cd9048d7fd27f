"""Benchmarks: each compares side by side, in one run, against a named baseline."""
