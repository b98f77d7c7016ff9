"""Shared pieces of the curation benchmarks (dedup_bench.py, cluster_bench.py, anomaly_bench.py)."""
