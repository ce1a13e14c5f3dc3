"""Benchmark suite of gitinspector-lsp: see BENCHMARKS.md and `bench/run.py`."""
