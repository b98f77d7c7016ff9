"""Batch read throughput: every Flight endpoint of a Lakebeam read in parallel, against pyarrow
reading the same Parquet files from local disk, in one run. Prints MB/s and the ratio (target:
Lakebeam >= 0.7x pyarrow).

    bench/.venv/bin/python bench/read_bench.py [--corpus bench/data/corpus] [--splits 4] [--repeat 3]

Starts ``./lakebeam serve`` on a temporary lakehouse and registers the corpus as an external
collection (no copy), or uses ``--lakebeam grpc://HOST:PORT``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import pyarrow.flight as fl
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start_server(corpus: str) -> tuple[subprocess.Popen, str, str]:
    lakehouse = tempfile.mkdtemp(prefix="lakebeam-read-bench-")
    proc = subprocess.Popen([os.path.join(ROOT, "lakebeam"), "serve", "--lakehouse", lakehouse, "--port", "0",
                             "--allow-source", os.path.abspath(corpus)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        m = re.search(r"listening on (grpc://\S+)", line)
        if m:
            return proc, m.group(1), lakehouse
    raise RuntimeError("Lakebeam server exited before listening")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "bench", "data", "corpus"))
    ap.add_argument("--splits", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--lakebeam", default="auto")
    args = ap.parse_args()
    files = sorted(glob.glob(os.path.join(args.corpus, "*.parquet")))
    if not files:
        sys.exit(f"Cannot run: no Parquet files in {args.corpus} (make them with make_dataset.py)")
    proc, lakehouse = None, None
    uri = args.lakebeam
    if uri == "auto":
        proc, uri, lakehouse = start_server(args.corpus)
    try:
        client = fl.connect(uri)
        body = {"collection": "read_bench", "src": os.path.join(args.corpus, "*.parquet"), "strict": True}
        try:
            list(client.do_action(fl.Action("drop_collection", json.dumps({"collection": "read_bench"}).encode())))
        except Exception:  # noqa: BLE001 - nothing to drop
            pass
        list(client.do_action(fl.Action("create_external_collection", json.dumps(body).encode())))
        descriptor = fl.FlightDescriptor.for_command(
            json.dumps({"v": 1, "type": "read", "collection": "read_bench", "splits": args.splits}).encode())

        def flight_read():
            info = client.get_flight_info(descriptor)
            with ThreadPoolExecutor(len(info.endpoints)) as ex:
                parts = list(ex.map(lambda ep: fl.connect(uri).do_get(ep.ticket).read_all(), info.endpoints))
            return sum(p.num_rows for p in parts), sum(p.nbytes for p in parts)

        def pyarrow_read():
            with ThreadPoolExecutor(args.splits) as ex:
                parts = list(ex.map(pq.read_table, files))
            return sum(p.num_rows for p in parts), sum(p.nbytes for p in parts)

        best = {}
        for _ in range(args.repeat):
            for name, fn in (("pyarrow", pyarrow_read), ("lakebeam", flight_read)):
                t0 = time.perf_counter()
                rows, nbytes = fn()
                secs = time.perf_counter() - t0
                if name not in best or secs < best[name][0]:
                    best[name] = (secs, rows, nbytes)
        mb = best["pyarrow"][2] / 1e6
        assert best["lakebeam"][1] == best["pyarrow"][1], "row counts differ"
        result = {name: {"seconds": round(s, 3), "rows": r, "mb_per_s": round(b / 1e6 / s, 1)}
                  for name, (s, r, b) in best.items()}
        result["ratio"] = round(best["pyarrow"][0] / best["lakebeam"][0], 3)
        result["data_mb"] = round(mb, 1)
        result["splits"] = args.splits
        print(json.dumps(result))
        print(f"Batch read of {best['pyarrow'][1]} rows ({mb:.0f} MB in Arrow): pyarrow local "
              f"{result['pyarrow']['mb_per_s']} MB/s, Lakebeam Flight ({args.splits} endpoints in parallel) "
              f"{result['lakebeam']['mb_per_s']} MB/s: ratio {result['ratio']} (target >= 0.7): "
              f"{'PASS' if result['ratio'] >= 0.7 else 'MISS'}")
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if lakehouse:
            shutil.rmtree(lakehouse, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
