"""First query of a fresh Lakebeam server: start -> listening -> ready -> first search.

Issue 14 ("JIT warm-up at load, or a JDK 25 AOT cache"). Two steps:

1. ``load``: a seeded Gaussian mixture (``--rows`` x ``--dim``, 64 clusters) is inserted into a
   lakehouse through a server and indexed (M=16, ef_construction=100).
2. ``measure``: for each ``--server NAME=LAUNCHER[:ENV=VALUE]`` and each repeat (servers
   interleaved), a fresh ``LAUNCHER serve`` over that lakehouse; one Python client connects as soon
   as the server prints ``listening`` and times its first ``search`` (top_k 10, ef 64,
   ``output_fields=["id"]``), then 100 more, then ``describe_collection``. A second round waits for
   the server's ``ready`` line (an older server: its ``Warmed index`` line) before the first search.

Prints one row per server and protocol: seconds from process start to listening / ready / first
result, the first search's own latency, p50/p99 of the next 100.

    python bench/first_query_bench.py load --lakehouse /tmp/fq-lake --rows 200000
    python bench/first_query_bench.py measure --lakehouse /tmp/fq-lake \\
        --server before=/tmp/base/lakebeam --server after=./lakebeam \\
        --server after-no-aot=./lakebeam:LAKEBEAM_AOT=0 --repeats 3
    python bench/first_query_bench.py --smoke   # CI size: 12,000 x 64, one repeat
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))

import lakebeam  # noqa: E402

LISTENING = re.compile(r"listening on (grpc(?:\+tcp)?://\S+)")
# "Warmed index": the index warm-up of a server from before the ready line
READY = re.compile(r"server ready on |Warmed index ")
NAME = "first_query"


class Server:
    """One ``serve`` process; records when it printed ``listening`` and ``ready``."""

    def __init__(self, launcher: str, lakehouse: str, env: dict[str, str]):
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [launcher, "serve", "--lakehouse", lakehouse, "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=dict(os.environ, **env))
        self.uri = None
        self.listening_s = None
        self.ready_s = None
        self.lines: list[str] = []
        self._listening = threading.Event()
        self._ready = threading.Event()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            m = LISTENING.search(line)
            if m and self.uri is None:
                self.uri, self.listening_s = m.group(1), time.perf_counter() - self.t0
                self._listening.set()
            if READY.search(line) and self.ready_s is None:
                self.ready_s = time.perf_counter() - self.t0
                self._ready.set()
        self._listening.set()
        self._ready.set()

    def wait_listening(self, timeout=900):
        if not self._listening.wait(timeout) or self.uri is None:
            raise RuntimeError("Cannot start the server:\n" + "".join(self.lines[-30:]))

    def wait_ready(self, timeout=300) -> bool:
        """Waits for the ready line (or, from a server without one, its index warm-up line)."""
        return self._ready.wait(timeout) and self.ready_s is not None

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def mixture(rows: int, dim: int, seed: int = 14) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(64, dim)).astype(np.float32)
    x = centers[rng.integers(0, 64, rows)] + 0.35 * rng.normal(size=(rows, dim)).astype(np.float32)
    return x.astype(np.float32)


def load(args) -> None:
    x = mixture(args.rows, args.dim)
    srv = Server(args.launcher, args.lakehouse, {})
    try:
        srv.wait_listening()
        c = lakebeam.LakebeamClient(srv.uri)
        if NAME in c.list_collections():
            print(f"{NAME} exists in {args.lakehouse}: nothing to load")
            return
        c.create_collection(NAME, {"id": "long", "embedding": f"float_vector({args.dim})"})
        t = time.perf_counter()
        step = 20_000
        for s in range(0, args.rows, step):
            c.insert(NAME, {"id": np.arange(s, min(s + step, args.rows), dtype=np.int64),
                            "embedding": list(x[s:s + step])})
        print(f"inserted {args.rows} x {args.dim} in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        c.create_index(NAME, "embedding", params={"m": 16, "ef_construction": 100})
        print(f"indexed in {time.perf_counter() - t:.1f} s")
        c.close()
    finally:
        srv.stop()


def one_start(launcher: str, env: dict[str, str], lakehouse: str, queries: np.ndarray,
              wait_ready: bool, name: str = NAME) -> dict:
    srv = Server(launcher, lakehouse, env)
    try:
        srv.wait_listening()
        if wait_ready:
            srv.wait_ready()
        c = lakebeam.LakebeamClient(srv.uri)
        a = time.perf_counter()
        c.search(name, queries[0], top_k=10, output_fields=["id"], search_params={"ef": 64})
        first = time.perf_counter() - a
        first_result_s = time.perf_counter() - srv.t0
        lat = []
        for q in queries[1:101]:
            a = time.perf_counter()
            c.search(name, q, top_k=10, output_fields=["id"], search_params={"ef": 64})
            lat.append(time.perf_counter() - a)
        a = time.perf_counter()
        c.describe_collection(name)
        describe = time.perf_counter() - a
        c.close()
        return {"listening_s": round(srv.listening_s, 2),
                "ready_s": None if srv.ready_s is None else round(srv.ready_s, 2),
                "first_result_s": round(first_result_s, 2), "first_search_s": round(first, 3),
                "next100_p50_ms": round(float(np.percentile(lat, 50)) * 1e3, 2),
                "next100_p99_ms": round(float(np.percentile(lat, 99)) * 1e3, 2),
                "describe_s": round(describe, 3)}
    finally:
        srv.stop()


def measure(args) -> list[dict]:
    servers = []
    for spec in args.server:
        name, _, rest = spec.partition("=")
        launcher, *envs = rest.split(":")
        servers.append((name, launcher, dict(e.split("=", 1) for e in envs)))
    rng = np.random.default_rng(7)
    queries = mixture(2_000, args.dim, seed=99)[rng.permutation(2_000)][:101]
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    rows = []
    for rep in range(args.repeats):
        for wait_ready in (False, True):
            for name, launcher, env in servers:
                r = {"server": name, "repeat": rep, "protocol": "ready" if wait_ready else "listening",
                     "load1": round(os.getloadavg()[0], 1),
                     **one_start(launcher, env, args.lakehouse, queries, wait_ready,
                                 args.collection)}
                print(json.dumps(r), flush=True)
                rows.append(r)
    print("\n| server | protocol | listening s | ready s | first result s (from start) |"
          " first search s | next 100 p50 / p99 ms | load1 |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['server']} | {r['protocol']} | {r['listening_s']} | {r['ready_s']} |"
              f" {r['first_result_s']} | {r['first_search_s']} |"
              f" {r['next100_p50_ms']} / {r['next100_p99_ms']} | {r['load1']} |")
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("step", nargs="?", choices=["load", "measure"])
    p.add_argument("--lakehouse")
    p.add_argument("--launcher", default=os.path.join(ROOT, "lakebeam"))
    p.add_argument("--rows", type=int, default=200_000)
    p.add_argument("--dim", type=int, default=384)
    p.add_argument("--server", action="append", default=[],
                   help="NAME=LAUNCHER[:ENV=VALUE...], repeatable (default: this tree's launcher)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--collection", default=NAME,
                   help="collection to search in measure (e.g. ann_bench of bench/ann_bench.py)")
    p.add_argument("--smoke", action="store_true", help="12,000 x 64 in a temporary lakehouse")
    args = p.parse_args()
    if args.smoke:
        args.rows, args.dim, args.repeats = 12_000, 64, 1
        args.lakehouse = args.lakehouse or tempfile.mkdtemp(prefix="lakebeam-fq-")
        args.server = args.server or [f"this={args.launcher}"]
        load(args)
        rows = measure(args)
        assert all(r["first_search_s"] < 60 for r in rows)
        return
    if not args.lakehouse or not args.step:
        p.error("give a step (load or measure) and --lakehouse, or --smoke")
    if not args.server:
        args.server = [f"this={args.launcher}"]
    load(args) if args.step == "load" else measure(args)


if __name__ == "__main__":
    main()
