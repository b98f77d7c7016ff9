"""LangChain retriever latency against the raw client call, side by side in one run.

Both ask the same server the same text question (embedded by the server with the chunks'
recorded MiniLM model) for the same ``k`` hits and columns; the calls alternate, so drift
on a shared machine hits both alike. Prints p50/p99 of each and the retriever's overhead
(target: p50 overhead <= 1 ms). MMR (``fetch_k`` candidates with their vectors, reranked in
numpy) is measured too, for information.

    .venv/bin/python bench/langchain_bench.py [--docs DIR] [--queries 1000] [--k 5]
    .venv/bin/python bench/langchain_bench.py --smoke          # 100 calls each

Ingests ``--docs`` (default: the test corpus, 13 documents) with ``./lakebeam ingest
documents`` into a temporary lakehouse and serves it, or uses ``--lakebeam grpc://HOST:PORT``
with ``--collection`` (a chunks table whose vector field records its model).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUESTIONS = [
    "how do I rotate encryption keys?", "how long should an espresso extract?",
    "sleeper trains from Vienna", "when to stake tomato plants", "feeding a sourdough starter",
    "lubricating a bicycle chain", "creating a python virtual environment",
    "merging a git branch", "tapering before a marathon", "adding a super to a beehive",
    "best tilt for solar panels", "what goes on line 19 of the form",
]


def ingest_and_serve(docs: str | None) -> tuple[subprocess.Popen, str, str]:
    work = tempfile.mkdtemp(prefix="lakebeam-langchain-bench-")
    lakehouse = os.path.join(work, "lakehouse")
    if docs is None:
        sys.path.insert(0, os.path.join(ROOT, "clients", "python", "tests"))
        from pathlib import Path

        from corpus_docs import write_corpus

        docs = str(write_corpus(Path(work) / "docs"))
    launcher = os.path.join(ROOT, "lakebeam")
    subprocess.run([launcher, "ingest", "documents", docs, "--into", "kb", "--lakehouse",
                    lakehouse], check=True, capture_output=True, text=True)
    proc = subprocess.Popen([launcher, "serve", "--lakehouse", lakehouse, "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        match = re.search(r"listening on (grpc://\S+)", line)
        if match:
            return proc, match.group(1), work
    raise RuntimeError("Lakebeam server exited before listening")


def percentiles(samples: list[float]) -> dict[str, float]:
    ms = np.array(samples) * 1e3
    return {"p50_ms": round(float(np.percentile(ms, 50)), 3),
            "p99_ms": round(float(np.percentile(ms, 99)), 3),
            "mean_ms": round(float(ms.mean()), 3)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", default=None, help="documents to ingest (default: test corpus)")
    ap.add_argument("--queries", type=int, default=1000, help="calls of each kind")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--lakebeam", default="auto")
    ap.add_argument("--collection", default="kb.chunks")
    ap.add_argument("--smoke", action="store_true", help="100 calls of each kind")
    args = ap.parse_args()
    calls = 100 if args.smoke else args.queries

    from lakebeam import LakebeamClient
    from lakebeam.langchain import LakebeamVectorStore

    proc = work = None
    uri = args.lakebeam
    if uri == "auto":
        proc, uri, work = ingest_and_serve(args.docs)
    try:
        client = LakebeamClient(uri)
        store = LakebeamVectorStore(client, args.collection)
        retriever = store.as_retriever(search_kwargs={"k": args.k})
        fields = store._output_fields  # what the retriever asks for: text, metadata, id

        def raw(q):
            return client.search(args.collection, data=[q], top_k=args.k, output_fields=fields)

        def mmr(q):
            return store.max_marginal_relevance_search(q, k=args.k, fetch_k=4 * args.k)

        kinds = {"raw client.search": raw, "retriever.invoke": retriever.invoke, "mmr": mmr}
        samples: dict[str, list[float]] = {name: [] for name in kinds}
        for i in range(20):  # warm-up: JIT, model, connections
            for fn in kinds.values():
                fn(QUESTIONS[i % len(QUESTIONS)])
        for i in range(calls):
            question = QUESTIONS[i % len(QUESTIONS)]
            order = list(kinds.items()) if i % 2 == 0 else list(kinds.items())[::-1]
            for name, fn in order:
                start = time.perf_counter()
                fn(question)
                samples[name].append(time.perf_counter() - start)
        result = {name: percentiles(s) for name, s in samples.items()}
        overhead = result["retriever.invoke"]["p50_ms"] - result["raw client.search"]["p50_ms"]
        paired = np.median(
            np.array(samples["retriever.invoke"]) - np.array(samples["raw client.search"]))
        result.update(calls=calls, k=args.k, overhead_p50_ms=round(overhead, 3),
                      overhead_paired_median_ms=round(float(paired) * 1e3, 3),
                      rows=store.client.describe_collection(args.collection)["row_count"])
        print(json.dumps(result))
        for name, stats in result.items():
            if isinstance(stats, dict):
                print(f"{name:18} p50 {stats['p50_ms']:7.3f} ms  p99 {stats['p99_ms']:7.3f} ms")
        print(f"LangChain retriever overhead over the raw client call: {overhead:.3f} ms at p50 "
              f"(paired median {paired * 1e3:.3f} ms; target <= 1 ms): "
              f"{'PASS' if overhead <= 1.0 else 'MISS'}")
        client.close()
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
