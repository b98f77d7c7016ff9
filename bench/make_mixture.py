"""A seeded Gaussian-mixture corpus in the layout of ``make_dataset.py``, without the embedding model.

Writes ``OUT/corpus/part-NNNNN.parquet`` (``id`` int64, ``embedding`` list<float32>, 50,000 rows
each), ``corpus.f32`` / ``queries.f32`` (raw little-endian float32), ``queries.npy`` and
``ground_truth.npy`` (exact top-100 corpus ids by cosine), so that ``build_bench.py --data OUT``
runs on it. The mixture is the tier benchmark's: 1,000 unit centres, N(0, 0.05^2) noise per
dimension, unit-normalised, 384-d; queries come from the same mixture.

    bench/.venv/bin/python bench/make_mixture.py --rows 100000 --out /work/data/mix100k
"""

from __future__ import annotations

import argparse
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

DIM = 384
CENTRES = 1000
NOISE = 0.05
PER_FILE = 50_000
GT_K = 100


def draw(rng: np.random.Generator, centres: np.ndarray, n: int) -> np.ndarray:
    x = centres[rng.integers(0, len(centres), n)] + rng.normal(0, NOISE, (n, DIM)).astype(np.float32)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20261205)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    centres = rng.standard_normal((CENTRES, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    corpus, queries = draw(rng, centres, a.rows), draw(rng, centres, a.queries)
    os.makedirs(os.path.join(a.out, "corpus"), exist_ok=True)
    for part, start in enumerate(range(0, a.rows, PER_FILE)):
        v = corpus[start:start + PER_FILE]
        emb = pa.FixedSizeListArray.from_arrays(pa.array(v.ravel()), DIM).cast(pa.list_(pa.float32()))
        ids = pa.array(np.arange(start, start + len(v)), pa.int64())
        pq.write_table(pa.table({"id": ids, "embedding": emb}),
                       os.path.join(a.out, "corpus", f"part-{part:05d}.parquet"))
    corpus.astype("<f4").tofile(os.path.join(a.out, "corpus.f32"))
    queries.astype("<f4").tofile(os.path.join(a.out, "queries.f32"))
    np.save(os.path.join(a.out, "queries.npy"), queries)
    k = min(GT_K, a.rows)
    gt = np.concatenate([np.argsort(-(queries[s:s + 100] @ corpus.T), axis=1)[:, :k]
                         for s in range(0, a.queries, 100)])
    np.save(os.path.join(a.out, "ground_truth.npy"), gt.astype(np.int64))
    print(f"wrote {a.rows} corpus rows, {a.queries} queries and top-{k} truth to {a.out}")


if __name__ == "__main__":
    main()
