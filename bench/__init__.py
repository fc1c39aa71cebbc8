"""Benchmarks: each compares landreg against a baseline measured in the same run."""
