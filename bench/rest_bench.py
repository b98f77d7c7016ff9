"""Single-query search latency through the REST/JSON API vs Arrow Flight, on one server.

Starts ``lakebeam serve --rest-port 0`` on a fresh lakehouse, loads ``--rows`` seeded random
``--dim``-d vectors and builds the HNSW index (through Flight), then sends ``--queries``
single-query searches (top_k 10, ``id`` as output field) alternately through the Python Flight
client and through REST (one keep-alive ``http.client`` connection, JSON body), so the load of a
shared machine weighs on both alike. Checks that both return the same ids, and prints p50/p99 of
each and the REST/Flight ratio (target: REST p99 within 1.5x of Flight's).

Examples
--------
>>> # doctest: +SKIP
>>> # python bench/rest_bench.py --rows 100000 --dim 384 --queries 2000
>>> # python bench/rest_bench.py --smoke
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import threading
import time
import urllib.parse
import subprocess

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))

from lakebeam import LakebeamClient  # noqa: E402

COLLECTION = "rest_bench"
FLIGHT_LINE = "Lakebeam Flight server listening on "
REST_LINE = "Lakebeam REST API listening on "


def start(launcher: str, lakehouse: str, timeout_s: float = 600):
    """Start ``launcher serve --rest-port 0``; return (process, flight uri, rest base url)."""
    proc = subprocess.Popen(
        [launcher, "serve", "--lakehouse", lakehouse, "--port", "0", "--rest-port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    found: dict[str, str] = {}
    ready = threading.Event()

    def pump():
        for line in proc.stdout:
            for key, marker in (("rest", REST_LINE), ("flight", FLIGHT_LINE)):
                if marker in line and key not in found:
                    found[key] = line.split(marker, 1)[1].split()[0]
            if "flight" in found:
                ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(timeout_s) or "flight" not in found or "rest" not in found:
        stop(proc)
        raise RuntimeError(f"Cannot start {launcher} with --rest-port: not ready")
    return proc, found["flight"], found["rest"]


def stop(proc) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


class Rest:
    """One keep-alive HTTP/1.1 connection posting JSON."""

    def __init__(self, base: str) -> None:
        url = urllib.parse.urlsplit(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)

    def post(self, path: str, body: dict) -> dict:
        self.conn.request("POST", path, body=json.dumps(body).encode(),
                          headers={"Content-Type": "application/json"})
        reply = self.conn.getresponse()
        data = json.loads(reply.read())
        if reply.status != 200:
            raise RuntimeError(f"{path}: {reply.status} {data}")
        return data["data"]


def percentiles(ms: list[float]) -> dict:
    a = np.asarray(ms)
    return {"p50_ms": round(float(np.percentile(a, 50)), 3),
            "p99_ms": round(float(np.percentile(a, 99)), 3),
            "mean_ms": round(float(a.mean()), 3)}


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--dim", type=int, default=384)
    p.add_argument("--queries", type=int, default=2_000)
    p.add_argument("--warmup", type=int, default=300)
    p.add_argument("--ef", type=int, default=64)
    p.add_argument("--seed", type=int, default=17)
    p.add_argument("--launcher", default=os.path.join(ROOT, "lakebeam"))
    p.add_argument("--smoke", action="store_true", help="3,000 rows, 200 queries: a CI check")
    args = p.parse_args(argv)
    if args.smoke:
        args.rows, args.queries, args.warmup = 3_000, 200, 100
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory(prefix="rest-bench-") as lakehouse:
        proc, flight_uri, rest_base = start(args.launcher, lakehouse)
        try:
            client = LakebeamClient(flight_uri, timeout=3600)
            client.create_collection(
                COLLECTION, {"id": "long", "embedding": f"float_vector({args.dim})"})
            t0 = time.perf_counter()
            for first in range(0, args.rows, 10_000):
                n = min(10_000, args.rows - first)
                client.insert(COLLECTION, {"id": np.arange(first, first + n),
                                           "embedding": rng.normal(size=(n, args.dim))
                                           .astype(np.float32)})
            load_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            client.create_index(COLLECTION, "embedding", params={"m": 16, "ef_construction": 100})
            index_s = time.perf_counter() - t0
            print(f"loaded {args.rows} x {args.dim} in {load_s:.1f} s, indexed in {index_s:.1f} s",
                  flush=True)
            rest = Rest(rest_base)
            queries = rng.normal(size=(args.warmup + args.queries, args.dim)).astype(np.float32)

            def by_flight(q):
                [hits] = client.search(COLLECTION, q, top_k=10, output_fields=["id"],
                                       search_params={"ef": args.ef})
                return hits.column("id").to_pylist()

            def by_rest(q):
                hits = rest.post("/v2/vectordb/entities/search", {
                    "collectionName": COLLECTION, "data": [q.tolist()], "limit": 10,
                    "outputFields": ["id"], "searchParams": {"params": {"ef": args.ef}}})
                return [h["id"] for h in hits]

            times = {"flight": [], "rest": []}
            mismatches = 0
            for i, q in enumerate(queries):
                order = (("flight", by_flight), ("rest", by_rest))
                if i % 2:
                    order = order[::-1]
                ids = {}
                for name, fn in order:
                    t0 = time.perf_counter()
                    ids[name] = fn(q)
                    if i >= args.warmup:
                        times[name].append((time.perf_counter() - t0) * 1e3)
                mismatches += ids["flight"] != ids["rest"]
            client.close()
        finally:
            stop(proc)
    flight, rest_p = percentiles(times["flight"]), percentiles(times["rest"])
    result = {
        "rows": args.rows, "dim": args.dim, "queries": args.queries, "ef": args.ef,
        "flight": flight, "rest": rest_p,
        "ratio_p50": round(rest_p["p50_ms"] / flight["p50_ms"], 3),
        "ratio_p99": round(rest_p["p99_ms"] / flight["p99_ms"], 3),
        "mismatched_queries": mismatches,
    }
    print(f"Flight p50 {flight['p50_ms']} ms p99 {flight['p99_ms']} ms | "
          f"REST p50 {rest_p['p50_ms']} ms p99 {rest_p['p99_ms']} ms | "
          f"REST/Flight p50 {result['ratio_p50']}x p99 {result['ratio_p99']}x "
          f"(target p99 <= 1.5x: {'met' if result['ratio_p99'] <= 1.5 else 'MISSED'})")
    print(json.dumps(result))
    if mismatches:
        raise SystemExit(f"{mismatches} queries returned different ids through REST and Flight")
    return result


if __name__ == "__main__":
    main()
