"""Spark's brute-force top-k vs Lakebeam's indexed search, on the same Iceberg table.

Starts ``lakebeam serve`` on a fresh lakehouse, loads the corpus (``--data``: the ANN set's
Parquet files registered in place as an external collection; ``--smoke``: seeded unit vectors
inserted through Flight) and builds the HNSW index. Then, on one table:

* Spark (pyspark 3.5, Iceberg ``SparkCatalog`` over the lakehouse's catalog) scores every row per
  query with a UDF-free expression, ``aggregate(zip_with(embedding, q, (x, y) -> x * y), ...)``,
  ``ORDER BY score DESC LIMIT k`` (the vectors are unit length: dot = cosine), reading the table
  each time as a batch job would;
* Lakebeam answers the same queries through Flight (one query per call).

Prints per-query p50 of both, the ratio, Spark's scan rate R (rows/s) and the extrapolation to
1B rows, T_spark(N) = N / R on the same cores, and Lakebeam's recall@k against Spark's exact
answers. Run with bench/.venv-spark (``bash bench/setup_venv_spark.sh``) WITHOUT nice.

Examples
--------
>>> # doctest: +SKIP
>>> # bench/.venv-spark/bin/python bench/spark_bench.py --data /work/data/ann200k
>>> # bench/.venv-spark/bin/python bench/spark_bench.py --smoke
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))

from lakebeam import LakebeamClient  # noqa: E402
from lakebeam.spark import catalog_conf  # noqa: E402

COLLECTION = "bench.spark_corpus"
TABLE = "lakebeam.bench.spark_corpus"
LISTENING = "Lakebeam Flight server listening on "


def start_server(lakehouse: str, allow: str | None):
    cmd = [os.path.join(ROOT, "lakebeam"), "serve", "--lakehouse", lakehouse, "--port", "0"]
    if allow:
        cmd += ["--allow-source", allow]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    found: list[str] = []
    ready = threading.Event()

    def pump():
        for line in proc.stdout:
            if LISTENING in line and not found:
                found.append(line.split(LISTENING, 1)[1].split()[0])
                ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(900) or not found:
        stop_server(proc)
        raise RuntimeError("Cannot start lakebeam serve: not ready")
    return proc, found[0]


def stop_server(proc) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=60)


def spark_session(lakehouse: str, memory: str):
    from pyspark.sql import SparkSession

    os.environ.setdefault("JAVA_HOME", os.environ.get(
        "LAKEBEAM_SPARK_JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64"))
    cp_file = subprocess.run(["bash", os.path.join(ROOT, "bench", "spark_classpath.sh")],
                             check=True, capture_output=True, text=True).stdout.strip()
    jars = ",".join(open(cp_file).read().strip().split(":"))
    builder = (SparkSession.builder.master("local[*]").appName("lakebeam-spark-bench")
               .config("spark.jars", jars).config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.memory", memory))
    for key, value in catalog_conf(lakehouse).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_top_k(spark, query: np.ndarray, k: int) -> list[int]:
    q = ", ".join(f"CAST({float(x)!r} AS FLOAT)" for x in query)
    rows = spark.sql(
        f"SELECT id, aggregate(zip_with(embedding, array({q}), (x, y) -> x * y), 0D,"
        f" (acc, p) -> acc + p) AS score FROM {TABLE} ORDER BY score DESC LIMIT {k}").collect()
    return [r.id for r in rows]


def load(client: LakebeamClient, args, tmp: str) -> tuple[np.ndarray, int]:
    if args.smoke or not args.data:
        rng = np.random.default_rng(args.seed)
        n = args.rows
        vectors = rng.normal(size=(n, args.dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        client.create_collection(COLLECTION, {"id": "long", "text": "string",
                                              "embedding": f"float_vector({args.dim})"})
        for start in range(0, n, 20_000):
            part = vectors[start:start + 20_000]
            ids = np.arange(start, start + len(part), dtype=np.int64)
            client.insert(COLLECTION, {"id": ids, "text": [f"row {i}" for i in ids],
                                       "embedding": list(part)})
        queries = rng.normal(size=(args.queries, args.dim)).astype(np.float32)
        return queries / np.linalg.norm(queries, axis=1, keepdims=True), n
    src = os.path.join(os.path.abspath(args.data), "corpus", "*.parquet")
    described = client.create_external_collection(COLLECTION, src, strict=True)
    dim = json.load(open(os.path.join(args.data, "meta.json")))["dim"]
    queries = np.fromfile(os.path.join(args.data, "queries.f32"), dtype=np.float32)
    return queries.reshape(-1, dim)[:args.queries], int(described["rows"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="ANN set folder (meta.json, corpus/*.parquet, queries.f32)")
    parser.add_argument("--smoke", action="store_true", help="20,000 x 64 seeded, 5 queries")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--queries", type=int, default=20, help="queries Spark answers")
    parser.add_argument("--lakebeam-queries", type=int, default=200)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--spark-memory", default="4g")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.dim, args.queries, args.lakebeam_queries = 20_000, 64, 5, 100
    tmp = tempfile.mkdtemp(prefix="spark-bench-")
    proc, uri = start_server(tmp, os.path.abspath(args.data) if args.data else None)
    try:
        with LakebeamClient(uri, timeout=3600) as client:
            queries, rows = load(client, args, tmp)
            t0 = time.perf_counter()
            client.create_index(COLLECTION, field="embedding")
            build_s = time.perf_counter() - t0
            spark = spark_session(tmp, args.spark_memory)
            try:
                assert spark.table(TABLE).count() == rows
                spark_top_k(spark, queries[0], args.k)  # warm-up: JIT, file listing
                spark_s, exact = [], []
                for q in queries:
                    t = time.perf_counter()
                    exact.append(spark_top_k(spark, q, args.k))
                    spark_s.append(time.perf_counter() - t)
            finally:
                spark.stop()
            lb_queries = np.resize(queries, (max(args.lakebeam_queries, len(queries)),
                                             queries.shape[1]))
            for q in lb_queries[:20]:
                client.search(COLLECTION, q, top_k=args.k)  # warm-up
            lb_s, hits = [], []
            for q in lb_queries:
                t = time.perf_counter()
                [table] = client.search(COLLECTION, q, top_k=args.k, output_fields=["id"])
                lb_s.append(time.perf_counter() - t)
                hits.append(table.column("id").to_pylist())
    finally:
        stop_server(proc)
    recall = np.mean([len(set(h) & set(e)) / args.k for h, e in zip(hits, exact)])
    spark_p50, lb_p50 = float(np.median(spark_s)), float(np.median(lb_s))
    rate = rows / spark_p50
    print(f"rows={rows} dim={queries.shape[1]} k={args.k} cores={os.cpu_count()} "
          f"index_build_s={build_s:.1f}")
    print(f"spark brute force : p50 {spark_p50 * 1e3:.0f} ms  max {max(spark_s) * 1e3:.0f} ms "
          f"over {len(spark_s)} queries; scan rate {rate:,.0f} rows/s")
    print(f"lakebeam indexed  : p50 {lb_p50 * 1e3:.2f} ms  p99 "
          f"{np.percentile(lb_s, 99) * 1e3:.2f} ms over {len(lb_s)} queries; "
          f"recall@{args.k} vs Spark's exact top-k {recall:.3f}")
    print(f"ratio spark/lakebeam p50 = {spark_p50 / lb_p50:,.0f}x")
    print(f"extrapolation to 1B rows: T_spark = 1e9 / {rate:,.0f} rows/s = "
          f"{1e9 / rate:,.0f} s ({1e9 / rate / 3600:.2f} h) per query on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
