"""The ANN benchmark harness: one measurement protocol, one module per system (see ann_bench.py)."""
