"""SemDeDup: Lakebeam's Dedup.semantic() against a NumPy/scikit-learn reference of the same method.

Data: a seeded mixture of unit-normalised Gaussian blobs in 384 dimensions in which ``--dups`` of
the rows are planted near-copies (the original plus noise of norm ``--noise``). Both sides
partition the unit vectors by k-means (``--partitions``, 5 Lloyd iterations from k-means++),
compare every pair inside a partition by cosine (one matrix product per partition on the
reference side), link the pairs at or above ``--cosine`` and name each group by its smallest id.
The two k-means runs are seeded differently, so a pair split across partitions on one side only can
differ; the report gives the share of rows whose group is the same, and the planted pairs found.

Usage: bench/.venv/bin/python bench/semdedup_bench.py [--n 200000 --partitions 64] [--smoke]
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
    p.add_argument("--dim", type=int, default=384)
    p.add_argument("--blobs", type=int, default=64)
    p.add_argument("--partitions", type=int, default=64)
    p.add_argument("--cosine", type=float, default=0.95)
    p.add_argument("--dups", type=float, default=0.02, help="fraction of planted near-copies")
    p.add_argument("--noise", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--out", default=None)
    a = p.parse_args(argv)
    if a.smoke:
        a.n, a.partitions = min(a.n, 2000), min(a.partitions, 8)
    return a


def data(a):
    rnd = np.random.default_rng(a.seed)
    centres = rnd.standard_normal((a.blobs, a.dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    x = centres[rnd.integers(0, a.blobs, a.n)]
    x = x + rnd.standard_normal((a.n, a.dim)).astype(np.float32) * (1.0 / np.sqrt(a.dim))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    m = int(a.n * a.dups)
    copies = rnd.choice(a.n, 2 * m, replace=False)
    src, dst = copies[:m], copies[m:]
    x[dst] = x[src] + rnd.standard_normal((m, a.dim)).astype(np.float32) * (a.noise / np.sqrt(a.dim))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32), list(zip(src, dst))


def reference(x, a, ids):
    """k-means partitions, all pairs by cosine inside each, union-find groups named by min id."""
    from sklearn.cluster import KMeans
    labels = KMeans(a.partitions, init="k-means++", n_init=1, max_iter=5, tol=0,
                    random_state=a.seed, algorithm="lloyd").fit(x).labels_
    parent = np.arange(len(x))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for p in range(a.partitions):
        members = np.flatnonzero(labels == p)
        if len(members) < 2:
            continue
        sims = x[members] @ x[members].T
        ii, jj = np.nonzero(np.triu(sims >= a.cosine, 1))
        for i, j in zip(members[ii], members[jj]):
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    roots = np.array([find(i) for i in range(len(x))])
    return [ids[r] for r in roots]  # ids are in row order, so the root is the smallest id


def main(argv=None) -> int:
    from threadpoolctl import threadpool_limits

    a = parse(argv)
    x, planted = data(a)
    ids = [f"r{i:07d}" for i in range(len(x))]
    result = {"bench": "semdedup", "machine": machine(), "args": vars(a)}
    log(f"{len(x)} x {x.shape[1]}, {len(planted)} planted near-copies, cosine {a.cosine}, "
        f"{a.partitions} partitions")
    with threadpool_limits(limits=a.threads):
        t0 = time.perf_counter()
        ref = reference(x, a, ids)
        ref_s = time.perf_counter() - t0
    log(f"reference: {ref_s:.2f}s")
    with tempfile.TemporaryDirectory(prefix="semdedup-bench-") as work:
        write_vectors(os.path.join(work, "x.f32"), x)
        figures, rows = run_java("semantic", work, vectors=os.path.join(work, "x.f32"),
                                 dim=x.shape[1], cosine=a.cosine, partitions=a.partitions)
    rows.sort(key=lambda r: r["chunk_id"])
    lb = [r["semantic_dup_group"] for r in rows]
    same = float(np.mean([p == q for p, q in zip(lb, ref)]))
    found_lb = float(np.mean([lb[s] == lb[d] for s, d in planted]))
    found_ref = float(np.mean([ref[s] == ref[d] for s, d in planted]))
    lb_s = figures["semantic_only_s"]
    result.update(reference={"seconds": round(ref_s, 3), "planted_found": found_ref},
                  lakebeam={**figures, "planted_found": found_lb}, same_group=same,
                  time_ratio=lb_s / ref_s)
    print(f"\nSemDeDup ({figures['runner']}), {len(x)} x {x.shape[1]}, {a.partitions} partitions, "
          f"cosine >= {a.cosine}; load {machine()['loadavg']}")
    print(f"  reference (numpy/sklearn): {ref_s:8.2f}s; planted pairs found {100 * found_ref:.2f}%")
    print(f"  lakebeam (read->semantic->count minus read): {lb_s:8.2f}s; planted pairs found "
          f"{100 * found_lb:.2f}%")
    print(f"  time ratio {lb_s / ref_s:.2f}x (target <= 2x); same group for {100 * same:.3f}% of "
          f"rows")
    print(f"  result: {save_result('semdedup', result, a.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
