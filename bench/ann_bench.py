#!/usr/bin/env python3
"""ANN benchmark: Lakebeam (Flight) vs faiss HNSW, Lucene HNSW, LanceDB, at equal recall.

Every system indexes the same vectors (``bench/make_dataset.py``: real passages embedded with
all-MiniLM-L6-v2, 384-d, cosine) and answers the same held-out queries. For each system:
index build time and vectors/s; then, for each search-breadth setting (efSearch / ef /
numCandidates / nprobes+ef), recall@10 against exact brute force, p50/p99 latency from one client
and QPS from 1 and 8 concurrent clients. The operating point of a system is its cheapest setting
with recall@10 >= ``--target`` (0.95); the table compares systems there, and the ratios compare
Lakebeam with each peer. Results go to ``bench/results/ann-<rows>-<time>.json``.

Usage::

    bench/.venv/bin/python bench/ann_bench.py --smoke                       # seconds
    nice bench/.venv/bin/python bench/ann_bench.py --lakebeam auto          # full, starts server
    bench/.venv/bin/python bench/ann_bench.py --lakebeam grpc://127.0.0.1:8815
    bench/.venv/bin/python bench/ann_bench.py --systems faiss,lucene        # a subset

Systems: faiss, lucene, jvector (jVector in-process: Lakebeam's engine without Flight or
Iceberg), lancedb (IVF_HNSW_SQ), lancedb-pq (IVF_PQ), lakebeam.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from annbench import measure as M  # noqa: E402
from annbench.jvm_peers import run_jvm_peer  # noqa: E402

BREADTHS = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512]
ALL_SYSTEMS = ["faiss", "lucene", "jvector", "lancedb", "lancedb-pq", "lakebeam"]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def load(data_dir: str):
    meta = json.load(open(os.path.join(data_dir, "meta.json")))
    dim = meta["dim"]
    corpus = np.fromfile(os.path.join(data_dir, "corpus.f32"), dtype="<f4").reshape(-1, dim)
    queries = np.load(os.path.join(data_dir, "queries.npy"))
    gt = np.load(os.path.join(data_dir, "ground_truth.npy"))
    return meta, corpus, queries, gt


def run_python_system(system, build_args, queries, gt, breadths, a) -> dict:
    try:
        return run_python_system_built(system, system.build(*build_args), queries, gt,
                                       breadths, a)
    finally:
        system.close()


def run_lance(index_type: str, corpus, queries, gt, a) -> dict:
    from annbench.lance_peer import LanceDb

    db = LanceDb(index_type=index_type)
    try:
        info = db.build(np.arange(len(corpus)), corpus)
        log(f"{db.name}: built in {info['build_s']}s ({info['build_vps']} vectors/s)")
        rows, i = [], 0
        while i < len(db.settings):  # rows of nprobes; within a row ascend until stop_recall
            row = M.measure(db.search, queries, gt, k=a.k, breadth=i, threads=a.threads,
                            min_queries=a.min_queries)
            row["setting"] = db.describe(i)
            log(f"  {db.name} {row['setting']}: {row}")
            rows.append(row)
            nprobes = db.settings[i][0]
            if row["recall"] >= a.stop_recall:
                while i < len(db.settings) and db.settings[i][0] == nprobes:
                    i += 1
            else:
                i += 1
        return {"system": db.name, "breadth_name": "nprobes/ef or refine", **info, "sweep": rows}
    finally:
        db.close()


def run_lakebeam(uri: str, data_dir: str, dim: int, queries, gt, breadths, a) -> dict:
    from annbench.lakebeam_peer import Lakebeam

    lb = Lakebeam(uri, log=log, token=os.environ.get("LAKEBEAM_TOKEN"), client=a.lakebeam_client)
    try:
        corpus_glob = os.path.join(os.path.abspath(data_dir), "corpus", "*.parquet")
        info = lb.build(corpus_glob, dim, reuse=a.reuse_index)
        return run_python_system_built(lb, info, queries, gt, breadths, a)
    finally:
        lb.close()


def run_python_system_built(system, info, queries, gt, breadths, a) -> dict:
    log(f"{system.name}: built in {info['build_s']}s ({info['build_vps']} vectors/s)")
    rows = M.sweep(system.search, queries, gt, breadths, k=a.k, threads=a.threads,
                   min_queries=a.min_queries, stop_recall=a.stop_recall, log=log,
                   name=system.name)
    return {"system": system.name, "breadth_name": system.breadth_name, **info, "sweep": rows}


# ---------------------------------------------------------------------------------------------
# report


def fmt(v, nd=1):
    return "-" if v is None else (f"{v:.{nd}f}" if isinstance(v, float) else str(v))


def report(results: list[dict], a) -> tuple[str, dict]:
    qk = f"qps_{a.threads}"
    lines = [f"Operating point: cheapest setting with recall@{a.k} >= {a.target}",
             f"| system | setting | recall@{a.k} | p50 ms | p99 ms | QPS 1 client | "
             f"QPS {a.threads} clients | build s | build vectors/s |",
             "|---|---|---|---|---|---|---|---|---|"]
    points = {}
    for r in results:
        op = M.operating_point(r["sweep"], a.target)
        best = max(r["sweep"], key=lambda x: x["recall"]) if r["sweep"] else None
        points[r["system"]] = op
        row = op or best or {}
        setting = row.get("setting") or (f"{r['breadth_name']}={row.get('breadth')}" if row else "-")
        if op is None:
            setting += f" (target not reached; best recall {fmt(row.get('recall'), 4)})"
        lines.append(
            f"| {r['system']} | {setting} | {fmt(row.get('recall'), 4)} | {fmt(row.get('p50_ms'), 3)}"
            f" | {fmt(row.get('p99_ms'), 3)} | {fmt(row.get('qps_1'))} | {fmt(row.get(qk))} | "
            f"{fmt(r.get('build_s'), 2)} | {fmt(r.get('build_vps'))} |")
    ratios = {}
    lb = next((r for r in results if r["system"] == "lakebeam"), None)
    for base_name in ("lakebeam", "jvector-inprocess"):
        base = next((r for r in results if r["system"] == base_name), None)
        if base is None or (base_name == "jvector-inprocess" and lb is not None):
            continue
        bp = points.get(base_name)
        lines.append("")
        lines.append(f"Ratios, {base_name} / peer (QPS and build: >1 means {base_name} is "
                     f"faster; p99: <1 means {base_name} is faster)")
        lines.append(f"| peer | QPS 1 | QPS {a.threads} | p99 | build vectors/s |")
        lines.append("|---|---|---|---|---|")
        for r in results:
            if r is base:
                continue
            pp = points.get(r["system"])

            def ratio(x, y):
                return round(x / y, 2) if x and y else None

            rr = {"qps_1": ratio(bp and bp["qps_1"], pp and pp["qps_1"]),
                  qk: ratio(bp and bp[qk], pp and pp[qk]),
                  "p99": ratio(bp and bp["p99_ms"], pp and pp["p99_ms"]),
                  "build_vps": ratio(base.get("build_vps"), r.get("build_vps"))}
            ratios[f"{base_name}/{r['system']}"] = rr
            lines.append(f"| {r['system']} | {fmt(rr['qps_1'], 2)} | {fmt(rr[qk], 2)} | "
                         f"{fmt(rr['p99'], 2)} | {fmt(rr['build_vps'], 2)} |")
    if lb is not None:
        op = points.get("lakebeam")
        checks = {
            f"recall@{a.k} >= {a.target}": bool(op),
            "p99 <= 10 ms": bool(op and op["p99_ms"] <= 10),
        }
        for peer in ("lucene-hnsw", "lancedb-ivf-hnsw-sq", "lancedb-ivf-pq"):
            pp = points.get(peer)
            if pp is not None:
                checks[f"QPS >= {peer} (1 and {a.threads} clients)"] = bool(
                    op and op["qps_1"] >= pp["qps_1"] and op[qk] >= pp[qk])
        lines.append("")
        lines.append("Targets: " + "; ".join(f"{k}: {'PASS' if v else 'FAIL'}"
                                             for k, v in checks.items()))
        ratios["targets"] = checks
    return "\n".join(lines), {"operating_points": points, "ratios": ratios}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=None, help="data folder (default bench/data[/smoke])")
    p.add_argument("--smoke", action="store_true", help="use bench/data/smoke, fewer settings")
    p.add_argument("--systems", default="faiss,lucene,jvector,lancedb,lakebeam",
                   help=f"comma-separated, of {','.join(ALL_SYSTEMS)}")
    p.add_argument("--lakebeam", default="auto",
                   help="grpc://HOST:PORT of a running server, 'auto' (start bench's own), 'off'")
    p.add_argument("--lakebeam-client", default="auto", choices=["auto", "package", "flight"],
                   help="the lakebeam Python package (clients/python) or raw pyarrow.flight")
    p.add_argument("--reuse-index", action="store_true",
                   help="with --lakebeam grpc://...: search the collection's existing index")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--target", type=float, default=0.95)
    p.add_argument("--stop-recall", type=float, default=0.985,
                   help="stop a system's sweep once recall reaches this")
    p.add_argument("--threads", type=int, default=8, help="concurrent clients for QPS")
    p.add_argument("--min-queries", type=int, default=2000,
                   help="queries in each concurrent-QPS measurement")
    p.add_argument("--breadths", default=",".join(map(str, BREADTHS)))
    p.add_argument("--out", default=os.path.join(HERE, "results"))
    a = p.parse_args(argv)
    data_dir = a.data or os.path.join(HERE, "data", "smoke" if a.smoke else "")
    # the server registers the corpus in place: allow its folder as a source root
    os.environ.setdefault("LAKEBEAM_BENCH_DATA", os.path.abspath(data_dir))
    if a.smoke:
        a.min_queries = min(a.min_queries, 300)
    systems = [s.strip() for s in a.systems.split(",") if s.strip()]
    if a.lakebeam == "off" and "lakebeam" in systems:
        systems.remove("lakebeam")
    unknown = set(systems) - set(ALL_SYSTEMS)
    if unknown:
        raise SystemExit(f"Cannot run systems {sorted(unknown)}: known are {ALL_SYSTEMS}")
    breadths = [int(x) for x in a.breadths.split(",")]
    meta, corpus, queries, gt = load(data_dir)
    machine = M.machine_info()
    log(f"data {data_dir}: {len(corpus)} x {corpus.shape[1]} corpus, {len(queries)} queries; "
        f"machine {machine}")
    results, errors = [], {}
    for s in systems:
        log(f"== {s}")
        try:
            if s == "faiss":
                from annbench.faiss_peer import FaissHnsw

                results.append(run_python_system(FaissHnsw(), (corpus,), queries, gt,
                                                 breadths, a))
            elif s in ("lucene", "jvector"):
                name = "lucene-hnsw" if s == "lucene" else "jvector-inprocess"
                r = run_jvm_peer(name, data_dir, breadths=breadths, k=a.k, threads=a.threads,
                                 min_queries=a.min_queries, stop_recall=a.stop_recall, log=log)
                log(f"{name}: built in {r['build_s']}s ({r['build_vps']} vectors/s)")
                results.append(r)
            elif s in ("lancedb", "lancedb-pq"):
                results.append(run_lance("IVF_PQ" if s == "lancedb-pq" else "IVF_HNSW_SQ",
                                         corpus, queries, gt, a))
            elif s == "lakebeam":
                results.append(run_lakebeam(a.lakebeam, data_dir, corpus.shape[1], queries, gt,
                                            breadths, a))
        except Exception as e:  # noqa: BLE001 - one system failing must not lose the others
            log(f"{s}: FAILED: {type(e).__name__}: {e}")
            errors[s] = f"{type(e).__name__}: {e}"
    table, summary = report(results, a)
    print("\n" + table + "\n", flush=True)
    for s, e in errors.items():
        print(f"{s}: not measured: {e}")
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, f"ann-{len(corpus)}-{time.strftime('%Y%m%d-%H%M%S')}.json")
    machine["loadavg_end"] = os.getloadavg()
    with open(path, "w") as f:
        json.dump({"command": " ".join([os.path.basename(sys.executable)] + sys.argv),
                   "data": meta, "data_dir": data_dir, "machine": machine, "args": vars(a),
                   "results": results, "errors": errors, **summary, "table": table}, f,
                  indent=1, default=str)
    log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
