"""Outliers: Lakebeam's Anomalies.knnDistance() and isolationForest() against scikit-learn.

Inliers are real all-MiniLM-L6-v2 embeddings of Debian passages (bench/data/corpus.f32). Injected
outliers (1% by default), three kinds in equal parts:

* ``random``: random unit vectors (isotropic Gaussian, normalised);
* ``gibberish``: MiniLM embeddings of gibberish texts (random letter strings), the same model;
* ``shuffled``: real embeddings (not among the inliers) with their coordinates permuted, so each
  has a real embedding's values and norm but lies off the model's manifold.

Java (CurationBench): the vectors go into an Iceberg collection, a vector index is built
(``lakehouse.indexes().build``), then ``read -> knnDistance(k) -> count``, ``read ->
isolationForest() -> count`` and the end-to-end ``read -> both -> writeBackColumns`` are timed; the
scores are read back from the table. Side by side: scikit-learn ``NearestNeighbors`` (brute force,
cosine; mean distance to the k nearest other rows) and ``IsolationForest(n_estimators=100,
max_samples=256)``. Quality is ROC AUC of the score (outliers positive), overall and per kind, and
the precision/recall of the top-fraction flag.

Usage: bench/.venv/bin/python bench/anomaly_bench.py [--n 20000] [--smoke]
"""

from __future__ import annotations

import argparse
import os
import random
import string
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from curationbench.common import (  # noqa: E402
    DATA, load_embeddings, log, machine, run_java, save_result, write_vectors)

KINDS = ("random", "gibberish", "shuffled")


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=20000, help="rows in all (default 20000)")
    p.add_argument("--outliers", type=float, default=0.01, help="injected fraction (0.01)")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--runner", default="direct", choices=["direct", "flink"])
    p.add_argument("--methods", default="knn,iforest",
                   help="the Lakebeam transforms measured: knn, iforest or both (default)")
    p.add_argument("--smoke", action="store_true", help="CI size: 800 rows")
    p.add_argument("--out", default=None, help="directory of the JSON result (bench/results)")
    a = p.parse_args(argv)
    if a.smoke:
        a.n = min(a.n, 800)
    return a


def gibberish_embeddings(count: int, seed: int) -> np.ndarray:
    """MiniLM (ONNX Runtime, the model make_dataset.py uses) of random letter strings."""
    import make_dataset

    rnd = random.Random(seed)
    texts = [" ".join("".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randint(3, 9)))
                      for _ in range(rnd.randint(12, 30))) for _ in range(count)]
    onnx, tok = make_dataset.model_files(os.path.join(DATA, "model"))
    return make_dataset.MiniLm(onnx, tok, threads=2).embed(texts)


def make_data(a) -> tuple[np.ndarray, np.ndarray]:
    """Inliers plus injected outliers, shuffled; returns vectors and kind codes (0 = inlier)."""
    real = load_embeddings(a.smoke)
    rng = np.random.default_rng(a.seed)
    n_out = max(len(KINDS), round(a.n * a.outliers))
    per = [n_out // 3, n_out // 3, n_out - 2 * (n_out // 3)]
    pick = rng.choice(len(real), a.n - n_out + per[2], replace=False)
    inliers, donors = real[pick[: a.n - n_out]], real[pick[a.n - n_out:]]
    rand = rng.standard_normal((per[0], real.shape[1])).astype(np.float32)
    rand /= np.linalg.norm(rand, axis=1, keepdims=True)
    shuffled = np.stack([v[rng.permutation(len(v))] for v in donors])
    x = np.concatenate([inliers, rand, gibberish_embeddings(per[1], a.seed), shuffled])
    kind = np.concatenate([np.zeros(len(inliers), int)]
                          + [np.full(c, i + 1) for i, c in enumerate(per)])
    order = rng.permutation(len(x))
    return x[order].astype(np.float32), kind[order]


def quality(score: np.ndarray, flag: np.ndarray | None, kind: np.ndarray) -> dict:
    from sklearn.metrics import roc_auc_score

    y = kind > 0
    out = {"auc": round(float(roc_auc_score(y, score)), 4)}
    for i, name in enumerate(KINDS, 1):
        sel = (kind == 0) | (kind == i)
        out[f"auc_{name}"] = round(float(roc_auc_score(kind[sel] == i, score[sel])), 4)
    if flag is not None:
        out["flag_precision"] = round(float((flag & y).sum() / max(1, flag.sum())), 4)
        out["flag_recall"] = round(float((flag & y).sum() / y.sum()), 4)
        out["flagged"] = int(flag.sum())
    return out


def main(argv=None) -> int:
    from sklearn.ensemble import IsolationForest
    from sklearn.neighbors import NearestNeighbors

    a = parse(argv)
    result = {"bench": "anomalies", "machine": machine(), "args": vars(a)}
    x, kind = make_data(a)
    log(f"{len(x)} x {x.shape[1]} vectors, {int((kind > 0).sum())} injected outliers")
    top = float((kind > 0).mean())

    t0 = time.perf_counter()
    nn = NearestNeighbors(n_neighbors=a.k + 1, metric="cosine", algorithm="brute").fit(x)
    dist, idx = nn.kneighbors(x)
    self_hit = idx == np.arange(len(x))[:, None]
    knn = np.array([d[~s][: a.k].mean() for d, s in zip(dist, self_hit)])
    knn_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    forest = IsolationForest(n_estimators=100, max_samples=256, random_state=a.seed).fit(x)
    iforest = -forest.score_samples(x)
    if_s = time.perf_counter() - t0
    cut = lambda s: s >= np.quantile(s, 1 - top)  # noqa: E731
    result["sklearn_knn"] = {"seconds": round(knn_s, 3), **quality(knn, cut(knn), kind)}
    result["sklearn_iforest"] = {"seconds": round(if_s, 3), **quality(iforest, cut(iforest), kind)}

    with tempfile.TemporaryDirectory(prefix="anomaly-bench-") as work:
        write_vectors(os.path.join(work, "x.f32"), x)
        figures, rows = run_java("anomalies", work, vectors=os.path.join(work, "x.f32"),
                                 dim=x.shape[1], k=a.k, top=top, runner=a.runner,
                                 methods=a.methods)
    if len(rows) != len(x):
        raise SystemExit(f"Cannot evaluate: the table has {len(rows)} rows, not {len(x)}")
    col = lambda name, f: np.array([f(r[name]) for r in rows])  # noqa: E731
    truthy = lambda v: v == "true"  # noqa: E731
    result["lakebeam"] = figures
    methods = a.methods.split(",")
    if "knn" in methods:
        result["lakebeam_knn"] = quality(col("anomaly_score", float), col("is_anomaly", truthy),
                                         kind)
    if "iforest" in methods:
        result["lakebeam_iforest"] = quality(col("iforest_score", float),
                                             col("is_iforest_anomaly", truthy), kind)
    print(f"\nAnomalies ({figures['runner']}), {len(x)} x {x.shape[1]} MiniLM embeddings + "
          f"{int((kind > 0).sum())} injected outliers ({', '.join(KINDS)}), k={a.k}; "
          f"load {machine()['loadavg']}")
    print(f"  {'method':<18}{'AUC':>7}" + "".join(f"{'AUC ' + k:>15}" for k in KINDS)
          + f"{'flag P':>8}{'flag R':>8}{'seconds':>9}")
    for name, secs in (("lakebeam_knn", figures.get("knn_only_s")),
                       ("sklearn_knn", result["sklearn_knn"]["seconds"]),
                       ("lakebeam_iforest", figures.get("iforest_only_s")),
                       ("sklearn_iforest", result["sklearn_iforest"]["seconds"])):
        if name.split("_")[1] not in methods:
            continue
        q = result[name]
        print(f"  {name:<18}{q['auc']:>7.4f}" + "".join(f"{q['auc_' + k]:>15.4f}" for k in KINDS)
              + f"{q['flag_precision']:>8.3f}{q['flag_recall']:>8.3f}{secs:>9.2f}")
    print(f"  lakebeam: index build {figures['index_build_s']:.2f}s, "
          f"read {figures['read_s']:.2f}s, "
          f"end to end read->{'->'.join(methods)}->writeBackColumns {figures['end_to_end_s']:.2f}s "
          f"(seconds above: the transform's pipeline minus the read)")
    print(f"  result: {save_result('anomalies', result, a.out)}")
    for name in ("lakebeam_knn", "lakebeam_iforest"):
        if name in result and result[name]["auc"] < 0.95:
            print(f"  below target: {name} AUC {result[name]['auc']} < 0.95")
    return 0


if __name__ == "__main__":
    sys.exit(main())
