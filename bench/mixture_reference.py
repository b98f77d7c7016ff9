#!/usr/bin/env python3
"""How hard is tier_bench's Gaussian mixture for any HNSW graph? faiss HNSW on the same rows.

``tier_bench.py``'s recall@10 per ef (Lakebeam hot-pq at 1M: 0.595 / 0.870 / 0.924 at ef 100 /
400 / 800) depends on the data as much as on the index: 1,000 unit centres in 384-d with noise of
norm ~0.98, so inside a cluster the rows are near-equidistant isotropic Gaussians with no
low-dimensional structure. This builds faiss ``IndexHNSWFlat`` (inner product = cosine on these
unit rows) over the same seeded rows and queries, at the same base-layer degree as Lakebeam's
default (jVector m=16: 16 edges on every layer = faiss M=8, whose layer 0 has 2*M) and at twice
it (faiss M=16), ef_construction 100, and prints recall@10 and one-thread QPS per efSearch, so the
Lakebeam figures can be read against what a peer graph reaches on the same rows.

Usage::

    bench/.venv/bin/python bench/mixture_reference.py --rows 1000000 --efs 100,400,800,1600
    bench/.venv/bin/python bench/mixture_reference.py --smoke
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tier_bench import K, ground_truth, make_data  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--ms", default="8,16", help="faiss M values (layer 0 has 2*M edges)")
    ap.add_argument("--ef-construction", type=int, default=100)
    ap.add_argument("--efs", default="100,400,800,1600")
    ap.add_argument("--threads", type=int, default=1, help="faiss threads for the build")
    ap.add_argument("--smoke", action="store_true", help="20,000 rows, 100 queries")
    args = ap.parse_args()
    if args.smoke:
        args.rows, args.queries, args.efs = 20_000, 100, "50,200"
    import faiss

    faiss.omp_set_num_threads(args.threads)
    t0 = time.perf_counter()
    data, queries = make_data(args.rows, args.queries, args.seed)
    truth = ground_truth(data, queries, K)
    print(f"data and ground truth in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    for m in (int(x) for x in args.ms.split(",")):
        index = faiss.IndexHNSWFlat(data.shape[1], m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = args.ef_construction
        t0 = time.perf_counter()
        index.add(data)
        build_s = time.perf_counter() - t0
        faiss.omp_set_num_threads(1)  # one query at a time, like one client
        for ef in (int(x) for x in args.efs.split(",")):
            index.hnsw.efSearch = ef
            found = np.empty((len(queries), K), dtype=np.int64)
            lat = []
            for i in range(len(queries)):
                q0 = time.perf_counter()
                _, ids = index.search(queries[i:i + 1], K)
                lat.append(time.perf_counter() - q0)
                found[i] = ids[0]
            rec = np.mean([len(set(found[i]) & set(truth[i])) / K for i in range(len(queries))])
            print(json.dumps({
                "system": "faiss HNSWFlat", "rows": args.rows, "M": m, "base_degree": 2 * m,
                "ef_construction": args.ef_construction, "build_s": round(build_s, 1),
                "build_threads": args.threads, "ef": ef, "recall@10": round(float(rec), 4),
                "p50_ms": round(1000 * float(np.percentile(lat, 50)), 3),
                "p99_ms": round(1000 * float(np.percentile(lat, 99)), 3),
                "qps": round(len(lat) / sum(lat), 1)}), flush=True)
        faiss.omp_set_num_threads(args.threads)
        del index
    return 0


if __name__ == "__main__":
    sys.exit(main())
