#!/usr/bin/env python3
"""Retrieval evaluation on man pages (issue 16): nDCG@10, recall@10 and MRR@10 for BM25, vector and
hybrid search, side by side in one run, through ``lakebeam eval``.

The evaluation set (bench/make_eval_set.py, built when missing) takes each man page's one-line NAME
description as a query and the page's chunks (NAME section removed) as its relevant document. This
script registers the three Parquet outputs as external collections of a fresh lakehouse, builds the
vector index on ``embedding`` and the BM25 index on ``text``, runs ``lakebeam eval`` once for every
system and prints the table, the hybrid's nDCG@10 over the better single leg's (the target: above 1)
and where the rows went (``eval.eval_results``, appended).

Usage::

    python3 bench/eval_bench.py --smoke          # 300 pages: about a minute plus the build
    python3 bench/eval_bench.py                  # 2,000 pages
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SYSTEMS = "bm25:text,vector:embedding,hybrid:text+embedding"
METRICS = ("ndcg@10", "recall@10", "mrr@10")


def run_cli(cli: list[str], *args) -> tuple[str, float]:
    t = time.perf_counter()
    r = subprocess.run([*cli, *map(str, args)], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"Cannot run lakebeam {' '.join(map(str, args[:2]))}: {r.stderr[-3000:]}")
    return r.stdout, time.perf_counter() - t


def has_bm25_index_type(cli: list[str]) -> bool:
    r = subprocess.run([*cli, "index", "build", "--help"], capture_output=True, text=True)
    return "--type" in r.stdout + r.stderr


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--smoke", action="store_true", help="the 300-page set")
    p.add_argument("--data", default=None, help="an eval set (default bench/data/eval-man[-smoke])")
    p.add_argument("--systems", default=SYSTEMS)
    p.add_argument("--lakehouse", default=None, help="default: a temporary directory")
    p.add_argument("--cli", default=None, help="the lakebeam command (default: ./lakebeam)")
    args = p.parse_args()
    data = os.path.abspath(args.data or os.path.join(
        HERE, "data", "eval-man-smoke" if args.smoke else "eval-man"))
    if not os.path.exists(os.path.join(data, "meta.json")):
        python = os.path.join(HERE, ".venv", "bin", "python")
        subprocess.run([python if os.path.exists(python) else sys.executable,
                        os.path.join(HERE, "make_eval_set.py"), "--out", data,
                        *(["--smoke"] if args.smoke else [])], check=True)
    with open(os.path.join(data, "meta.json")) as f:
        meta = json.load(f)
    cli = shlex.split(args.cli) if args.cli else [os.path.join(REPO, "lakebeam")]
    systems = args.systems.split(",")
    if not has_bm25_index_type(cli):
        dropped = [s for s in systems if not s.startswith("vector:")]
        systems = [s for s in systems if s.startswith("vector:")]
        print(f"this build has no BM25 index (index build --type): skipping {dropped}")
    lake = args.lakehouse or tempfile.mkdtemp(prefix="eval-bench-")
    lh = ["--lakehouse", lake, "--allow-source", data]
    vec = "float_vector(384)"
    run_cli(cli, "collection", "create-external", "eval.chunks", *lh, "--src",
            os.path.join(data, "corpus"), "--schema",
            f"chunk_id=string,doc_id=string,text=string,embedding={vec}")
    run_cli(cli, "collection", "create-external", "eval.queries", *lh, "--src",
            os.path.join(data, "queries.parquet"), "--schema",
            f"query_id=string,text=string,embedding={vec}")
    run_cli(cli, "collection", "create-external", "eval.qrels", *lh, "--src",
            os.path.join(data, "qrels.parquet"), "--schema",
            "query_id=string,doc_id=string,relevance=int")
    _, vector_s = run_cli(cli, "index", "build", "eval.chunks", "--field", "embedding",
                          "--lakehouse", lake)
    text_s = 0.0
    if any(s.startswith(("bm25:", "hybrid:")) for s in systems):
        _, text_s = run_cli(cli, "index", "build", "eval.chunks", "--field", "text", "--type",
                            "bm25", "--lakehouse", lake)
    out, eval_s = run_cli(cli, "eval", "eval.chunks", "--lakehouse", lake, "--queries",
                          "eval.queries", "--qrels", "eval.qrels", "--systems", ",".join(systems),
                          "--k", "10")
    summary = json.loads(out.strip().splitlines()[-1])
    print(f"man-page evaluation set: {meta['pages']} pages, {meta['chunks']} chunks, "
          f"{summary['queries']} queries; index builds {vector_s:.0f}s (vector), "
          f"{text_s:.0f}s (bm25); eval {eval_s:.0f}s")
    print(f"{'system':<28}" + "".join(f"{m:>11}" for m in METRICS))
    for system, values in summary["systems"].items():
        print(f"{system:<28}" + "".join(f"{values[m]:>11.4f}" for m in METRICS))
    scores = {s: v["ndcg@10"] for s, v in summary["systems"].items()}
    singles = {s: v for s, v in scores.items() if not s.startswith("hybrid:")}
    for s, v in scores.items():
        if s.startswith("hybrid:") and singles:
            best = max(singles, key=singles.get)
            verdict = "met" if v > singles[best] else "MISSED"
            print(f"{s} nDCG@10 / best single leg ({best}): {v / singles[best]:.3f}x ({verdict})")
    print(f"rows appended to eval.eval_results (run {summary['run_id']}) in {lake}")


if __name__ == "__main__":
    main()
