#!/usr/bin/env python3
"""Tiered serving at scale (issue 14): Lakebeam's cold / warm / hot(-pq) / pinned tiers beside
LanceDB, on the same Parquet files in the same S3Proxy bucket.

What it does, in one run:

1. Starts a real S3Proxy (``org.gaul:s3proxy:4.1.0``, filesystem backend) on 127.0.0.1, from the
   class path ``mvn -f bench/s3proxy/pom.xml dependency:build-classpath`` resolves.
2. Writes ``--rows`` vectors (a seeded Gaussian mixture: 1,000 centres, 384-d, every vector
   unit-normalised; cosine) as Parquet files of ``--per-file`` rows (``id`` int64, ``embedding``
   list<float32>) to ``s3://data/vectors/``, and ``--queries`` queries from the same mixture.
   Ground truth: exact top-10 by inner product (= cosine on unit vectors), numpy, chunked.
3. Lakebeam, a lakehouse whose warehouse is ``s3://lake/wh`` (JDBC/SQLite catalog, S3 settings in
   ``lakehouse.properties``): registers the files in place (``create_external_collection``),
   ``create_index`` with the default parameters (HNSW/jVector, m=16, ef_construction=100,
   ef_search=64, alpha=1.2, neighbor_overflow=1.2), then, each with a FRESH server process:
   ``cold`` (empty ``LAKEBEAM_CACHE_DIR``: first search, sent as soon as the port is open, and
   the first 100 queries), ``cold-ready`` (empty cache again, but the client first waits for the
   server's "ready" line, as a load balancer's readiness check would: ``ready_s``), ``warm``
   (filled cache, ``--memory`` about 1% of the vectors' bytes, below the PQ codes), ``hot``
   (``--memory`` twice the vectors' bytes: tier hot-pq) and ``pinned`` (``pin_collection``, full
   vectors; unpinned afterwards). Per tier: server RSS (VmRSS, RssAnon, RssFile from
   /proc/<pid>/status), ``describe_collection``'s tier and memory_bytes, ``server_status``, and
   recall@10 / p50 / p99 / QPS (one client) per ef.
4. LanceDB (``lancedb`` package): the same Parquet files read from S3Proxy into a table at
   ``s3://lance/db`` on the same S3Proxy, an IVF_PQ index (cosine), then a fresh Python process
   for the queries: first query, first 100, then recall@10 / p50 / p99 / QPS per setting, RSS.

Prints one JSON line per system/tier and a ratio table; writes
``bench/results/tier-<rows>-<time>.json``. ``--smoke``: 10,000 rows, 50 queries (< 2 minutes).

Usage::

    bench/.venv/bin/python bench/tier_bench.py --smoke
    bench/.venv/bin/python bench/tier_bench.py --rows 1000000 --time-cap 1800
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
import pyarrow as pa

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LAUNCHER = os.path.join(ROOT, "lakebeam")
CLIENT_DIR = os.path.join(ROOT, "clients", "python")
READY = re.compile(r"listening on (grpc(?:\+tcp)?://[^\s]+)")
WARMED = re.compile(r"Lakebeam server ready on ")  # after the start-up warm-up
ACCESS_KEY = "lakebeam-bench"
SECRET_KEY = "lakebeam-bench-secret"
COLLECTION = "tier_bench"
K = 10
DIM = 384
CENTRES = 1000
NOISE = 0.05  # per-dimension std of the noise around a unit centre: noise norm ~ 0.98
INDEX_DEFAULTS = {"index_type": "HNSW (jVector)", "m": 16, "ef_construction": 100,
                  "ef_search": 64, "alpha": 1.2, "neighbor_overflow": 1.2, "metric": "cosine"}
LANCE_SETTINGS = "10x10,20x10,40x20"  # nprobes x refine_factor


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Data


def mixture(rng: np.random.Generator, centres: np.ndarray, n: int,
            chunk: int = 250_000) -> np.ndarray:
    """n unit rows around the centres, built a chunk at a time: at 5M x 384 one float32 copy is
    7.7 GB, and the one-shot form held three. The chunks draw the same random stream in the same
    order, so the rows equal the one-shot form's."""
    labels = rng.integers(0, len(centres), n)
    out = np.empty((n, centres.shape[1]), dtype=np.float32)
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        x = centres[labels[lo:hi]] + \
            rng.standard_normal((hi - lo, centres.shape[1]), dtype=np.float32) * NOISE
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        out[lo:hi] = x
    return out


def make_data(rows: int, nq: int, seed: int):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((CENTRES, DIM), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    data = mixture(np.random.default_rng([seed, 1]), centres, rows)
    queries = mixture(np.random.default_rng([seed, 2]), centres, nq)
    return data, queries


def ground_truth(data: np.ndarray, queries: np.ndarray, k: int, chunk: int = 50_000):
    best_s = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(queries), k), dtype=np.int64)
    for lo in range(0, len(data), chunk):
        s = queries @ data[lo:lo + chunk].T
        top = np.argpartition(-s, k - 1, axis=1)[:, :k] if s.shape[1] > k else \
            np.tile(np.arange(s.shape[1]), (len(queries), 1))
        cs = np.take_along_axis(s, top, axis=1)
        alls = np.concatenate([best_s, cs], axis=1)
        alli = np.concatenate([best_i, top + lo], axis=1)
        order = np.argsort(-alls, axis=1)[:, :k]
        best_s = np.take_along_axis(alls, order, axis=1)
        best_i = np.take_along_axis(alli, order, axis=1)
    return best_i


def recall(got, truth) -> float:
    return len(set(int(x) for x in list(got)[:K]) & set(int(x) for x in truth[:K])) / K


# ---------------------------------------------------------------------------------------------
# S3Proxy


def java_home() -> str:
    out = subprocess.run(["bash", "-c", f"source {ROOT}/scripts/env.sh >/dev/null; echo $JAVA_HOME"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def s3proxy_classpath() -> str:
    cp_file = os.path.join(HERE, "target", "s3proxy-classpath.txt")
    pom = os.path.join(HERE, "s3proxy", "pom.xml")
    if not os.path.exists(cp_file) or os.path.getmtime(cp_file) < os.path.getmtime(pom):
        log("resolving the S3Proxy class path (mvn -f bench/s3proxy/pom.xml)")
        os.makedirs(os.path.dirname(cp_file), exist_ok=True)
        subprocess.run(["bash", "-c", f"source {ROOT}/scripts/env.sh >/dev/null; mvn -B -q -f "
                        f"{HERE}/s3proxy/pom.xml dependency:build-classpath "
                        f"-Dmdep.outputFile={cp_file}"], check=True)
    return open(cp_file).read().strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class S3Proxy:
    def __init__(self, workdir: str, buckets=("data", "lake", "lance")):
        blobs = os.path.join(workdir, "s3-blobs")
        for b in buckets:
            os.makedirs(os.path.join(blobs, b), exist_ok=True)
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        props = os.path.join(workdir, "s3proxy.properties")
        with open(props, "w") as f:
            f.write(f"s3proxy.endpoint={self.endpoint}\n"
                    "s3proxy.authorization=aws-v2-or-v4\n"
                    f"s3proxy.identity={ACCESS_KEY}\ns3proxy.credential={SECRET_KEY}\n"
                    "jclouds.provider=filesystem\n"
                    f"jclouds.filesystem.basedir={blobs}\n")
        self.log_path = os.path.join(workdir, "s3proxy.log")
        logback = os.path.join(workdir, "s3proxy-logback.xml")
        with open(logback, "w") as f:  # without a configuration logback logs every Jetty event
            f.write('<configuration><appender name="O" class="ch.qos.logback.core.ConsoleAppender">'
                    '<encoder><pattern>%d %level %logger - %msg%n</pattern></encoder></appender>'
                    '<root level="WARN"><appender-ref ref="O"/></root></configuration>\n')
        java = os.path.join(java_home(), "bin", "java")
        self.proc = subprocess.Popen([java, "-Xmx512m", f"-Dlogback.configurationFile={logback}",
                                      "-cp", s3proxy_classpath(),
                                      "org.gaul.s3proxy.Main", "--properties", props],
                                     stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("Cannot start S3Proxy: " + open(self.log_path).read()[-2000:])
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                log(f"S3Proxy up at {self.endpoint} (pid {self.proc.pid}, blobs {blobs})")
                return
            except OSError:
                time.sleep(0.2)
        self.proc.kill()
        raise TimeoutError("Cannot start S3Proxy: not listening within 90 s")

    def pyarrow_fs(self):
        from pyarrow import fs
        return fs.S3FileSystem(access_key=ACCESS_KEY, secret_key=SECRET_KEY, region="us-east-1",
                               endpoint_override=self.endpoint, scheme="http")

    def lance_options(self) -> dict:
        return {"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY,
                "aws_endpoint": self.endpoint, "aws_region": "us-east-1", "allow_http": "true"}

    def lakehouse_properties(self, catalog_db: str) -> str:
        return (f"warehouse=s3://lake/wh\ncatalog.type=jdbc\ncatalog.uri=jdbc:sqlite:{catalog_db}\n"
                f"s3.endpoint={self.endpoint}\ns3.path-style-access=true\n"
                f"s3.access-key-id={ACCESS_KEY}\ns3.secret-access-key={SECRET_KEY}\n"
                "client.region=us-east-1\nlakebeam.allowed-sources=s3://data\n")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def upload(s3: S3Proxy, data: np.ndarray, per_file: int) -> list[str]:
    import pyarrow.parquet as pq

    fs = s3.pyarrow_fs()
    paths = []
    for f, lo in enumerate(range(0, len(data), per_file)):
        chunk = data[lo:lo + per_file]
        emb = pa.ListArray.from_arrays(
            pa.array(np.arange(0, (len(chunk) + 1) * DIM, DIM, dtype=np.int32)),
            pa.array(chunk.reshape(-1), pa.float32()))
        table = pa.table({"id": pa.array(np.arange(lo, lo + len(chunk), dtype=np.int64)),
                          "embedding": emb})
        path = f"data/vectors/part-{f:05d}.parquet"
        pq.write_table(table, path, filesystem=fs, row_group_size=min(per_file, 100_000))
        paths.append("s3://" + path)
    return paths


# ---------------------------------------------------------------------------------------------
# Process figures


def proc_memory(pid: int) -> dict:
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key = line.split(":")[0]
                if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
                    out[key + "_mb"] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return out


def percentiles(lat_s) -> dict:
    lat = np.asarray(lat_s) * 1e3
    return {"p50_ms": round(float(np.percentile(lat, 50)), 2),
            "p99_ms": round(float(np.percentile(lat, 99)), 2),
            "mean_ms": round(float(lat.mean()), 2)}


def sweep(search, queries, gt, settings, deadline: float, label) -> list[dict]:
    rows = []
    for setting in settings:
        if time.time() > deadline:
            log(f"  time cap reached: {label} {setting} not measured")
            break
        lat = []
        rec = 0.0
        t0 = time.perf_counter()
        for i, q in enumerate(queries):
            if i >= 100 and time.time() > deadline:  # the cap: keep what was measured
                break
            a = time.perf_counter()
            got = search(q, setting)
            lat.append(time.perf_counter() - a)
            rec += recall(got, gt[i])
        total = time.perf_counter() - t0
        n = len(lat)
        row = {label: setting, "recall_at_10": round(rec / n, 4), **percentiles(lat),
               "qps_1_client": round(n / total, 1), "queries": n}
        log(f"  {row}")
        rows.append(row)
    return rows


def first_queries(search, queries, gt, setting, n=100) -> dict:
    lat, rec = [], 0.0
    for i, q in enumerate(queries[:n]):
        a = time.perf_counter()
        got = search(q, setting)
        lat.append(time.perf_counter() - a)
        rec += recall(got, gt[i])
    n = len(lat)
    return {"first_query_s": round(lat[0], 3), "first_n": n,
            "first_n_p50_ms": round(float(np.percentile(lat, 50)) * 1e3, 2),
            "first_n_p99_ms": round(float(np.percentile(lat, 99)) * 1e3, 2),
            "first_n_total_s": round(sum(lat), 2), "first_n_recall_at_10": round(rec / n, 4)}


# ---------------------------------------------------------------------------------------------
# Lakebeam


class Server:
    """One ``./lakebeam serve`` process on the benchmark's lakehouse."""

    def __init__(self, lakehouse: str, cache_dir: str, *, memory: str | None, heap: str,
                 log_path: str, extra: list[str] | None = None, jvm_opts: str = ""):
        env = dict(os.environ, LAKEBEAM_CACHE_DIR=cache_dir, LAKEBEAM_HEAP=heap)
        if jvm_opts:  # read by the java launcher itself
            env["JDK_JAVA_OPTIONS"] = jvm_opts
        cmd = [LAUNCHER, "serve", "--lakehouse", lakehouse, "--port", "0"]
        if memory:
            cmd += ["--memory", memory]
        cmd += extra or []
        self.cmd = cmd
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, env=env)
        self.lines: list[str] = []
        found: list[str] = []
        self.warmed = threading.Event()
        self.warmed_s: float | None = None
        logf = open(log_path, "a")

        def pump():
            for line in self.proc.stdout:
                self.lines.append(line)
                if self.warmed_s is None and WARMED.search(line):
                    self.warmed_s = round(time.perf_counter() - t0, 2)
                    self.warmed.set()
                logf.write(line)
                logf.flush()
                m = READY.search(line)
                if m and not found:
                    found.append(m.group(1))

        threading.Thread(target=pump, daemon=True).start()
        while not found:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Cannot start Lakebeam ({' '.join(cmd)}): exited "
                                   f"{self.proc.returncode}:\n{''.join(self.lines[-30:])}")
            if time.perf_counter() - t0 > 900:
                self.proc.kill()
                raise TimeoutError("Cannot start Lakebeam: not ready in 900 s")
            time.sleep(0.05)
        self.start_s = round(time.perf_counter() - t0, 2)
        self.uri = found[0]
        if CLIENT_DIR not in sys.path:
            sys.path.insert(0, CLIENT_DIR)
        import lakebeam

        self.client = lakebeam.connect(self.uri)
        log(f"Lakebeam up at {self.uri} in {self.start_s}s: {' '.join(cmd[1:])} "
            f"(cache {cache_dir})")

    def wait_warmed(self, timeout: float) -> float | None:
        """Seconds from the start to the server's "ready" line (its warm-up done), or None."""
        self.warmed.wait(timeout)
        return self.warmed_s

    def search(self, q, ef):
        (table,) = self.client.search(COLLECTION, q, top_k=K, output_fields=["id"],
                                      search_params={"ef": ef})
        return table.column("id").to_numpy()

    def state(self) -> dict:
        desc = self.client.describe_collection(COLLECTION)
        idx = [{k: v for k, v in i.items()
                if k in ("field", "tier", "memory_bytes", "segments_by_tier", "rows_by_tier",
                         "pinned", "rows", "stale")} for i in desc.get("indexes", [])]
        return {"indexes": idx, "server_status": self.client.server_status(),
                "rss": proc_memory(self.proc.pid)}

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # noqa: BLE001 - best effort
            pass
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def serve_help_flags() -> list[str]:
    out = subprocess.run([LAUNCHER, "serve", "--help"], capture_output=True, text=True)
    return re.findall(r"--[a-z][a-z-]+", out.stdout + out.stderr)


def mb(n: int) -> str:
    return f"{max(1, n // (1 << 20))}m"


def run_lakebeam(args, s3: S3Proxy, work: str, queries, gt, deadline: float) -> list[dict]:
    lakehouse = os.path.join(work, "lakehouse")
    os.makedirs(lakehouse, exist_ok=True)
    with open(os.path.join(lakehouse, "lakehouse.properties"), "w") as f:
        f.write(s3.lakehouse_properties(os.path.join(lakehouse, "catalog.db")))
    caches = os.path.join(work, "caches")
    slog = os.path.join(work, "server.log")
    flags = serve_help_flags()
    disk_cache = "--disk-cache" in flags
    log(f"serve flags: --disk-cache {'present' if disk_cache else 'absent (LAKEBEAM_CACHE_DIR)'}")

    def extra(cache):
        return ["--disk-cache", cache] if disk_cache else []

    results = []
    if args.rebuild:  # a fresh catalog and warehouse over the same data files
        catalog_db = os.path.join(lakehouse, "catalog.db")
        if os.path.exists(catalog_db):
            os.remove(catalog_db)
        lake_bucket = os.path.join(work, "s3-blobs", "lake")
        shutil.rmtree(lake_bucket, ignore_errors=True)
        os.makedirs(lake_bucket)
        shutil.rmtree(caches, ignore_errors=True)
    if not args.reuse or args.rebuild:
        results.append(build_lakebeam(args, lakehouse, caches, slog, extra))
    results += serve_tiers(args, lakehouse, caches, slog, extra, queries, gt, deadline)
    return results


def build_lakebeam(args, lakehouse: str, caches: str, slog: str, extra) -> dict:
    """Registers the files in place and builds the default index on a server of its own."""
    build_cache = os.path.join(caches, "build")
    srv = Server(lakehouse, build_cache, memory=None, heap=args.heap, log_path=slog,
                 extra=extra(build_cache))
    try:
        t0 = time.perf_counter()
        reg = srv.client.create_external_collection(
            COLLECTION, "s3://data/vectors/*.parquet",
            schema={"id": "long", "embedding": f"float_vector({DIM})"}, metric="cosine")
        register_s = time.perf_counter() - t0
        log(f"registered in {register_s:.1f}s: rows={reg.get('rows')} "
            f"rejected={reg.get('rejected')}")
        t0 = time.perf_counter()
        params = {"m": args.m} if args.m else None  # None: the defaults
        idx = srv.client.create_index(COLLECTION, "embedding", params=params)
        build_s = time.perf_counter() - t0
        log(f"create_index in {build_s:.1f}s: {idx}")
        rows = int(idx.get("rows_indexed", args.rows))
        build = {"system": "lakebeam", "tier": "build", "rows": rows,
                 "register_s": round(register_s, 2), "build_s": round(build_s, 2),
                 "build_vps": round(rows / build_s, 1), "loadavg": os.getloadavg(),
                 "server_build_s": idx.get("seconds"),
                 "params": {**INDEX_DEFAULTS, **({"m": args.m} if args.m else {})},
                 "rss": proc_memory(srv.proc.pid)}
    finally:
        srv.close()
    shutil.rmtree(build_cache, ignore_errors=True)
    emit(build)
    return build


def serve_tiers(args, lakehouse: str, caches: str, slog: str, extra, queries, gt,
                deadline: float) -> list[dict]:
    """Each tier of ``--tiers`` on a fresh server: first query, first 100, the ef sweep."""
    vec_bytes = args.rows * DIM * 4
    results = []
    cache = os.path.join(caches, "serve")  # empty: the cold run fills it
    phases = [
        ("cold", None, args.ef_default),
        ("cold-ready", None, args.ef_default),
        ("warm", mb(vec_bytes // 100), None),
        ("hot", mb(2 * vec_bytes + (64 << 20)), None),
        ("pinned", mb(2 * vec_bytes + (64 << 20)), None),
    ]
    for tier, memory, _ in phases:
        if tier not in args.tiers:
            continue
        if time.time() > deadline:
            log(f"time cap reached: Lakebeam {tier} not measured")
            results.append({"system": "lakebeam", "tier": tier, "skipped": "time cap"})
            continue
        if tier in ("cold", "cold-ready"):
            shutil.rmtree(cache, ignore_errors=True)
            os.makedirs(cache)
        srv = Server(lakehouse, cache, memory=memory, heap=args.heap, log_path=slog,
                     extra=extra(cache), jvm_opts=args.server_opts)
        try:
            if tier == "pinned":
                srv.client.pin_collection(COLLECTION, True)
                srv.close()
                srv = Server(lakehouse, cache, memory=memory, heap=args.heap, log_path=slog,
                             extra=extra(cache), jvm_opts=args.server_opts)
            row = {"system": "lakebeam", "tier": tier, "memory": memory or "default (40% heap)",
                   "heap": args.heap, "server_opts": args.server_opts,
                   "server_start_s": srv.start_s,
                   "cache_bytes_before": dir_bytes(cache)}
            if tier == "cold-ready":  # a client that waits for the server's readiness first
                row["ready_s"] = srv.wait_warmed(900)
            row["before_first_query"] = {"rss": proc_memory(srv.proc.pid)}
            row.update(first_queries(srv.search, queries, gt, args.ef_default))
            row["first_n_ef"] = args.ef_default
            row["cache_bytes_after_first"] = dir_bytes(cache)
            row["after_first_n"] = srv.state()
            if tier != "cold":
                efs = args.warm_efs if tier == "warm" else args.hot_efs
                row["sweep"] = sweep(srv.search, queries, gt, efs, deadline, "ef")
            row["after_sweep"] = srv.state()
            row.setdefault("ready_s", srv.warmed_s)  # None: still warming up
            row["tier_seen"] = [i.get("tier") for i in row["after_sweep"]["indexes"]]
        finally:
            if tier == "pinned":
                try:
                    srv.client.pin_collection(COLLECTION, False)
                except Exception as e:  # noqa: BLE001
                    log(f"cannot unpin: {e}")
            srv.close()
        row["loadavg"] = os.getloadavg()
        emit(row)
        results.append(row)
    return results


def dir_bytes(path: str) -> int:
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, f))
            except OSError:
                pass
    return total


# ---------------------------------------------------------------------------------------------
# LanceDB (build and each measurement in a fresh Python process)


def lance_worker(argv) -> None:
    """``tier_bench.py --lance-worker build|query CONFIG.json``: prints one JSON line."""
    mode, cfg_path = argv
    cfg = json.load(open(cfg_path))
    os.environ.setdefault("LANCE_LOG", "error")
    t_import = time.perf_counter()
    import lancedb

    db = lancedb.connect(cfg["uri"], storage_options=cfg["storage_options"])
    if mode == "build":
        import pyarrow.dataset as ds
        from pyarrow import fs

        s3fs = fs.S3FileSystem(access_key=ACCESS_KEY, secret_key=SECRET_KEY, region="us-east-1",
                               endpoint_override=cfg["endpoint"], scheme="http")
        src = ds.dataset("data/vectors/", filesystem=s3fs, format="parquet")
        schema = pa.schema([("id", pa.int64()), ("vector", pa.list_(pa.float32(), DIM))])

        def batches():
            for b in src.to_batches(columns=["id", "embedding"], batch_size=20_000):
                vec = pa.FixedSizeListArray.from_arrays(b.column(1).flatten(), DIM)
                yield pa.record_batch([b.column(0), vec], schema=schema)

        t0 = time.perf_counter()
        tbl = db.create_table("bench", data=pa.RecordBatchReader.from_batches(schema, batches()),
                              mode="overwrite")
        load_s = time.perf_counter() - t0
        n = tbl.count_rows()
        parts = max(1, int(round(math.sqrt(n) / 2)))
        kw = dict(metric="cosine", vector_column_name="vector", index_type="IVF_PQ",
                  num_partitions=parts, num_sub_vectors=DIM // 8)
        t0 = time.perf_counter()
        tbl.create_index(**kw)
        build_s = time.perf_counter() - t0
        out = {"rows": n, "load_s": round(load_s, 2), "build_s": round(build_s, 2),
               "build_vps": round(n / build_s, 1), "version": lancedb.__version__,
               "params": {k: v for k, v in kw.items() if k != "vector_column_name"},
               "rss": proc_memory(os.getpid())}
        print(json.dumps(out), flush=True)
        return
    queries = np.load(cfg["queries"])
    gt = np.load(cfg["gt"])
    t_open = time.perf_counter()
    tbl = db.open_table("bench")
    settings = [tuple(s) for s in cfg["settings"]]

    def search(q, s):
        b = tbl.search(q).distance_type("cosine").nprobes(s[0]).refine_factor(s[1]) \
            .limit(K).select(["id"])
        return b.to_arrow().column("id").to_numpy()

    row = {"import_s": round(t_open - t_import, 2),
           "open_s": round(time.perf_counter() - t_open, 3),
           "before_first_query": {"rss": proc_memory(os.getpid())}}
    row.update(first_queries(search, queries, gt, settings[0]))
    row["first_n_setting"] = list(settings[0])
    row["after_first_n"] = {"rss": proc_memory(os.getpid())}
    row["sweep"] = [dict(r, setting=f"nprobes={r['setting'][0]},refine={r['setting'][1]}")
                    for r in sweep(search, queries, gt, settings, cfg["deadline"], "setting")]
    row["after_sweep"] = {"rss": proc_memory(os.getpid())}
    print(json.dumps(row), flush=True)


def run_lance(args, s3: S3Proxy, work: str, queries, gt, deadline: float) -> list[dict]:
    np.save(os.path.join(work, "queries.npy"), queries)
    np.save(os.path.join(work, "gt.npy"), gt)
    cfg = {"uri": "s3://lance/db", "storage_options": s3.lance_options(), "endpoint": s3.endpoint,
           "queries": os.path.join(work, "queries.npy"), "gt": os.path.join(work, "gt.npy"),
           "settings": args.lance_settings, "deadline": deadline}
    cfg_path = os.path.join(work, "lance.json")
    json.dump(cfg, open(cfg_path, "w"))
    results = []

    def worker(mode):
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, os.path.abspath(__file__), "--lance-worker", mode,
                            cfg_path], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"LanceDB {mode} failed:\n{p.stderr[-3000:]}")
        out = json.loads(p.stdout.strip().splitlines()[-1])
        out["process_s"] = round(time.perf_counter() - t0, 2)
        return out

    if time.time() > deadline:
        return [{"system": "lancedb", "tier": "build", "skipped": "time cap"}]
    log("LanceDB: load + IVF_PQ build (a fresh process)")
    build = {"system": "lancedb", "tier": "build", **worker("build")}
    emit(build)
    results.append(build)
    if time.time() > deadline:
        results.append({"system": "lancedb", "tier": "fresh process", "skipped": "time cap"})
        return results
    log("LanceDB: queries from a fresh process")
    row = {"system": "lancedb", "tier": "fresh process", **worker("query"),
           "loadavg": os.getloadavg()}
    emit(row)
    results.append(row)
    return results


# ---------------------------------------------------------------------------------------------
# Report


def emit(row: dict) -> None:
    print(json.dumps(row), flush=True)


def summary(results: list[dict]) -> list[dict]:
    """One row per system/tier for the table: the cheapest setting (first in the sweep) with
    recall@10 >= 0.95, else the one with the best recall."""
    out = []
    for r in results:
        if r.get("tier") in ("build", None) or r.get("skipped"):
            continue
        sw = r.get("sweep") or []
        ok = [x for x in sw if x["recall_at_10"] >= 0.95]
        pick = ok[0] if ok else (max(sw, key=lambda x: x["recall_at_10"]) if sw else None)
        rss = (r.get("after_sweep") or {}).get("rss", {})
        idx = ((r.get("after_sweep") or {}).get("indexes") or [{}])[0]
        out.append({"system": r["system"], "tier": r["tier"], "tier_seen": idx.get("tier"),
                    "memory_bytes": idx.get("memory_bytes"),
                    "ready_s": r.get("ready_s"),
                    "first_query_s": r.get("first_query_s"),
                    "first_100_p50_ms": r.get("first_n_p50_ms"),
                    "first_100_p99_ms": r.get("first_n_p99_ms"),
                    "setting": pick and (pick.get("ef") or pick.get("setting")),
                    "recall_at_10": pick and pick["recall_at_10"],
                    "p50_ms": pick and pick["p50_ms"], "p99_ms": pick and pick["p99_ms"],
                    "qps_1": pick and pick["qps_1_client"],
                    "rss_mb": rss.get("VmRSS_mb"), "rss_anon_mb": rss.get("RssAnon_mb"),
                    "rss_file_mb": rss.get("RssFile_mb")})
    return out


def print_table(rows: list[dict], builds: dict) -> None:
    cols = ["system", "tier", "tier_seen", "ready_s", "first_query_s", "first_100_p50_ms",
            "first_100_p99_ms", "setting",
            "recall_at_10", "p50_ms", "p99_ms", "qps_1", "rss_mb", "rss_anon_mb", "rss_file_mb"]
    print("\n" + " | ".join(cols))
    for r in rows:
        print(" | ".join(str(r.get(c)) for c in cols))
    for name, b in builds.items():
        print(f"build {name}: {b.get('build_s')} s, {b.get('build_vps')} vectors/s")
    lance = next((r for r in rows if r["system"] == "lancedb"), None)
    if lance:
        print("\nratio Lakebeam / LanceDB (< 1: Lakebeam lower/faster for times and RSS)")
        for r in rows:
            if r["system"] != "lakebeam":
                continue
            rat = {}
            for c in ("first_query_s", "p50_ms", "p99_ms", "rss_mb"):
                if r.get(c) and lance.get(c):
                    rat[c] = round(r[c] / lance[c], 2)
            print(f"  {r['tier']}: {rat}")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--lance-worker":
        lance_worker(sys.argv[2:])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--per-file", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20261204)
    ap.add_argument("--heap", default="4g", help="LAKEBEAM_HEAP of each server (default 4g)")
    ap.add_argument("--ef-default", type=int, default=64, help="ef of the first 100 queries")
    ap.add_argument("--hot-efs", default="64,100,150,200")
    ap.add_argument("--warm-efs", default="64,100,200")
    ap.add_argument("--lance-settings", default=LANCE_SETTINGS,
                    help="LanceDB IVF_PQ settings, nprobes x refine_factor (default %(default)s)")
    ap.add_argument("--time-cap", type=float, default=1800,
                    help="seconds; phases not started by then are skipped (default 1800)")
    ap.add_argument("--skip-lance", action="store_true")
    ap.add_argument("--smoke", action="store_true",
                    help="10,000 rows in 2 files, 50 queries, one setting each (< 2 minutes)")
    ap.add_argument("--work", default=None, help="scratch directory (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    ap.add_argument("--reuse", action="store_true",
                    help="serve the index an earlier --keep run built in --work again: no data, "
                         "no build, no LanceDB (to compare server settings or code on one index)")
    ap.add_argument("--rebuild", action="store_true",
                    help="with --reuse: keep the data, queries and ground truth of the earlier "
                         "run, but register the files again and build a new index")
    ap.add_argument("--m", type=int, default=None,
                    help="graph degree of the index (default: the server's, 16; faiss's and "
                         "Lucene's M=16 have 32 edges on the base layer)")
    ap.add_argument("--tiers", default="cold,cold-ready,warm,hot,pinned",
                    help="Lakebeam tiers to measure (cold: first query as soon as the port is "
                         "open; cold-ready: after the server's ready line, empty cache both)")
    ap.add_argument("--server-opts", default="",
                    help="JVM options of the measured servers (JDK_JAVA_OPTIONS), e.g. "
                         "-Dlakebeam.disk.cache.block.bytes=64k")
    args = ap.parse_args()
    if args.reuse and not (args.work and os.path.exists(os.path.join(args.work, "gt.npy"))):
        ap.error("--reuse needs the --work folder of an earlier run (with gt.npy)")
    if args.rebuild and not args.reuse:
        ap.error("--rebuild goes with --reuse")
    args.tiers = args.tiers.split(",")
    if args.smoke:
        args.rows, args.queries, args.per_file = 10_000, 50, 5_000
        args.hot_efs, args.warm_efs, args.lance_settings = "64", "64", "20x10"
    args.hot_efs = [int(x) for x in args.hot_efs.split(",")]
    args.warm_efs = [int(x) for x in args.warm_efs.split(",")]
    args.lance_settings = [[int(v) for v in x.split("x")] for x in args.lance_settings.split(",")]
    start = time.time()
    deadline = start + args.time_cap
    work = args.work or tempfile.mkdtemp(prefix="tier-bench-", dir=os.path.join(HERE, "data")
                                         if os.path.isdir(os.path.join(HERE, "data")) else None)
    work = os.path.abspath(work)  # S3Proxy's filesystem backend fails multipart uploads under a
    os.makedirs(work, exist_ok=True)  # relative basedir (it joins the prefix twice)
    meta = {"date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "host": platform.node(), "cpus": os.cpu_count(), "loadavg_start": os.getloadavg(),
            "commit": subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                     capture_output=True, text=True).stdout.strip(),
            "command": " ".join([os.path.relpath(sys.argv[0], ROOT)] + sys.argv[1:]),
            "data": {"rows": args.rows, "dim": DIM, "centres": CENTRES, "noise_std": NOISE,
                     "unit_normalised": True, "metric": "cosine", "seed": args.seed,
                     "per_file": args.per_file, "queries": args.queries, "k": K}}
    log(f"tier bench: {meta['data']} work={work}")
    s3 = S3Proxy(work)
    results: list[dict] = []
    loads: list[float] = []
    stop = threading.Event()

    def sample_load():
        while not stop.wait(10):
            loads.append(os.getloadavg()[0])

    threading.Thread(target=sample_load, daemon=True).start()
    try:
        if args.reuse:
            queries = np.load(os.path.join(work, "queries.npy"))
            gt = np.load(os.path.join(work, "gt.npy"))
            meta["prep"] = {"reused": work}
        else:
            t0 = time.perf_counter()
            data, queries = make_data(args.rows, args.queries, args.seed)
            gen_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            files = upload(s3, data, args.per_file)
            up_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            gt = ground_truth(data, queries, K)
            gt_s = time.perf_counter() - t0
            del data
            np.save(os.path.join(work, "queries.npy"), queries)
            np.save(os.path.join(work, "gt.npy"), gt)
            meta["prep"] = {"generate_s": round(gen_s, 1), "upload_s": round(up_s, 1),
                            "files": len(files), "ground_truth_s": round(gt_s, 1)}
        log(f"data ready: {meta['prep']}")
        results += run_lakebeam(args, s3, work, queries, gt, deadline)
        if not args.skip_lance and not args.reuse:
            try:
                results += run_lance(args, s3, work, queries, gt, deadline)
            except Exception as e:  # noqa: BLE001 - recorded, the Lakebeam figures still count
                log(f"LanceDB failed: {e}")
                results.append({"system": "lancedb", "error": str(e)[-2000:]})
    finally:
        s3.close()
        stop.set()
        meta["loadavg_end"] = os.getloadavg()
        if loads:
            meta["load_1min_during"] = {"min": min(loads), "mean": round(sum(loads) / len(loads), 2),
                                        "max": max(loads), "samples": len(loads)}
        meta["wall_s"] = round(time.time() - start, 1)
        rows = summary(results)
        builds = {r["system"]: r for r in results if r.get("tier") == "build"
                  and not r.get("skipped")}
        print_table(rows, builds)
        os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
        out = os.path.join(HERE, "results", f"tier-{args.rows}-{time.strftime('%Y%m%d-%H%M%S')}"
                           ".json")
        json.dump({"meta": meta, "summary": rows, "results": results}, open(out, "w"), indent=1)
        log(f"wrote {out} (wall {meta['wall_s']} s)")
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
