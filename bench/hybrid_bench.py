#!/usr/bin/env python3
"""Hybrid search latency through Flight: p50/p99 of a two-leg hybrid search (RRF) from one
Python client, side by side with the single-leg vector search it is made of, on the same server.

Data: ``--data DIR`` from ``bench/make_dataset.py`` (real passages, all-MiniLM-L6-v2 384-d,
held-out queries). The collection gets a second vector field ``embedding_b``: a seeded Gaussian
random projection (384 -> 384, then unit length) of ``embedding``, standing in for a second
model's vectors (distances are preserved only approximately, so its neighbour lists differ from
the first field's). With ``--smoke``: 12,000 seeded random 64-d rows (above the index's exact-
search shortcut of 8,192 rows), in seconds.

Target (issue 16): hybrid p99 <= 10 ms at 200k chunks. Printed: p50/p99 of the vector search
(leg a alone), of the hybrid search (legs a and b, 50 candidates each, RRF k=60, top 10), their
ratio, and the overlap of hybrid top-10 with the exact top-10 of leg a.

Usage::

    bench/.venv/bin/python bench/hybrid_bench.py --smoke
    bench/.venv/bin/python bench/hybrid_bench.py --data /work/data/ann200k
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "clients", "python"))

COLLECTION = "hybrid_bench"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def load(a) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list[str] | None]:
    """(corpus, queries, ground truth of leg a or None, texts or None)."""
    if a.smoke:
        rng = np.random.default_rng(3)
        corpus = unit(rng.standard_normal((12_000, 64)))
        queries = unit(corpus[rng.choice(len(corpus), 200, replace=False)]
                       + 0.3 * unit(rng.standard_normal((200, 64))))
        return corpus, queries, None, None
    meta = json.load(open(os.path.join(a.data, "meta.json")))
    dim = meta["dim"]
    corpus = np.fromfile(os.path.join(a.data, "corpus.f32"), dtype="<f4").reshape(-1, dim)
    queries = np.load(os.path.join(a.data, "queries.npy"))
    gt = np.load(os.path.join(a.data, "ground_truth.npy"))
    return corpus, queries, gt, None


def write_parquet(folder: str, corpus: np.ndarray, second: np.ndarray, rows_per_file: int) -> None:
    n, dim = corpus.shape
    for part, s in enumerate(range(0, n, rows_per_file)):
        e = min(n, s + rows_per_file)

        def vec(m):
            return pa.ListArray.from_arrays(
                pa.array(np.arange(0, (e - s + 1) * dim, dim, dtype=np.int32)),
                pa.array(m[s:e].reshape(-1), type=pa.float32()))

        pq.write_table(pa.table({
            "id": pa.array(np.arange(s, e), pa.int64()),
            "year": pa.array(2000 + np.arange(s, e) % 25, pa.int32()),
            "embedding": vec(corpus),
            "embedding_b": vec(second),
        }), os.path.join(folder, f"part-{part:05d}.parquet"), row_group_size=10_000)


def percentiles(ms: list[float]) -> dict:
    a = np.array(ms)
    return {"p50_ms": round(float(np.percentile(a, 50)), 3),
            "p99_ms": round(float(np.percentile(a, 99)), 3),
            "mean_ms": round(float(a.mean()), 3), "n": len(ms)}


def timed(fn, queries, warmup: int) -> tuple[list[float], list]:
    for i in range(min(warmup, len(queries))):
        fn(i)
    out, results = [], []
    for i in range(len(queries)):
        t0 = time.perf_counter()
        results.append(fn(i))
        out.append((time.perf_counter() - t0) * 1000)
    return out, results


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=None, help="make_dataset.py folder (e.g. /work/data/ann200k)")
    p.add_argument("--smoke", action="store_true", help="12k seeded random rows, seconds")
    p.add_argument("--lakebeam", default="auto", help="server URI, or auto to start one")
    p.add_argument("--queries", type=int, default=1000, help="timed queries (default 1000)")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--leg-k", type=int, default=50, help="candidates per leg")
    p.add_argument("--ef", type=int, default=64, help="search breadth of each leg")
    p.add_argument("--filter", default=None, help="a filter for every leg, e.g. 'year >= 2010'")
    p.add_argument("--out", default=os.path.join(HERE, "results"))
    a = p.parse_args(argv)
    if not a.smoke and not a.data:
        p.error("give --data DIR or --smoke")

    import lakebeam
    from annbench.lakebeam_peer import start_server
    from annbench.measure import machine_info
    from lakebeam import AnnSearchRequest, RRFRanker

    corpus, queries, gt, _ = load(a)
    queries = queries[: a.queries]
    n, dim = corpus.shape
    rng = np.random.default_rng(11)
    projection = rng.standard_normal((dim, dim)).astype(np.float32) / np.sqrt(dim)
    second, queries_b = unit(corpus @ projection), unit(queries @ projection)
    log(f"{n} rows x {dim}-d, {len(queries)} queries; load average {os.getloadavg()}")

    work = tempfile.mkdtemp(prefix="hybrid-bench-")
    proc = lakehouse = None
    try:
        files = os.path.join(work, "parquet")
        os.makedirs(files)
        write_parquet(files, corpus, second, 50_000)
        uri = a.lakebeam
        if uri == "auto":
            os.environ["LAKEBEAM_BENCH_DATA"] = files
            proc, uri, lakehouse = start_server(log=log)
        client = lakebeam.connect(uri)
        if COLLECTION in client.list_collections():
            client._connection.action("drop_collection", {"collection": COLLECTION})
        schema = {"id": "long", "year": "int", "embedding": f"float_vector({dim})",
                  "embedding_b": f"float_vector({dim})"}
        client._connection.action("create_external_collection", {
            "collection": COLLECTION, "src": os.path.join(files, "*.parquet"), "schema": schema,
            "metric": "cosine"})
        builds = {}
        for field in ("embedding", "embedding_b"):
            t0 = time.perf_counter()
            client.create_index(COLLECTION, field, params={"m": 16, "ef_construction": 100})
            builds[field] = round(time.perf_counter() - t0, 1)
            log(f"  index {field}: {builds[field]} s")

        def single(i):
            [t] = client.search(COLLECTION, queries[i], top_k=a.k, output_fields=["id"],
                                anns_field="embedding", filter=a.filter,
                                search_params={"ef": max(a.ef, a.k)})
            return t.column("id").to_numpy()

        def hybrid(i):
            [t] = client.hybrid_search(
                COLLECTION,
                [AnnSearchRequest(data=queries[i], anns_field="embedding",
                                  param={"ef": max(a.ef, a.leg_k)}, limit=a.leg_k),
                 AnnSearchRequest(data=queries_b[i], anns_field="embedding_b",
                                  param={"ef": max(a.ef, a.leg_k)}, limit=a.leg_k)],
                RRFRanker(60), limit=a.k, output_fields=["id"], filter=a.filter)
            return t.column("id").to_numpy()

        single_ms, _ = timed(single, queries, 50)
        hybrid_ms, hybrid_ids = timed(hybrid, queries, 50)
        s, h = percentiles(single_ms), percentiles(hybrid_ms)
        if gt is not None:
            truth = gt[: len(queries), : a.k]
        else:
            truth = np.argsort(-(queries @ corpus.T), axis=1)[:, : a.k]
        overlap = float(np.mean([len(set(ids) & set(t)) / a.k
                                 for ids, t in zip(hybrid_ids, truth)]))
        result = {"rows": n, "dim": dim, "queries": len(queries), "k": a.k, "leg_k": a.leg_k,
                  "ef": a.ef, "filter": a.filter, "index_build_s": builds,
                  "vector_search": s, "hybrid_search": h,
                  "p99_ratio_hybrid_over_vector": round(h["p99_ms"] / s["p99_ms"], 2),
                  "hybrid_top10_overlap_with_exact_leg_a": round(overlap, 3),
                  "target_p99_ms": 10.0, "met": h["p99_ms"] <= 10.0,
                  "load_average": os.getloadavg(), "machine": machine_info()}
        print(f"\n| search | p50 ms | p99 ms | mean ms |\n|---|---|---|---|\n"
              f"| vector (embedding only, top {a.k}) | {s['p50_ms']} | {s['p99_ms']} | {s['mean_ms']} |\n"
              f"| hybrid (embedding + embedding_b, {a.leg_k} each, RRF) | {h['p50_ms']} | "
              f"{h['p99_ms']} | {h['mean_ms']} |\n")
        print(f"hybrid/vector p99 ratio {result['p99_ratio_hybrid_over_vector']}x; "
              f"hybrid p99 {h['p99_ms']} ms vs target 10 ms: {'met' if result['met'] else 'MISSED'}; "
              f"top-{a.k} overlap with exact leg a {overlap:.3f}")
        os.makedirs(a.out, exist_ok=True)
        path = os.path.join(a.out, f"hybrid-{n}-{time.strftime('%Y%m%dT%H%M%S')}.json")
        json.dump(result, open(path, "w"), indent=1)
        log(f"wrote {path}")
        client.close()
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except Exception:  # noqa: BLE001
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)
        if lakehouse:
            shutil.rmtree(lakehouse, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
