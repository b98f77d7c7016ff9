"""Per-query cost of Lakebeam search through the Flight server, from one Python client.

Loads seeded random vectors into a lakehouse once (``load``), then, for each named launcher
(``measure --server before=/path/lakebeam --server after=./lakebeam``), starts a fresh server on
that same lakehouse and measures, in this order and with the same client code:

1. the first ``--first`` single-query searches right after the start (p50/p99: JIT warm-up and
   index load show here),
2. ``--queries`` single-query searches once hot (p50/p99/QPS),
3. ``--batch`` query vectors in one ``client.search`` call (QPS, best of ``--repeats``).

Steps 2 and 3 alternate between the servers, which all run at once, so that the load of a shared
machine weighs on each alike. Hot QPS is 1,000 / mean latency of one client's serial calls.

Every server answers the same queries from the same index, so hits are identical; the script
checks that the hot results of all servers agree.

Examples
--------
>>> # doctest: +SKIP
>>> # python bench/query_cost_bench.py load --lakehouse /tmp/qc-lake --rows 100000
>>> # python bench/query_cost_bench.py measure --lakehouse /tmp/qc-lake \\
>>> #     --server before=/tmp/qc-base/lakebeam --server after=./lakebeam
>>> # python bench/query_cost_bench.py --smoke
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))

from lakebeam import LakebeamClient  # noqa: E402

COLLECTION = "query_cost"
LISTENING = "Lakebeam Flight server listening on "


WARMED = "Warmed index "


def start(launcher: str, lakehouse: str, timeout_s: float = 600, warm_s: float = 0):
    """Start ``launcher serve`` on ``lakehouse``; return (process, uri).

    With ``warm_s``, also wait until the server logs that it warmed an index, for at most that
    long after its "listening" line (a server without warm-up waits the whole ``warm_s``).
    """
    proc = subprocess.Popen(
        [launcher, "serve", "--lakehouse", lakehouse, "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    found: list[str] = []
    ready = threading.Event()
    warmed = threading.Event()

    def pump():
        for line in proc.stdout:
            if LISTENING in line and not found:
                found.append(line.split(LISTENING, 1)[1].split()[0])
                ready.set()
            if WARMED in line:
                warmed.set()
        ready.set()
        warmed.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(timeout_s) or not found:
        stop(proc)
        raise RuntimeError(f"Cannot start {launcher}: not ready")
    if warm_s > 0:
        warmed.wait(warm_s)
    return proc, found[0]


def stop(proc) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


def load(args) -> None:
    proc, uri = start(args.launcher, args.lakehouse)
    try:
        rng = np.random.default_rng(args.seed)
        with LakebeamClient(uri, timeout=3600) as client:
            client.create_collection(
                COLLECTION, {"id": "long", "embedding": f"float_vector({args.dim})"}
            )
            t0 = time.perf_counter()
            for start_id in range(0, args.rows, 10_000):
                n = min(10_000, args.rows - start_id)
                vectors = rng.normal(size=(n, args.dim)).astype(np.float32)
                client.insert(
                    COLLECTION, {"id": np.arange(start_id, start_id + n), "embedding": vectors}
                )
            print(f"inserted {args.rows} x {args.dim} in {time.perf_counter() - t0:.1f} s")
            t0 = time.perf_counter()
            built = client.create_index(
                COLLECTION, "embedding", params={"m": 16, "ef_construction": args.ef_construction}
            )
            print(f"index built in {time.perf_counter() - t0:.1f} s: {json.dumps(built)}")
    finally:
        stop(proc)


def percentiles(ms: list[float]) -> dict:
    a = np.asarray(ms)
    return {"p50_ms": round(float(np.percentile(a, 50)), 3),
            "p99_ms": round(float(np.percentile(a, 99)), 3)}


def single(client, queries: np.ndarray, ef: int) -> tuple[list[float], list[list[int]]]:
    times, ids = [], []
    for q in queries:
        t0 = time.perf_counter()
        [hits] = client.search(COLLECTION, q, top_k=10, output_fields=["id"],
                               search_params={"ef": ef})
        times.append((time.perf_counter() - t0) * 1e3)
        ids.append(hits.column("id").to_pylist())
    return times, ids


def measure(args) -> list[dict]:
    """Start every server (each measured on its first queries), then interleave the rest.

    Hot queries and batches alternate between the servers in rounds, so that the load of a shared
    machine weighs on every server alike.
    """
    rng = np.random.default_rng(args.seed + 1)
    first = rng.normal(size=(args.first, args.dim)).astype(np.float32)
    hot = rng.normal(size=(args.queries, args.dim)).astype(np.float32)
    batch = rng.normal(size=(args.batch, args.dim)).astype(np.float32)
    servers = []
    try:
        for spec in args.server:
            label, _, launcher = spec.partition("=")
            proc, uri = start(launcher, args.lakehouse, warm_s=args.settle)
            servers.append((label, proc, LakebeamClient(uri, timeout=600)))
            first_ms, _ = single(servers[-1][2], first, args.ef)
            servers[-1] += ({"server": label, "first": {**percentiles(first_ms),
                                                        "max_ms": round(max(first_ms), 1)}},)
        for _, _, client, _ in servers:
            single(client, hot[: max(1, args.queries // 10)], args.ef)  # client-side warm-up
        hot_ms = {label: [] for label, *_ in servers}
        hot_ids = {label: [] for label, *_ in servers}
        rounds = 10
        for chunk in np.array_split(hot, rounds):
            for label, _, client, _ in servers:
                ms, ids = single(client, chunk, args.ef)
                hot_ms[label] += ms
                hot_ids[label] += ids
        batch_s = {label: [] for label, *_ in servers}
        for _ in range(args.repeats):
            for label, _, client, _ in servers:
                t0 = time.perf_counter()
                results = client.search(COLLECTION, batch, top_k=10, search_params={"ef": args.ef})
                batch_s[label].append(time.perf_counter() - t0)
                assert len(results) == args.batch
        runs = []
        for label, _, _, out in servers:
            ms = hot_ms[label]
            out["hot"] = {**percentiles(ms), "qps": round(len(ms) / (sum(ms) / 1e3), 1)}
            out["batch_qps"] = round(args.batch / min(batch_s[label]), 1)
            out["batch_s"] = [round(x, 3) for x in batch_s[label]]
            out["load_avg"] = [round(x, 2) for x in os.getloadavg()]
            print(json.dumps(out), flush=True)
            runs.append(out)
        base = servers[0][0]
        for label, *_ in servers[1:]:
            same = np.mean([a == b for a, b in zip(hot_ids[base], hot_ids[label], strict=True)])
            print(f"hot hits of '{label}' equal to '{base}': {same:.3f}")
        return runs
    finally:
        for _, proc, client, *_ in servers:
            client.close()
            stop(proc)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("mode", nargs="?", choices=["load", "measure"], default="measure")
    p.add_argument("--smoke", action="store_true",
                   help="tiny run end to end on a temporary lakehouse with ./lakebeam")
    p.add_argument("--lakehouse", default="/tmp/qc-lake")
    p.add_argument("--launcher", default=os.path.join(ROOT, "lakebeam"), help="for load")
    p.add_argument("--server", action="append", default=[], help="label=launcher (repeatable)")
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--dim", type=int, default=384)
    p.add_argument("--ef-construction", type=int, default=64)
    p.add_argument("--ef", type=int, default=64)
    p.add_argument("--first", type=int, default=100)
    p.add_argument("--queries", type=int, default=2000)
    p.add_argument("--batch", type=int, default=1000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--settle", type=float, default=60.0,
                   help="longest wait for a server's 'Warmed index' line after its start")
    p.add_argument("--seed", type=int, default=20261204)
    args = p.parse_args(argv)
    if args.smoke:
        args.lakehouse = tempfile.mkdtemp(prefix="qc-smoke-")
        args.rows, args.dim, args.first, args.queries, args.batch = 2000, 32, 20, 50, 300
        args.repeats, args.settle = 1, 1.0
        args.server = args.server or [f"this={args.launcher}"]
        try:
            load(args)
            measure(args)
        finally:
            shutil.rmtree(args.lakehouse, ignore_errors=True)
        return
    if args.mode == "load":
        load(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()
