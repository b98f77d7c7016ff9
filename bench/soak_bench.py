"""Soak: many concurrent clients for minutes, mixed search / read / insert, against one server.

Target (issue 15): 64 concurrent clients for 10 minutes, mixed search/read/insert: 0 errors and
the server's RSS flat within 10% (RSS at the end <= 1.10 x the highest RSS of the warm-up
minute). Starts ``./lakebeam serve`` on 127.0.0.1 with a temporary lakehouse (the launcher's
default heap), loads a seeded collection and builds its index, then runs ``--clients`` clients,
each with its own connection, spread over ``--processes`` processes (the GIL would otherwise
serialise them). Each client draws, with its own seed: a filtered search with output fields
(70%), a batch read of a filtered slice over several splits (20%), or an insert of a few rows with
an idempotency key (10%). The server's VmRSS is sampled every ``--sample-s`` seconds. At the end
every unacknowledged insert is resent with its key, and the collection must hold exactly the
initial rows plus the inserted ones, each id once.

Prints one JSON summary line (with the JVM heap from ``jcmd GC.heap_info`` after the warm-up, at
the end, and after a full GC at the end: a live set that grows means a leak, a committed heap that
grows toward ``-Xmx`` does not), then PASS or FAIL; exits 1 on FAIL. ``--smoke`` only reports RSS:
20 s is too short for a JVM heap to settle.

>>> # python bench/soak_bench.py --smoke                          # 8 clients, 20 s, small data
>>> # python bench/soak_bench.py                                  # 64 clients, 600 s, 20k x 64
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing as mp
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# the server launch of query_cost_bench, which also puts clients/python on the path
from query_cost_bench import ROOT, start, stop  # noqa: E402

from lakebeam import LakebeamClient  # noqa: E402
from lakebeam.errors import LakebeamError  # noqa: E402

COLLECTION = "soak"
LANGS = ["en", "de", "fr", "es"]
FILTERS = ["lang = 'en'", "year >= 2018", "lang IN ('de', 'fr') AND year < 2020", "year = 2015"]
INSERTED_ID_BASE = 1 << 40  # ids of inserted rows: BASE + client * 2^24 + n, never initial ids


def rows(ids: np.ndarray, dim: int, rng: np.random.Generator) -> dict:
    return {
        "id": ids.astype(np.int64),
        "lang": [LANGS[i % len(LANGS)] for i in ids],
        "year": (2010 + ids % 15).astype(np.int32),
        "text": [f"row {i}" for i in ids],
        "embedding": rng.normal(size=(len(ids), dim)).astype(np.float32),
    }


def load(uri: str, args) -> dict:
    rng = np.random.default_rng(args.seed)
    with LakebeamClient(uri, timeout=3600) as client:
        client.create_collection(
            COLLECTION,
            {"id": "long", "lang": "string", "year": "int", "text": "string",
             "embedding": f"float_vector({args.dim})"},
        )
        t0 = time.perf_counter()
        for first in range(0, args.rows, 10_000):
            client.insert(COLLECTION, rows(np.arange(first, min(args.rows, first + 10_000)),
                                           args.dim, rng))
        loaded_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        built = client.create_index(COLLECTION, "embedding",
                                    params={"m": 16, "ef_construction": 100})
        return {"load_s": round(loaded_s, 1), "index_s": round(time.perf_counter() - t0, 1),
                "rows_indexed": built.get("rows_indexed")}


# ---- one client ----


def status(exc: BaseException) -> str:
    if isinstance(exc, LakebeamError) and exc.status:
        return exc.status
    return type(exc).__name__


def client_loop(uri: str, client_id: int, args, go, deadline_box, out: dict, ready) -> None:
    """One client: its own connection and seed, calls until the deadline."""
    rnd = random.Random(args.seed * 1_000 + client_id)
    rng = np.random.default_rng(args.seed * 1_000 + client_id)
    lat = collections.defaultdict(list)
    errors: collections.Counter = collections.Counter()
    examples: list[str] = []
    acked, unacked, n = [], [], 0
    with LakebeamClient(uri, timeout=args.call_timeout_s, max_workers=args.splits) as client:
        client.list_collections()  # the connection is open before the clock starts
        with ready.get_lock():
            ready.value += 1
        go.wait()
        deadline = deadline_box[0]
        while time.time() < deadline:
            r = rnd.random()
            kind = "search" if r < 0.7 else "read" if r < 0.9 else "insert"
            t0 = time.perf_counter()
            try:
                if kind == "search":
                    hits = client.search(COLLECTION, rng.normal(size=args.dim).astype(np.float32),
                                         top_k=10, filter=rnd.choice(FILTERS),
                                         output_fields=["id", "lang", "year"])
                    assert hits[0].num_rows > 0, "a search returned no hit"
                elif kind == "read":
                    lo = rnd.randrange(args.rows)
                    client.query(COLLECTION, filter=f"id >= {lo} AND id < {lo + args.read_rows}",
                                 output_fields=["id", "lang", "year", "text"], splits=args.splits)
                else:
                    count = rnd.randint(1, 10)
                    ids = INSERTED_ID_BASE + (client_id << 24) + np.arange(n, n + count)
                    n += count
                    key = f"soak-{args.seed}-{client_id}-{n}"
                    try:
                        client.insert(COLLECTION, rows(ids, args.dim, rng), idempotency_key=key)
                        acked.append((key, int(ids[0]), count))
                    except Exception:
                        unacked.append((key, int(ids[0]), count))
                        raise
                lat[kind].append((time.time(), (time.perf_counter() - t0) * 1e3))
            except Exception as exc:  # noqa: BLE001 - every failure is counted by its status
                errors[f"{kind}:{status(exc)}"] += 1
                if len(examples) < 3:
                    examples.append(f"{kind}: {str(exc)[:300]}")
    out.update(lat=dict(lat), errors=dict(errors), examples=examples, acked=acked, unacked=unacked)


def worker_process(uri: str, client_ids: list[int], args, go, deadline_value, ready,
                   results) -> None:
    """Run ``client_ids`` as threads of this process; put their merged figures on ``results``."""
    outs = [{} for _ in client_ids]
    box = [0.0]

    class _Go:  # reads the shared deadline once the parent sets "go"
        def wait(self):
            go.wait()
            box[0] = deadline_value.value

    threads = [threading.Thread(target=client_loop, args=(uri, c, args, _Go(), box, o, ready))
               for c, o in zip(client_ids, outs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    merged = {"lat": collections.defaultdict(list), "errors": collections.Counter(),
              "examples": [], "acked": [], "unacked": []}
    for o in outs:
        if not o:
            merged["errors"]["client:crashed"] += 1
            continue
        for k, v in o["lat"].items():
            merged["lat"][k].extend(v)
        merged["errors"].update(o["errors"])
        merged["examples"] += o["examples"]
        merged["acked"] += o["acked"]
        merged["unacked"] += o["unacked"]
    merged["lat"] = dict(merged["lat"])
    merged["errors"] = dict(merged["errors"])
    results.put(merged)


# ---- the server's side ----


def memory_mib(pid: int) -> dict[str, float]:
    """VmRSS and its parts (anonymous: heap and off-heap; file: mapped jars and index segments)."""
    with open(f"/proc/{pid}/status") as f:
        parts = [line.split(":", 1) for line in f
                 if line.startswith(("VmRSS", "RssAnon", "RssFile"))]
    return {k: round(int(v.split()[0]) / 1024, 1) for k, v in parts}


def rss_mib(pid: int) -> float:
    return memory_mib(pid)["VmRSS"]


def heap_info(pid: int, *, collect: bool = False) -> str:
    """The JVM's heap line from ``jcmd GC.heap_info`` (after a full GC with ``collect``)."""
    jcmd = os.path.join(os.path.dirname(os.path.realpath(f"/proc/{pid}/exe")), "jcmd")
    try:
        if collect:
            subprocess.run([jcmd, str(pid), "GC.run"], capture_output=True, timeout=120)
        out = subprocess.run([jcmd, str(pid), "GC.heap_info"], capture_output=True, text=True,
                             timeout=120).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        return f"unavailable: {exc}"
    return " ".join(next((line for line in out.splitlines() if "heap" in line and "total" in line),
                         "unavailable").split())


def open_connections(port: int) -> int:
    """Established TCP connections whose local port is the server's (its side of each)."""
    n = 0
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        if os.path.exists(path):
            with open(path) as f:
                for line in list(f)[1:]:
                    local, state = line.split()[1], line.split()[3]
                    n += int(local.rsplit(":", 1)[1], 16) == port and state == "01"
    return n


def verify(uri: str, args, acked: list, unacked: list) -> dict:
    """Resend unacknowledged inserts with their keys, then count: initial + inserted, each once."""
    rng = np.random.default_rng(0)
    with LakebeamClient(uri, timeout=600) as client:
        for key, first, count in unacked:
            client.insert(COLLECTION, rows(np.arange(first, first + count), args.dim, rng),
                          idempotency_key=key)
        expected = args.rows + sum(c for _, _, c in acked + unacked)
        ids = client.query(COLLECTION, output_fields=["id"]).column("id").to_numpy()
        described = client.describe_collection(COLLECTION)
        count, files = int(described["row_count"]), described.get("file_count")
    want = np.concatenate([np.arange(args.rows)] + [
        np.arange(f, f + c) for _, f, c in acked + unacked]) if expected else np.array([])
    return {"expected_rows": expected, "row_count": count, "ids_read": len(ids),
            "duplicated": int(len(ids) - len(np.unique(ids))),
            "lost": int(len(np.setdiff1d(want, ids))),
            "unexpected": int(len(np.setdiff1d(ids, want))),
            "unacked_resent": len(unacked), "file_count": files}


def percentiles(ops: list[tuple[float, float]]) -> dict:
    if not ops:
        return {"ops": 0}
    a = np.asarray([ms for _, ms in ops])
    return {"ops": len(a), "p50_ms": round(float(np.percentile(a, 50)), 1),
            "p99_ms": round(float(np.percentile(a, 99)), 1)}


def per_minute(ops: list[tuple[float, float]], t0: float) -> list[list[float]]:
    """[ops, p50 ms, p99 ms] of each minute of the run: a drift shows here."""
    minutes = collections.defaultdict(list)
    for t, ms in ops:
        minutes[int((t - t0) // 60)].append((t, ms))
    return [[p["ops"], p["p50_ms"], p["p99_ms"]]
            for p in (percentiles(minutes[m]) for m in sorted(minutes))]


def run(args) -> dict:
    lakehouse = tempfile.mkdtemp(prefix="lakebeam-soak-")
    proc, uri = start(os.path.join(ROOT, "lakebeam"), lakehouse)
    port = int(uri.rsplit(":", 1)[1])
    procs = []
    try:
        setup = load(uri, args)
        ctx = mp.get_context("spawn")
        go, deadline, ready = ctx.Event(), ctx.Value("d", 0.0), ctx.Value("i", 0)
        results = ctx.Queue()
        ids = list(range(args.clients))
        procs = [ctx.Process(target=worker_process,
                             args=(uri, ids[p::args.processes], args, go, deadline, ready, results))
                 for p in range(args.processes)]
        for p in procs:
            p.start()
        connect_by = time.time() + args.call_timeout_s
        while ready.value < args.clients:  # every client connected before the clock starts
            if not all(p.is_alive() for p in procs) or time.time() > connect_by:
                raise RuntimeError("Cannot soak: a client process exited before connecting")
            time.sleep(0.1)
        t0 = time.time()
        deadline.value = t0 + args.duration_s
        go.set()
        samples, peak_connections, heap = [], 0, {}
        while time.time() < t0 + args.duration_s:
            samples.append((round(time.time() - t0, 1), round(rss_mib(proc.pid), 1)))
            if "after_warmup" not in heap and samples[-1][0] >= args.warmup_s:
                heap["after_warmup"] = heap_info(proc.pid)
                heap["rss_after_warmup"] = memory_mib(proc.pid)
            peak_connections = max(peak_connections, open_connections(port))
            time.sleep(min(args.sample_s, max(0.0, t0 + args.duration_s - time.time())))
        merged = [results.get(timeout=args.call_timeout_s + 120) for _ in procs]
        for p in procs:
            p.join(60)
        elapsed = time.time() - t0
        samples.append((round(elapsed, 1), round(rss_mib(proc.pid), 1)))
        lat = collections.defaultdict(list)
        errors: collections.Counter = collections.Counter()
        acked, unacked, examples = [], [], []
        for m in merged:
            for k, v in m["lat"].items():
                lat[k].extend(v)
            errors.update(m["errors"])
            acked += m["acked"]
            unacked += m["unacked"]
            examples += m["examples"]
        heap["end"] = heap_info(proc.pid)
        heap["rss_end"] = memory_mib(proc.pid)
        heap["end_after_full_gc"] = heap_info(proc.pid, collect=True)
        check = verify(uri, args, acked, unacked)
        server_alive = proc.poll() is None
        check["lakehouse_mib"] = round(sum(
            os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(lakehouse) for f in fs)
            / 2**20, 1)
    finally:
        for p in procs:  # only left running when the soak failed early
            if p.is_alive():
                p.terminate()
        stop(proc)
        shutil.rmtree(lakehouse, ignore_errors=True)
    warm = [r for t, r in samples if t <= args.warmup_s] or [samples[0][1]]
    after = [r for t, r in samples if t > args.warmup_s] or [samples[-1][1]]
    rss = {"warmup_max_mib": max(warm), "final_mib": samples[-1][1],
           "max_after_warmup_mib": max(after), "min_after_warmup_mib": min(after),
           "final_over_warmup": round(samples[-1][1] / max(warm), 3),
           "samples": len(samples), "series": samples[:: max(1, len(samples) // 20)] + samples[-1:]}
    return {"clients": args.clients, "processes": args.processes, "duration_s": round(elapsed, 1),
            "rows": args.rows, "dim": args.dim, **setup,
            "peak_open_connections": peak_connections,
            "ops_per_s": {k: round(len(v) / elapsed, 1) for k, v in sorted(lat.items())},
            "latency": {k: percentiles(v) for k, v in sorted(lat.items())},
            "per_minute_ops_p50_p99": {k: per_minute(v, t0) for k, v in sorted(lat.items())},
            "file_count": check.pop("file_count"),
            "errors": dict(errors), "error_examples": examples[:10], "rss": rss, "heap": heap,
            "inserted_rows_acked": sum(c for *_, c in acked), "check": check,
            "server_alive": server_alive}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--processes", type=int, default=4, help="client processes (threads in each)")
    ap.add_argument("--duration-s", type=float, default=600)
    ap.add_argument("--warmup-s", type=float, default=60, help="RSS baseline: the max over this")
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--read-rows", type=int, default=2_000, help="id range of one batch read")
    ap.add_argument("--splits", type=int, default=4)
    ap.add_argument("--sample-s", type=float, default=5)
    ap.add_argument("--call-timeout-s", type=float, default=120)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--no-rss-check", dest="rss_check", action="store_false",
                    help="report RSS without judging it (too short a run for a JVM heap to settle)")
    ap.add_argument("--smoke", action="store_true",
                    help="8 clients, 20 s, 3,000 x 16; errors and rows judged, RSS only reported")
    ap.add_argument("--out", help="also write the summary here")
    args = ap.parse_args(argv)
    if args.smoke:
        args.clients, args.processes, args.duration_s, args.warmup_s = 8, 2, 20, 5
        args.rows, args.dim, args.read_rows, args.sample_s = 3_000, 16, 500, 1
        args.rss_check = False
    args.processes = max(1, min(args.processes, args.clients))
    summary = run(args)
    line = json.dumps(summary)
    print(line)
    if args.out:
        with open(args.out, "w") as f:
            f.write(line + "\n")
    check = summary["check"]
    failures = [f"{sum(summary['errors'].values())} errors"] if summary["errors"] else []
    if args.rss_check and summary["rss"]["final_over_warmup"] > 1.10:
        failures.append(f"RSS grew to {summary['rss']['final_over_warmup']} x the warm-up maximum")
    if (check["row_count"] != check["expected_rows"] or check["lost"] or check["duplicated"]
            or check["unexpected"]):
        failures.append(f"rows: {check}")
    if not summary["server_alive"]:
        failures.append("the server died")
    print("soak:", "PASS" if not failures else "FAIL: " + "; ".join(failures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
