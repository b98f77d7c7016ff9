"""Embedding throughput benchmark: data, peers and their runners (see ../embed_bench.py)."""
