"""Batch search: one Lakebeam call of N query vectors (Flight) vs faiss HNSW ``index.search`` of N.

Issue 14's target: a batch search of 1,000 queries at >= 0.5x faiss's batch QPS, at equal recall.
Both systems get the same ``bench/make_dataset.py``-layout data (``--data``); Lakebeam's collection
is the one ``bench/ann_bench.py --lakebeam URI`` built (``ann_bench``, M=16, ef_construction=100),
faiss builds ``IndexHNSWFlat`` M=16, efConstruction=100 here. For each ef: recall@10 of both, the
best of ``--repeats`` wall times for the whole batch (faiss with all cores, as Lakebeam's server
slices a batch over its cores), QPS and the ratio Lakebeam/faiss. Rounds alternate the systems.

    bench/.venv/bin/python bench/batch_search_bench.py --data /work/data/ann200k \\
        --lakebeam grpc://127.0.0.1:8815 --efs 64,128 --batch 1000 --repeats 5
    bench/.venv/bin/python bench/batch_search_bench.py --smoke   # 5,000 x 64, own server
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "clients", "python"))

import lakebeam  # noqa: E402
from annbench.faiss_peer import FaissHnsw  # noqa: E402
from annbench.lakebeam_peer import COLLECTION, Lakebeam  # noqa: E402


def recall(ids: np.ndarray, gt: np.ndarray, k: int) -> float:
    return float(np.mean([len(set(a[:k]) & set(b[:k])) / k for a, b in zip(ids, gt)]))


def lakebeam_batch(client, queries: np.ndarray, ef: int, k: int) -> np.ndarray:
    tables = client.search(COLLECTION, queries, top_k=k, output_fields=["id"],
                           search_params={"ef": ef})
    out = np.full((len(queries), k), -1, dtype=np.int64)
    for i, t in enumerate(tables):
        ids = t.column("id").to_numpy()
        out[i, :len(ids)] = ids
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data")
    p.add_argument("--lakebeam", help="URI of a server holding the ann_bench collection")
    p.add_argument("--efs", default="64,128")
    p.add_argument("--batch", type=int, default=1000)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--smoke", action="store_true")
    a = p.parse_args()
    own = None
    if a.smoke:
        rng = np.random.default_rng(5)
        corpus = rng.normal(size=(5_000, 64)).astype(np.float32)
        corpus /= np.linalg.norm(corpus, axis=1, keepdims=True)
        queries = corpus[rng.choice(5_000, 200, replace=False)] + 0.01
        gt = np.argsort(-(queries @ corpus.T), axis=1)[:, :a.k]
        a.batch, a.repeats, a.efs = 200, 2, "32"
        import pyarrow as pa
        import pyarrow.parquet as pq
        d = tempfile.mkdtemp(prefix="lakebeam-batch-")
        os.makedirs(os.path.join(d, "corpus"))
        n = len(corpus)
        pq.write_table(pa.table({
            "id": np.arange(n), "text": ["t"] * n, "source": ["s"] * n, "lang": ["en"] * n,
            "year": pa.array(np.full(n, 2020, np.int32)),
            "embedding": pa.FixedSizeListArray.from_arrays(pa.array(corpus.ravel()), 64)
            .cast(pa.list_(pa.float32()))}), os.path.join(d, "corpus", "part-00000.parquet"))
        os.environ["LAKEBEAM_BENCH_DATA"] = d
        own = Lakebeam("auto")
        own.build(os.path.join(d, "corpus", "*.parquet"), 64)
        a.lakebeam = own.uri
    else:
        dim = int(__import__("json").load(open(os.path.join(a.data, "meta.json")))["dim"])
        corpus = np.fromfile(os.path.join(a.data, "corpus.f32"), dtype="<f4").reshape(-1, dim)
        queries = np.load(os.path.join(a.data, "queries.npy"))
        gt = np.load(os.path.join(a.data, "ground_truth.npy"))
    queries = np.ascontiguousarray(queries[:a.batch], dtype=np.float32)
    gt = gt[:a.batch]
    faiss = FaissHnsw()
    t = time.perf_counter()
    faiss.build(corpus)
    print(f"faiss build {time.perf_counter() - t:.1f} s", flush=True)
    client = lakebeam.LakebeamClient(a.lakebeam)
    lakebeam_batch(client, queries[:50], 64, a.k)  # connect
    print(f"load1 {os.getloadavg()[0]:.1f}; {len(queries)} queries per batch; k={a.k}")
    print("| ef | faiss recall@10 | faiss best s | faiss QPS | Lakebeam recall@10 | Lakebeam best s"
          " | Lakebeam QPS | Lakebeam / faiss |")
    print("|---|---|---|---|---|---|---|---|")
    for ef in [int(e) for e in a.efs.split(",")]:
        faiss.index.hnsw.efSearch = ef
        ft, lt = [], []
        for _ in range(a.repeats):
            s = time.perf_counter()
            _, fids = faiss.index.search(queries, a.k)
            ft.append(time.perf_counter() - s)
            s = time.perf_counter()
            lids = lakebeam_batch(client, queries, ef, a.k)
            lt.append(time.perf_counter() - s)
        fq, lq = len(queries) / min(ft), len(queries) / min(lt)
        print(f"| {ef} | {recall(fids, gt, a.k):.3f} | {min(ft):.3f} | {fq:.0f} |"
              f" {recall(lids, gt, a.k):.3f} | {min(lt):.3f} | {lq:.0f} | {lq / fq:.2f}x |",
              flush=True)
    client.close()
    if own is not None:
        own.close()


if __name__ == "__main__":
    main()
