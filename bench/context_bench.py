#!/usr/bin/env python3
"""Context packages: build throughput (packages/s) and fetch latency through Flight.

1. Registers the ANN benchmark corpus (real passages with real all-MiniLM-L6-v2 vectors, see
   make_dataset.py) in place as an external collection of a fresh temporary lakehouse.
2. Builds one package per topic with ``lakebeam context build`` (the Beam pipeline, Direct runner):
   the topics are the benchmark's held-out query passages, embedded by the pipeline in batches;
   top_k 50, MMR (lambda 0.7), dedup, a 512-token budget. Then builds again (nothing changed: no
   version may be added) and reports both times.
3. Serves the lakehouse and times ``get_context`` through pyarrow Flight for every topic (p50/p99),
   beside the reference a RAG app does without packages: a live top-50 search (query vector
   already embedded, passages returned as output fields) over the same corpus and server.

Usage::

    bench/.venv/bin/python bench/context_bench.py --smoke          # 20 topics, 2,000 passages
    nice bench/.venv/bin/python bench/context_bench.py             # 1,000 topics, 200,000 passages

``--cli`` replaces ``<repo>/lakebeam`` (e.g. ``java -cp ... io.lakebeam.cli.Main``).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
import pyarrow.flight as fl
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def run_cli(cli, *args):
    t = time.perf_counter()
    r = subprocess.run([*cli, *map(str, args)], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"Cannot run {' '.join(map(str, args[:2]))}: {r.stderr[-2000:]}")
    out = r.stdout.strip()
    try:
        parsed = json.loads(out.splitlines()[-1]) if out else {}
    except json.JSONDecodeError:
        parsed = json.loads(out)
    return parsed, time.perf_counter() - t


def spec_yaml(topics, texts):
    lines = ["name: bench-kb",
             "source: {collection: bench_chunks, field: embedding, snapshot: latest,"
             " model: minilm, uri_column: source}",
             "queries:"]
    for topic, text in zip(topics, texts, strict=True):
        lines.append(f"  - {{topic: {json.dumps(topic)}, text: {json.dumps(text)}}}")
    lines += ["retrieve: {top_k: 50}", "rerank: {method: mmr, lambda: 0.7}",
              "compress: {token_budget: 512, dedup: true, order: document}"]
    return "\n".join(lines) + "\n"


def percentiles(samples):
    a = np.array(samples) * 1000
    return {"p50_ms": round(float(np.percentile(a, 50)), 3),
            "p99_ms": round(float(np.percentile(a, 99)), 3),
            "mean_ms": round(float(a.mean()), 3)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--data", help="dataset folder (default bench/data, or bench/data/smoke)")
    ap.add_argument("--topics", type=int)
    ap.add_argument("--cli", default=os.environ.get("LAKEBEAM_CLI"))
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    args = ap.parse_args()
    data = args.data or os.path.join(HERE, "data", "smoke" if args.smoke else "")
    n = args.topics or (20 if args.smoke else 1000)
    cli = shlex.split(args.cli) if args.cli else [os.path.join(REPO, "lakebeam")]
    queries = pq.read_table(os.path.join(data, "queries.parquet"))
    vectors = np.load(os.path.join(data, "queries.npy")).astype("<f4")
    n = min(n, queries.num_rows)
    texts = queries.column("text").to_pylist()[:n]
    topics = [f"q{i:04d}" for i in range(n)]
    corpus_rows = sum(pq.ParquetFile(os.path.join(data, "corpus", f)).metadata.num_rows
                      for f in os.listdir(os.path.join(data, "corpus")) if f.endswith(".parquet"))

    with tempfile.TemporaryDirectory(prefix="ctxbench-") as tmp:
        lake = os.path.join(tmp, "lake")
        spec = os.path.join(tmp, "bench-kb.yaml")
        with open(spec, "w", encoding="utf-8") as f:
            f.write(spec_yaml(topics, texts))
        run_cli(cli, "collection", "create-external", "bench_chunks", "--lakehouse", lake,
                "--src", os.path.join(data, "corpus", "*.parquet"),
                "--allow-source", os.path.join(data, "corpus"))
        first, first_wall = run_cli(cli, "context", "build", spec, "--lakehouse", lake)
        if first["built"] != n or first["versions_added"] != n:
            sys.exit(f"Cannot pass: the first build made {first}, expected {n} packages")
        again, again_wall = run_cli(cli, "context", "build", spec, "--lakehouse", lake)
        if again["versions_added"] != 0:
            sys.exit(f"Cannot pass: a build that changes nothing added versions: {again}")

        server = subprocess.Popen([*cli, "serve", "--lakehouse", lake, "--port", "0"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  start_new_session=True)
        try:
            uri = None
            for line in server.stdout:
                m = re.search(r"listening on (grpc://\S+)", line)
                if m:
                    uri = m.group(1)
                    break
            if uri is None:
                sys.exit("Cannot start the server")
            client = fl.connect(uri)

            def fetch(topic):
                body = json.dumps({"name": "bench-kb", "topic": topic}).encode()
                return json.loads(next(client.do_action(fl.Action("get_context", body)))
                                  .body.to_pybytes())

            def search(i):
                ticket = {"v": 1, "type": "search", "collection": "bench_chunks",
                          "vectors_f32": base64.b64encode(vectors[i].tobytes()).decode(),
                          "dim": int(vectors.shape[1]), "top_k": 50,
                          "output_fields": ["text", "source"]}
                return client.do_get(fl.Ticket(json.dumps(ticket).encode())).read_all()

            for i in range(min(20, n)):  # warm up both paths (caches, JIT)
                fetch(topics[i])
                search(i)
            fetch_s, search_s, tokens = [], [], []
            for i, t in enumerate(topics):
                s = time.perf_counter()
                pkg = fetch(t)
                fetch_s.append(time.perf_counter() - s)
                tokens.append(pkg["token_count"])
                s = time.perf_counter()
                search(i)
                search_s.append(time.perf_counter() - s)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    result = {
        "machine": f"{platform.node()} {os.cpu_count()} cpus, load {os.getloadavg()[0]:.1f}",
        "corpus_rows": corpus_rows, "topics": n,
        "build": {"seconds": first["seconds"], "packages_per_s": first["packages_per_s"],
                  "wall_s_with_jvm": round(first_wall, 1)},
        "rebuild_unchanged": {"seconds": again["seconds"], "versions_added": 0,
                              "wall_s_with_jvm": round(again_wall, 1)},
        "package_tokens_mean": round(float(np.mean(tokens)), 1),
        "get_context": percentiles(fetch_s),
        "live_search_top50": percentiles(search_s),
    }
    result["ratio_p50_live_over_package"] = round(
        result["live_search_top50"]["p50_ms"] / result["get_context"]["p50_ms"], 2)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"context-{n}-{time.strftime('%Y%m%d-%H%M%S')}.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result, indent=2))
    print(f"context packages: {first['packages_per_s']} packages/s built; get_context p50"
          f" {result['get_context']['p50_ms']} ms p99 {result['get_context']['p99_ms']} ms;"
          f" live top-50 search p50 {result['live_search_top50']['p50_ms']} ms"
          f" ({result['ratio_p50_live_over_package']}x)")


if __name__ == "__main__":
    main()
