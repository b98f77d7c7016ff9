"""k-means: Lakebeam's Cluster.kMeans() against scikit-learn KMeans, same data, same start.

The vectors are real all-MiniLM-L6-v2 embeddings of Debian passages (bench/data/corpus.f32, made
by make_dataset.py; unit norm, so Euclidean k-means on them is cosine geometry), or with
``--data gaussian`` a seeded mixture of k unit-normalised Gaussian blobs in 384 dimensions (any
--n; the default when the MiniLM corpus has not been made). The initial
centroids are one seeded k-means++ draw (sklearn.cluster.kmeans_plusplus) given to both:
``KMeans(n_clusters=k, init=<them>, n_init=1, max_iter=<iterations>, tol=0, algorithm="lloyd")``
and ``Cluster.kMeans().withInitialCentroids(<them>).withIterations(<sklearn's n_iter_>)
.withoutNormalizing()``: scikit-learn stops early once no label changes (tol=0 still checks
that), so Lakebeam runs the iterations scikit-learn ran, no more.

Java times (CurationBench, Direct runner unless --runner flink): ``read -> kMeans -> count`` with
the given iterations and with 0 iterations (assignment only); their difference over the iteration
count is the cost per iteration; the end-to-end ``read -> kMeans -> writeBackColumns``. Inertia is
the sum of the squared ``cluster_distance`` read back from the table; sklearn's is ``inertia_``.

Both sides get the same number of threads (--threads, default 2): scikit-learn through
threadpoolctl (the BLAS kernel that ran is printed), the Java side through the Direct runner's
parallelism. Run the reference without a forced OpenBLAS core type, e.g.
``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE bench/.venv/bin/python bench/cluster_bench.py``.

Usage: bench/.venv/bin/python bench/cluster_bench.py [--n 20000 --k 64 --iterations 20]
       [--data gaussian] [--smoke]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from curationbench.common import (  # noqa: E402
    DATA, load_embeddings, log, machine, run_java, save_result, write_vectors)


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=20000, help="vectors (default 20000)")
    p.add_argument("--k", type=int, default=64)
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--runner", default="direct", choices=["direct", "flink"])
    p.add_argument("--data", default="auto", choices=["auto", "minilm", "gaussian"],
                   help="MiniLM embeddings, a seeded Gaussian mixture, or auto (MiniLM if made)")
    p.add_argument("--dim", type=int, default=384, help="dimension of the Gaussian mixture")
    p.add_argument("--spread", type=float, default=1.0,
                   help="noise norm of the Gaussian mixture relative to its unit centres")
    p.add_argument("--threads", type=int, default=2, help="threads of both sides (default 2)")
    p.add_argument("--tolerance", type=float, default=0.001,
                   help="largest relative inertia difference that passes (default 0.1%%)")
    p.add_argument("--smoke", action="store_true", help="CI size: 1,000 vectors, k=8, 3 iterations")
    p.add_argument("--out", default=None, help="directory of the JSON result (bench/results)")
    a = p.parse_args(argv)
    if a.smoke:
        a.n, a.k, a.iterations = min(a.n, 1000), min(a.k, 8), min(a.iterations, 3)
    return a


def gaussian_mixture(n: int, k: int, dim: int, seed: int, spread: float) -> np.ndarray:
    """n unit-normalised points around k random unit centres (noise norm about ``spread``)."""
    rnd = np.random.default_rng(seed)
    centres = rnd.standard_normal((k, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = rnd.integers(0, k, n)
    x = centres[labels] + rnd.standard_normal((n, dim)).astype(np.float32) * (spread / np.sqrt(dim))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32)


def main(argv=None) -> int:
    from sklearn.cluster import KMeans, kmeans_plusplus
    from threadpoolctl import threadpool_info, threadpool_limits

    a = parse(argv)
    result = {"bench": "kmeans", "machine": machine(), "args": vars(a)}
    data = a.data
    if data == "auto":
        made = os.path.exists(os.path.join(DATA, "smoke" if a.smoke else "", "corpus.f32"))
        data = "minilm" if made else "gaussian"
    if data == "minilm":
        all_vectors = load_embeddings(a.smoke)
        rnd = np.random.default_rng(a.seed)
        pick = rnd.choice(len(all_vectors), min(a.n, len(all_vectors)), replace=False)
        x = all_vectors[np.sort(pick)]
        what = "real MiniLM embeddings"
    else:
        x = gaussian_mixture(a.n, a.k, a.dim, a.seed, a.spread)
        what = f"seeded Gaussian mixture ({a.k} blobs, unit norm)"
    result["data"] = what
    init, _ = kmeans_plusplus(x, a.k, random_state=a.seed)
    init = init.astype(np.float32)
    log(f"{len(x)} x {x.shape[1]} {what}, k={a.k}, {a.iterations} iterations")

    with threadpool_limits(limits=a.threads):
        blas = [{key: p.get(key) for key in ("internal_api", "version", "architecture",
                                             "num_threads")}
                for p in threadpool_info()]
        result["sklearn_threadpools"] = blas
        log(f"scikit-learn thread pools: {blas}; OPENBLAS_CORETYPE="
            f"{os.environ.get('OPENBLAS_CORETYPE')}")
        t0 = time.perf_counter()
        km = KMeans(n_clusters=a.k, init=init, n_init=1, max_iter=a.iterations, tol=0,
                    algorithm="lloyd").fit(x)
        sk_s = time.perf_counter() - t0
    result["sklearn"] = {"seconds": round(sk_s, 3), "inertia": float(km.inertia_),
                         "n_iter": int(km.n_iter_)}
    log(f"sklearn: {sk_s:.2f}s, inertia {km.inertia_:.4f}, {km.n_iter_} iterations")

    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as work:
        write_vectors(os.path.join(work, "x.f32"), x)
        write_vectors(os.path.join(work, "init.f32"), init)
        figures, rows = run_java("kmeans", work, vectors=os.path.join(work, "x.f32"),
                                 init=os.path.join(work, "init.f32"), dim=x.shape[1],
                                 iterations=int(km.n_iter_), runner=a.runner)
    if len(rows) != len(x):
        raise SystemExit(f"Cannot evaluate: the table has {len(rows)} rows, not {len(x)}")
    dist = np.array([float(r["cluster_distance"]) for r in rows])
    labels = np.array([int(r["cluster_id"]) for r in rows])
    inertia = float((dist ** 2).sum())
    fit_s = figures["kmeans_s"] - figures["read_s"]
    result["lakebeam"] = {**figures, "inertia": inertia}
    result["inertia_rel_diff"] = (inertia - km.inertia_) / km.inertia_
    result["same_label"] = float((labels == km.labels_).mean())
    result["time_ratio_fit"] = fit_s / sk_s
    result["time_ratio_end_to_end"] = figures["end_to_end_s"] / sk_s
    sk_per_iter = sk_s / max(1, km.n_iter_)
    print(f"\nk-means ({figures['runner']}), {len(x)} x {x.shape[1]} {what}, "
          f"k={a.k}, {km.n_iter_} of at most {a.iterations} iterations, same k-means++ init; load {machine()['loadavg']}")
    print(f"  sklearn lloyd:  {sk_s:8.2f}s ({km.n_iter_} iterations, {sk_per_iter:.3f}s each)"
          f"  inertia {km.inertia_:.4f}")
    print(f"  lakebeam:       {fit_s:8.2f}s (read->kMeans->count minus read; "
          f"{figures['per_iteration_s']:.3f}s per iteration, assignment-only pass "
          f"{figures['kmeans_0_iterations_only_s']:.2f}s)  inertia {inertia:.4f}")
    print(f"  lakebeam end to end read->kMeans->writeBackColumns: {figures['end_to_end_s']:.2f}s; "
          f"load into Iceberg {figures['load_s']:.2f}s")
    print(f"  time ratio lakebeam/sklearn: {result['time_ratio_fit']:.2f}x fit, "
          f"{result['time_ratio_end_to_end']:.2f}x end to end (target <= 1.5x); inertia "
          f"difference {100 * result['inertia_rel_diff']:+.4f}% (target within "
          f"{100 * a.tolerance:g}%); same label "
          f"for {100 * result['same_label']:.1f}% of rows")
    print(f"  result: {save_result('kmeans', result, a.out)}")
    return 0 if abs(result["inertia_rel_diff"]) <= a.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
