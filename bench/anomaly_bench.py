"""Outliers: Lakebeam's anomaly transforms against scikit-learn, on isolated rows and junk groups.

Inliers are real all-MiniLM-L6-v2 embeddings of Debian passages (bench/data/corpus.f32). Planted
anomalies, two kinds:

* isolated rows (1% of the rows by default), in equal parts ``random`` (random unit vectors) and
  ``shuffled`` (real embeddings, not among the inliers, with their coordinates permuted: a real
  embedding's values and norm, off the model's manifold);
* junk groups (``--groups``, default 5,10,20,35,50 rows): each group is the MiniLM embeddings of
  texts from one junk generator (random-letter gibberish, base64 blobs, hex dumps, spam, lists of
  numbers), the same model, so its members are each other's nearest neighbours (the masking that
  defeats kNN distance).

Java (CurationBench): the vectors go into an Iceberg collection, a vector index is built, then
``read -> multiScaleKnn() -> count`` (the default of ``lakebeam anomalies``), ``read ->
knnDistance(k) -> count``, ``read -> isolationForest() -> count`` and the end-to-end ``read -> all
-> writeBackColumns`` are timed; the scores are read back from the table. Side by side:
scikit-learn ``LocalOutlierFactor`` (n_neighbors 20, its default, and 100), ``IsolationForest(
n_estimators=100, max_samples=256)``, brute-force ``NearestNeighbors`` kNN distance (k), and the
multi-scale score computed exactly in NumPy from brute-force neighbours (the same formula as the
Java transform, without the index's approximation). Quality is ROC AUC of the score (anomalies
positive, inliers negative), per kind and per group, and the precision/recall of the top-fraction
flag.

Usage: bench/.venv/bin/python bench/anomaly_bench.py [--n 20000] [--smoke]
"""

from __future__ import annotations

import argparse
import base64
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

ISOLATED = ("random", "shuffled")
JUNK = ("gibberish", "base64", "hexdump", "spam", "numbers")
METHODS = ("multiscale", "knn", "iforest")


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=20000, help="rows in all (default 20000)")
    p.add_argument("--outliers", type=float, default=0.01, help="isolated fraction (0.01)")
    p.add_argument("--groups", default="5,10,20,35,50", help="junk group sizes (5,10,20,35,50)")
    p.add_argument("--k", type=int, default=10, help="kNN distance: neighbours (10)")
    p.add_argument("--max-k", type=int, default=100, help="multi-scale: neighbours (100)")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--runner", default="direct", choices=["direct", "flink"])
    p.add_argument("--methods", default=",".join(METHODS),
                   help="the Lakebeam transforms measured (default: multiscale,knn,iforest)")
    p.add_argument("--smoke", action="store_true", help="CI size: 800 rows, groups of 5 and 10")
    p.add_argument("--out", default=None, help="directory of the JSON result (bench/results)")
    a = p.parse_args(argv)
    if a.smoke:
        a.n = min(a.n, 800)
        a.groups = "5,10"
    a.groups = [int(g) for g in a.groups.split(",") if g]
    return a


def junk_texts(kind: str, count: int, rnd: random.Random) -> list[str]:
    """``count`` texts of one junk kind: no two alike, all alike in kind."""
    def word(n):
        return "".join(rnd.choice(string.ascii_lowercase) for _ in range(n))

    def one():
        if kind == "gibberish":
            return " ".join(word(rnd.randint(3, 9)) for _ in range(rnd.randint(12, 30)))
        if kind == "base64":
            return base64.b64encode(rnd.randbytes(rnd.randint(60, 150))).decode()
        if kind == "hexdump":
            return " ".join(f"{rnd.getrandbits(32):08x}" for _ in range(rnd.randint(10, 25)))
        if kind == "spam":
            return (f"BUY CHEAP {rnd.choice(['WATCHES', 'PILLS', 'LOANS', 'CASINO CHIPS'])} NOW!!!"
                    f" {rnd.randint(50, 99)}% OFF click here www.{word(8)}.biz limited offer")
        return " ".join(str(rnd.randint(0, 99999)) for _ in range(rnd.randint(15, 40)))
    return [one() for _ in range(count)]


def embed(texts: list[str]) -> np.ndarray:
    """MiniLM (ONNX Runtime, the model make_dataset.py uses)."""
    import make_dataset

    onnx, tok = make_dataset.model_files(os.path.join(DATA, "model"))
    return make_dataset.MiniLm(onnx, tok, threads=2).embed(texts)


def make_data(a) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Inliers plus planted anomalies, shuffled; returns vectors, label codes and label names
    (code 0: inlier; then the isolated kinds; then one code per junk group)."""
    real = load_embeddings(a.smoke)
    rng = np.random.default_rng(a.seed)
    n_iso = max(len(ISOLATED), round(a.n * a.outliers))
    n_junk = sum(a.groups)
    n_in = a.n - n_iso - n_junk
    per = [n_iso // 2, n_iso - n_iso // 2]
    pick = rng.choice(len(real), n_in + per[1], replace=False)
    inliers, donors = real[pick[:n_in]], real[pick[n_in:]]
    rand = rng.standard_normal((per[0], real.shape[1])).astype(np.float32)
    rand /= np.linalg.norm(rand, axis=1, keepdims=True)
    shuffled = np.stack([v[rng.permutation(len(v))] for v in donors])
    rnd = random.Random(a.seed)
    texts, names = [], ["inlier", *ISOLATED]
    for i, size in enumerate(a.groups):
        texts += junk_texts(JUNK[i % len(JUNK)], size, rnd)
        names.append(f"{JUNK[i % len(JUNK)]}-{size}")
    junk = embed(texts)
    x = np.concatenate([inliers, rand, shuffled, junk])
    label = np.concatenate([np.zeros(n_in, int), np.full(per[0], 1), np.full(per[1], 2)]
                           + [np.full(s, 3 + i) for i, s in enumerate(a.groups)])
    order = rng.permutation(len(x))
    return x[order].astype(np.float32), label[order], names


def quality(score, flag, label, names) -> dict:
    from sklearn.metrics import roc_auc_score

    def auc(positive):
        sel = (label == 0) | positive
        return round(float(roc_auc_score(positive[sel], score[sel])), 4)

    y = label > 0
    out = {"auc": auc(y), "auc_isolated": auc((label >= 1) & (label <= len(ISOLATED))),
           "auc_groups": auc(label > len(ISOLATED))}
    for code, name in enumerate(names[1:], 1):
        out[f"auc_{name}"] = auc(label == code)
    if flag is not None:
        out["flag_precision"] = round(float((flag & y).sum() / max(1, flag.sum())), 4)
        out["flag_recall"] = round(float((flag & y).sum() / y.sum()), 4)
        out["flagged"] = int(flag.sum())
    return out


def multiscale_reference(dist: np.ndarray, max_k: int) -> np.ndarray:
    """The multi-scale score of MultiScaleKnn/NeighbourhoodProfile, exactly, from sorted distances
    to the max_k nearest other rows (n x max_k)."""
    far = [t for t in (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128) if t <= max_k]
    while far[-1] >= 128 and int(np.ceil(far[-1] * 1.5)) <= max_k:
        far.append(int(np.ceil(far[-1] * 1.5)))
    near = [s for s in (4, 8, 16, 32, 48) if s < max_k]
    w = [dist[:, t - 1:min(max(t, int(np.ceil(t * 1.25))), max_k)].mean(1) for t in far]
    m = [dist[:, :s].mean(1) for s in near]
    eps = 0.01 * max(float(np.median(w[-1])), 1e-9)
    rw = [(v + eps) / (np.median(v) + eps) for v in w]
    rm = [(v + eps) / (np.median(v) + eps) for v in m]
    isolation = np.max(rw, axis=0)
    contrast = np.ones(len(dist))
    for s, r in zip(near, rm):
        for t, q in zip(far, rw):
            if t > s:
                contrast = np.maximum(contrast, q / r)
    return isolation * contrast


def references(x: np.ndarray, a) -> dict[str, tuple[np.ndarray, float]]:
    """scikit-learn (and the exact multi-scale score): name -> (score, seconds)."""
    from sklearn.ensemble import IsolationForest
    from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors

    out = {}
    kmax = max(a.k, a.max_k)
    t0 = time.perf_counter()
    nn = NearestNeighbors(n_neighbors=kmax + 1, metric="cosine", algorithm="brute").fit(x)
    dist, idx = nn.kneighbors(x)
    self_hit = idx == np.arange(len(x))[:, None]
    # drop the row itself (or, for exact duplicates, the last hit)
    keep = ~self_hit
    keep[keep.sum(1) > kmax, -1] = False
    dist = np.maximum(dist[keep].reshape(len(x), kmax), 0)
    nn_s = time.perf_counter() - t0
    out["sklearn_knn"] = (dist[:, :a.k].mean(1), nn_s)
    t0 = time.perf_counter()
    out["exact_multiscale"] = (multiscale_reference(dist[:, :a.max_k], a.max_k),
                               nn_s + time.perf_counter() - t0)
    for n_neighbors in (20, 100):
        t0 = time.perf_counter()
        lof = LocalOutlierFactor(n_neighbors=n_neighbors, metric="cosine").fit(x)
        out[f"sklearn_lof{n_neighbors}"] = (-lof.negative_outlier_factor_,
                                            time.perf_counter() - t0)
    t0 = time.perf_counter()
    forest = IsolationForest(n_estimators=100, max_samples=256, random_state=a.seed).fit(x)
    out["sklearn_iforest"] = (-forest.score_samples(x), time.perf_counter() - t0)
    return out


def main(argv=None) -> int:
    a = parse(argv)
    result = {"bench": "anomalies", "machine": machine(), "args": vars(a)}
    x, label, names = make_data(a)
    log(f"{len(x)} x {x.shape[1]} vectors: {int((label == 0).sum())} inliers, "
        f"{int(((label >= 1) & (label <= 2)).sum())} isolated, groups {a.groups}")
    top = float((label > 0).mean())
    cut = lambda s: s >= np.quantile(s, 1 - top)  # noqa: E731
    for name, (score, secs) in references(x, a).items():
        result[name] = {"seconds": round(secs, 3), **quality(score, cut(score), label, names)}

    with tempfile.TemporaryDirectory(prefix="anomaly-bench-") as work:
        write_vectors(os.path.join(work, "x.f32"), x)
        figures, rows = run_java("anomalies", work, vectors=os.path.join(work, "x.f32"),
                                 dim=x.shape[1], k=a.k, top=top, runner=a.runner,
                                 methods=a.methods, **{"max-k": a.max_k})
    if len(rows) != len(x):
        raise SystemExit(f"Cannot evaluate: the table has {len(rows)} rows, not {len(x)}")
    col = lambda name, f: np.array([f(r[name]) for r in rows])  # noqa: E731
    truthy = lambda v: v == "true"  # noqa: E731
    result["lakebeam"] = figures
    methods = a.methods.split(",")
    columns = {"multiscale": ("anomaly_score", "is_anomaly"),
               "knn": ("knn_score", "is_knn_anomaly"),
               "iforest": ("iforest_score", "is_iforest_anomaly")}
    for m in methods:
        score, flag = columns[m]
        result[f"lakebeam_{m}"] = {"seconds": figures[f"{m}_only_s"],
                                   **quality(col(score, float), col(flag, truthy), label, names)}

    groups = names[1 + len(ISOLATED):]
    print(f"\nAnomalies ({figures['runner']}), {len(x)} x {x.shape[1]}: "
          f"{int((label == 0).sum())} MiniLM embeddings + {int(((label >= 1) & (label <= 2)).sum())}"
          f" isolated ({', '.join(ISOLATED)}) + junk groups {', '.join(groups)};"
          f" k={a.k}, max-k={a.max_k}; load {machine()['loadavg']}")
    print(f"  {'method':<20}{'AUC':>7}{'isolated':>9}{'groups':>8}"
          + "".join(f"{g:>{max(9, len(g) + 1)}}" for g in groups)
          + f"{'flag P':>8}{'flag R':>8}{'seconds':>9}")
    order = [f"lakebeam_{m}" for m in methods] + [
        "exact_multiscale", "sklearn_knn", "sklearn_lof20", "sklearn_lof100", "sklearn_iforest"]
    for name in order:
        q = result[name]
        print(f"  {name:<20}{q['auc']:>7.4f}{q['auc_isolated']:>9.4f}{q['auc_groups']:>8.4f}"
              + "".join(f"{q['auc_' + g]:>{max(9, len(g) + 1)}.4f}" for g in groups)
              + f"{q['flag_precision']:>8.3f}{q['flag_recall']:>8.3f}{q['seconds']:>9.2f}")
    print(f"  lakebeam: index build {figures['index_build_s']:.2f}s, "
          f"read {figures['read_s']:.2f}s, "
          f"end to end read->{'->'.join(methods)}->writeBackColumns {figures['end_to_end_s']:.2f}s "
          f"(lakebeam seconds above: the transform's pipeline minus the read; references:"
          f" fit + score, exact_multiscale includes the brute-force neighbours)")
    print(f"  result: {save_result('anomalies', result, a.out)}")
    if "multiscale" in methods:
        q = result["lakebeam_multiscale"]
        for kind in ("auc_isolated", "auc_groups"):
            if q[kind] < 0.95:
                print(f"  below target: lakebeam_multiscale {kind} {q[kind]} < 0.95")
    return 0


if __name__ == "__main__":
    sys.exit(main())
