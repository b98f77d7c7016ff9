"""The measurement protocol every system goes through, and the choice of its operating point.

For one search-breadth setting: a warm-up pass over the queries, then every query once from one
client thread (recall@k against exact ground truth, per-query latency p50/p99, QPS), then QPS
from ``threads`` concurrent client threads over at least ``min_queries`` queries. The JVM peers
(``SearchSweep.java``) implement the same protocol in-process.

Example::

    row = measure(lambda q, k, b: index.search(q, k, b), queries, gt, k=10, breadth=64)
"""

from __future__ import annotations

import os
import platform
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Sequence

import numpy as np

SearchFn = Callable[[np.ndarray, int, int], Sequence[int]]


def recall_at_k(got: Sequence[int], truth: np.ndarray, k: int) -> float:
    return len(set(int(x) for x in list(got)[:k]) & set(int(x) for x in truth[:k])) / k


def measure(search: SearchFn, queries: np.ndarray, gt: np.ndarray, *, k: int, breadth: int,
            threads: int = 8, min_queries: int = 2000, warmup: int | None = None) -> dict:
    """Recall@k, latency percentiles and QPS (1 and ``threads`` clients) at one breadth."""
    nq = len(queries)
    for i in range(min(nq, warmup if warmup is not None else nq)):
        search(queries[i], k, breadth)
    lat = np.zeros(nq)
    rec = 0.0
    t0 = time.perf_counter()
    for i in range(nq):
        a = time.perf_counter()
        got = search(queries[i], k, breadth)
        lat[i] = time.perf_counter() - a
        rec += recall_at_k(got, gt[i], k)
    single = time.perf_counter() - t0
    return {
        "breadth": breadth,
        "recall": round(rec / nq, 4),
        "p50_ms": round(float(np.percentile(lat, 50)) * 1e3, 3),
        "p99_ms": round(float(np.percentile(lat, 99)) * 1e3, 3),
        "mean_ms": round(single * 1e3 / nq, 3),
        "qps_1": round(nq / single, 1),
        f"qps_{threads}": round(concurrent_qps(search, queries, k=k, breadth=breadth,
                                               threads=threads,
                                               total=max(min_queries, nq)), 1),
    }


def concurrent_qps(search: SearchFn, queries: np.ndarray, *, k: int, breadth: int, threads: int,
                   total: int) -> float:
    counter = iter(range(total))
    lock = threading.Lock()

    def client() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            search(queries[i % len(queries)], k, breadth)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        for f in [pool.submit(client) for _ in range(threads)]:
            f.result()
    return total / (time.perf_counter() - t0)


def sweep(search: SearchFn, queries: np.ndarray, gt: np.ndarray, breadths: Sequence[int], *,
          k: int, threads: int, min_queries: int, stop_recall: float, log=print,
          name: str = "") -> list[dict]:
    """Measures each breadth in ascending order; stops once recall reaches ``stop_recall``."""
    rows = []
    for b in breadths:
        row = measure(search, queries, gt, k=k, breadth=b, threads=threads,
                      min_queries=min_queries)
        log(f"  {name} breadth={b}: {row}")
        rows.append(row)
        if row["recall"] >= stop_recall:
            break
    return rows


def operating_point(rows: list[dict], target: float) -> dict | None:
    """The cheapest setting (highest single-client QPS) with recall >= target, else None."""
    ok = [r for r in rows if r["recall"] >= target]
    return max(ok, key=lambda r: r["qps_1"]) if ok else None


def machine_info() -> dict:
    cpu, family, model = "unknown", "?", "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("cpu family"):
                    family = line.split(":", 1)[1].strip()
                elif line.startswith("model") and not line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    cpu += f" (family {family}, model {model})"
                    break
        flags = open("/proc/cpuinfo").read().split("flags", 1)[1].split("\n", 1)[0]
        simd = [x for x in ("avx2", "avx512f", "avx512_vnni", "fma") if f" {x}" in flags]
    except OSError:
        simd = []
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_gib, 1),
            "simd": simd, "kernel": platform.release(), "python": platform.python_version(),
            "loadavg": os.getloadavg()}
