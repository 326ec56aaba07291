"""Benchmarks: run one with ./dev.sh bench NAME; figures go to bench/RESULTS.md."""
