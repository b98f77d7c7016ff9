"""Ray Data read throughput: ``LakebeamDatasource`` (one read task per Flight endpoint) against
``ray.data.read_parquet`` on the same Parquet files, in one run on one local Ray cluster.
Prints MB/s of each and the ratio (target: Lakebeam >= 0.7x read_parquet).

    .venv/bin/python bench/ray_read_bench.py [--corpus bench/data/corpus] [--splits 4] [--repeat 3]
    .venv/bin/python bench/ray_read_bench.py --smoke     # bench/data/smoke/corpus, one round

Starts ``./lakebeam serve`` on a temporary lakehouse and registers the corpus as an external
collection (no copy), or uses ``--lakebeam grpc://HOST:PORT``. Both readers materialise the
whole dataset (every column, vectors included) in Ray's object store; the rounds alternate.
Runs with the project venv (lakebeam[ray]: scripts/python-env.sh).
"""

from __future__ import annotations

import argparse
import glob
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start_server(corpus: str) -> tuple[subprocess.Popen, str, str]:
    lakehouse = tempfile.mkdtemp(prefix="lakebeam-ray-bench-")
    proc = subprocess.Popen(
        [os.path.join(ROOT, "lakebeam"), "serve", "--lakehouse", lakehouse, "--port", "0",
         "--allow-source", os.path.abspath(corpus)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    for line in proc.stdout:
        match = re.search(r"listening on (grpc://\S+)", line)
        if match:
            return proc, match.group(1), lakehouse
    raise RuntimeError("Lakebeam server exited before listening")


def timed(make_dataset) -> tuple[float, int, int]:
    start = time.perf_counter()
    ds = make_dataset().materialize()
    seconds = time.perf_counter() - start
    rows, nbytes = ds.count(), ds.size_bytes()
    del ds
    return seconds, rows, nbytes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=None, help="folder of Parquet files")
    ap.add_argument("--splits", type=int, default=None, help="Flight endpoints (default: 2 x CPUs)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cpus", type=int, default=os.cpu_count())
    ap.add_argument("--lakebeam", default="auto")
    ap.add_argument("--smoke", action="store_true", help="smoke corpus, one round")
    args = ap.parse_args()
    corpus = args.corpus or os.path.join(ROOT, "bench", "data", "smoke" if args.smoke else "",
                                         "corpus")
    repeat = 1 if args.smoke else args.repeat
    splits = args.splits or 2 * args.cpus
    files = sorted(glob.glob(os.path.join(corpus, "*.parquet")))
    if not files:
        sys.exit(f"Cannot run: no Parquet files in {corpus} (make them with bench/make_dataset.py)")

    import ray
    import ray.data

    from lakebeam import LakebeamClient
    from lakebeam.ray import LakebeamDatasource

    proc = lakehouse = None
    uri = args.lakebeam
    if uri == "auto":
        proc, uri, lakehouse = start_server(corpus)
    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False,
             configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        with LakebeamClient(uri) as client:
            if client.has_collection("ray_read_bench"):
                client.drop_collection("ray_read_bench")
            client.create_external_collection("ray_read_bench", os.path.join(corpus, "*.parquet"),
                                              strict=True)
        readers = {
            "read_parquet": lambda: ray.data.read_parquet(files),
            "lakebeam": lambda: ray.data.read_datasource(
                LakebeamDatasource(uri, "ray_read_bench", splits=splits)),
        }
        timed(readers["lakebeam"])  # warm-up: workers started, server JIT and page cache warm
        timed(readers["read_parquet"])
        best: dict[str, tuple[float, int, int]] = {}
        for _ in range(repeat):
            for name, make in readers.items():
                result = timed(make)
                if name not in best or result[0] < best[name][0]:
                    best[name] = result
        if best["lakebeam"][1] != best["read_parquet"][1]:
            sys.exit(f"Cannot compare: row counts differ: {best}")
        result = {name: {"seconds": round(s, 3), "rows": r, "mb": round(b / 1e6, 1),
                         "mb_per_s": round(b / 1e6 / s, 1)} for name, (s, r, b) in best.items()}
        ratio = best["read_parquet"][0] / best["lakebeam"][0]  # same rows: a ratio of times
        result.update(ratio=round(ratio, 3), splits=splits, cpus=args.cpus, files=len(files))
        print(json.dumps(result))
        print(f"Ray Data read of {best['lakebeam'][1]} rows ({len(files)} files, "
              f"{args.cpus} CPUs): "
              f"read_parquet {result['read_parquet']['mb_per_s']} MB/s, Lakebeam Flight "
              f"({splits} endpoints) {result['lakebeam']['mb_per_s']} MB/s: "
              f"ratio {result['ratio']} "
              f"(target >= 0.7): {'PASS' if ratio >= 0.7 else 'MISS'}")
        return 0
    finally:
        ray.shutdown()
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if lakehouse:
            shutil.rmtree(lakehouse, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
