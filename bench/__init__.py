"""The benchmark: generated data (`python -m bench.generate`) and its runs."""
