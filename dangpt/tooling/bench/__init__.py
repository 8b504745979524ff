"""The load test of `make bench`: `python -m dangpt.tooling.bench`."""
