"""BM25 full text: Lakebeam through its Flight server against bm25s (method="lucene"), one run.

Both sides index the same real passages (bench/textsources.py: Debian man pages, docs and Python
docstrings; by default the first N of /work/data/ann200k/passages_all.parquet, which that module
built) with the SAME tokens: each passage is tokenised once in Python with bm25s's own rule
(lower case, regex ``(?u)\\b\\w\\w+\\b``, no stop words, no stemming); bm25s indexes the token
lists, Lakebeam a column of the tokens joined by spaces with its ``whitespace`` analyzer. Queries
are 2..6 distinct tokens of a random passage (seeded). Both use k1=1.2, b=0.75 and Lucene's idf.

It reports, over the queries: the fraction whose top-10 ids are identical (and identical up to
equal scores), the largest |score difference|, and per-query latency (sequential, one client) and
QPS of Lakebeam-through-Flight (``lakebeam`` Python package, DoGet) vs bm25s in-process.

    bench/.venv/bin/python bench/bm25_bench.py --smoke          # ~5k passages, CI
    bench/.venv/bin/python bench/bm25_bench.py --n 100000 --queries 1000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".bm25s-lib"))  # bm25s installed beside the bench venv
sys.path.insert(0, os.path.join(HERE, "..", "clients", "python"))

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from annbench.lakebeam_peer import start_server  # noqa: E402
from annbench.measure import machine_info  # noqa: E402

TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s.tokenize's default token pattern
DEFAULT_PASSAGES = "/work/data/ann200k/passages_all.parquet"
COLLECTION = "bm25_bench"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def tokenize(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def load_passages(path: str, n: int) -> list[str]:
    if os.path.exists(path):
        texts = pq.read_table(path, columns=["text"]).column("text").to_pylist()
    else:  # build them from the documentation installed here
        from textsources import iter_passages

        texts = [t for _, t in iter_passages(max_files_per_source=max(50, n // 20))]
    out, seen = [], set()
    for t in texts:
        if t not in seen and len(tokenize(t)) > 0:
            seen.add(t)
            out.append(t)
        if len(out) == n:
            break
    return out


def make_queries(docs: list[list[str]], count: int, seed: int) -> list[list[str]]:
    rnd = random.Random(seed)
    queries = []
    while len(queries) < count:
        d = docs[rnd.randrange(len(docs))]
        start = rnd.randrange(len(d))
        q = list(dict.fromkeys(d[start : start + rnd.randint(2, 6)]))
        if q:
            queries.append(q)
    return queries


def percentile(xs, p):
    return float(np.percentile(np.array(xs) * 1000, p))


def run_bm25s(docs, queries, k):
    import bm25s

    t0 = time.perf_counter()
    retriever = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    retriever.index(docs, show_progress=False)
    build_s = time.perf_counter() - t0
    results, lat = [], []
    for q in queries:
        t = time.perf_counter()
        ids, scores = retriever.retrieve([q], k=k, show_progress=False, n_threads=1)
        lat.append(time.perf_counter() - t)
        results.append((ids[0].tolist(), scores[0].tolist()))
    return build_s, results, lat


def run_lakebeam(uri, docs, queries, k, log):
    import lakebeam
    import pyarrow.flight as fl

    client = lakebeam.connect(uri)
    if COLLECTION in client.list_collections():
        client.drop_collection(COLLECTION)
    client.create_collection(COLLECTION, {"id": "long", "tokens": "string"})
    t0 = time.perf_counter()
    step = 20_000
    for s in range(0, len(docs), step):
        part = docs[s : s + step]
        client.insert(COLLECTION, pa.table({
            "id": pa.array(range(s, s + len(part)), pa.int64()),
            "tokens": pa.array([" ".join(d) for d in part], pa.string())}))
    insert_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    built = client.create_index(COLLECTION, "tokens", index_type="bm25", analyzer="whitespace")
    build_s = time.perf_counter() - t0
    log(f"  lakebeam: inserted in {insert_s:.1f}s, create_index {built}")
    coll = client.collection(COLLECTION)
    # warm the index once (load, mmap) outside the timings
    coll.search(" ".join(queries[0]), query_type="fts").select(["id"]).limit(k).to_arrow()
    raw = fl.connect(uri)
    results, lat = [], []
    for q in queries:
        ticket = fl.Ticket(json.dumps({
            "v": 1, "type": "search", "collection": COLLECTION, "query_type": "text",
            "field": "tokens", "text": " ".join(q), "top_k": k, "output_fields": ["id"]}).encode())
        t = time.perf_counter()
        table = raw.do_get(ticket).read_all()
        lat.append(time.perf_counter() - t)
        results.append((table.column("id").to_pylist(), table.column("_score").to_pylist()))
    return build_s, insert_s, results, lat


def compare(a, b, tol):
    """Queries with identical top-k ids; and identical up to ties (at each rank the same id, or
    scores equal within ``tol``: rows of equal score in another order); the largest |diff|."""
    same = same_ties = 0
    max_diff = 0.0
    for (ia, sa), (ib, sb) in zip(a, b):
        # bm25s pads to k with rows that match no query term (score 0); Lakebeam returns matches
        ib = [i for i, s in zip(ib, sb) if s > 0]
        sb = [s for s in sb if s > 0]
        if len(ia) != len(ib):
            continue
        diffs = [abs(x - y) for x, y in zip(sa, sb)]
        max_diff = max([max_diff] + diffs)
        if ia == ib:
            same += 1
            same_ties += 1
        elif all(x == y or d <= tol for x, y, d in zip(ia, ib, diffs)):
            same_ties += 1
    return same, same_ties, max_diff


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--passages", default=DEFAULT_PASSAGES)
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--smoke", action="store_true", help="5k passages, 200 queries")
    p.add_argument("--lakebeam", default="auto", help="grpc://HOST:PORT or auto (start one)")
    p.add_argument("--out", default=None, help="write the figures as JSON here")
    a = p.parse_args(argv)
    if a.smoke:
        a.n, a.queries = 5_000, 200
    log(f"machine: {machine_info()}")
    texts = load_passages(a.passages, a.n)
    docs = [tokenize(t) for t in texts]
    queries = make_queries(docs, a.queries, a.seed)
    log(f"{len(docs)} passages ({sum(map(len, docs)) / len(docs):.1f} tokens avg), "
        f"{len(queries)} queries")
    b_build, b_res, b_lat = run_bm25s(docs, queries, a.k)
    log(f"  bm25s: indexed in {b_build:.1f}s, p50 {percentile(b_lat, 50):.2f} ms")
    proc = None
    uri = a.lakebeam
    if uri == "auto":
        proc, uri, _ = start_server(log=log)
    try:
        l_build, l_insert, l_res, l_lat = run_lakebeam(uri, docs, queries, a.k, log)
    finally:
        if proc is not None:
            proc.terminate()
    same, same_ties, max_diff = compare(l_res, b_res, 1e-5)
    rel = max(
        (abs(x - y) / max(abs(y), 1e-9) for (_, sa), (_, sb) in zip(l_res, b_res)
         for x, y in zip(sa, sb)), default=0.0)
    out = {
        "passages": len(docs), "queries": len(queries), "k": a.k,
        "top10_identical": same / len(queries), "top10_identical_up_to_ties": same_ties / len(queries),
        "max_abs_score_diff": max_diff, "max_rel_score_diff": rel,
        "lakebeam_flight": {"p50_ms": percentile(l_lat, 50), "p99_ms": percentile(l_lat, 99),
                            "qps": len(l_lat) / sum(l_lat), "build_s": l_build, "insert_s": l_insert},
        "bm25s": {"p50_ms": percentile(b_lat, 50), "p99_ms": percentile(b_lat, 99),
                  "qps": len(b_lat) / sum(b_lat), "build_s": b_build},
        "loadavg": os.getloadavg(),
    }
    out["qps_ratio_lakebeam_over_bm25s"] = out["lakebeam_flight"]["qps"] / out["bm25s"]["qps"]
    print(json.dumps(out, indent=2))
    if a.out:
        with open(a.out, "w") as f:
            json.dump(out, f, indent=2)
    ok = out["top10_identical_up_to_ties"] >= 0.99 and max_diff <= 1e-4
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
