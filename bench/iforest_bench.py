"""Isolation forest: Lakebeam's Anomalies.isolationForest() against scikit-learn, same data.

The data is a seeded mixture of unit-normalised Gaussian blobs in 384 dimensions with planted
outliers (``--outliers`` of the rows, drawn uniformly on the sphere); both sides grow 100 trees of
256 points and score every row, and each score is judged by its ROC AUC for the planted outliers.
scikit-learn: ``IsolationForest(n_estimators=100, max_samples=256, random_state=seed,
n_jobs=threads).fit(x).score_samples(x)`` timed together. Lakebeam (CurationBench iforest, Direct
runner): ``read -> isolationForest -> count`` minus ``read -> count``, in the same run.

Usage: bench/.venv/bin/python bench/iforest_bench.py [--n 200000 --k 64] [--smoke]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from curationbench.common import log, machine, run_java, save_result, write_vectors  # noqa: E402


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=200000)
    p.add_argument("--k", type=int, default=64, help="Gaussian blobs")
    p.add_argument("--dim", type=int, default=384)
    p.add_argument("--outliers", type=float, default=0.01, help="fraction of planted outliers")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--smoke", action="store_true", help="CI size: 2,000 vectors")
    p.add_argument("--out", default=None)
    a = p.parse_args(argv)
    if a.smoke:
        a.n = min(a.n, 2000)
    return a


def data(a):
    rnd = np.random.default_rng(a.seed)
    centres = rnd.standard_normal((a.k, a.dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    x = centres[rnd.integers(0, a.k, a.n)]
    x = x + rnd.standard_normal((a.n, a.dim)).astype(np.float32) * (0.5 / np.sqrt(a.dim))
    truth = np.zeros(a.n, dtype=bool)
    out = rnd.choice(a.n, int(a.n * a.outliers), replace=False)
    truth[out] = True
    x[out] = rnd.standard_normal((len(out), a.dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32), truth


def main(argv=None) -> int:
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import roc_auc_score
    from threadpoolctl import threadpool_limits

    a = parse(argv)
    x, truth = data(a)
    result = {"bench": "iforest", "machine": machine(), "args": vars(a)}
    log(f"{len(x)} x {x.shape[1]} Gaussian blobs with {truth.sum()} planted outliers")
    with threadpool_limits(limits=a.threads):
        t0 = time.perf_counter()
        sk = -IsolationForest(n_estimators=100, max_samples=256, random_state=a.seed,
                              n_jobs=a.threads).fit(x).score_samples(x)
        sk_s = time.perf_counter() - t0
    sk_auc = roc_auc_score(truth, sk)
    log(f"sklearn: {sk_s:.2f}s, AUC {sk_auc:.4f}")
    with tempfile.TemporaryDirectory(prefix="iforest-bench-") as work:
        write_vectors(os.path.join(work, "x.f32"), x)
        figures, rows = run_java("iforest", work, vectors=os.path.join(work, "x.f32"),
                                 dim=x.shape[1])
    rows.sort(key=lambda r: r["chunk_id"])
    lb = np.array([float(r["iforest_score"]) for r in rows])
    lb_auc = roc_auc_score(truth, lb)
    lb_s = figures["iforest_only_s"]
    result.update(sklearn={"seconds": round(sk_s, 3), "auc": sk_auc},
                  lakebeam={**figures, "auc": lb_auc}, time_ratio=lb_s / sk_s)
    print(f"\nisolation forest ({figures['runner']}), {len(x)} x {x.shape[1]}, 100 trees x 256; "
          f"load {machine()['loadavg']}")
    print(f"  sklearn (fit + score_samples): {sk_s:8.2f}s  AUC {sk_auc:.4f}")
    print(f"  lakebeam (read->iforest->count minus read): {lb_s:8.2f}s  AUC {lb_auc:.4f}; "
          f"end to end with writeBackColumns {figures['end_to_end_s']:.2f}s")
    print(f"  time ratio lakebeam/sklearn: {lb_s / sk_s:.2f}x (target <= 2x); AUC difference "
          f"{lb_auc - sk_auc:+.4f} (target within 0.02)")
    print(f"  result: {save_result('iforest', result, a.out)}")
    return 0 if abs(lb_auc - sk_auc) <= 0.02 else 1


if __name__ == "__main__":
    sys.exit(main())
