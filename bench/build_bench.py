"""Index build speed side by side: Lakebeam create_index vs Lucene HNSW vs faiss HNSW, one run.

Every system builds the same corpus (``--data``, as written by ``bench/make_dataset.py``) on all
cores of this machine, then answers the held-out queries at a few search breadths so that the
recall@10 of the graphs it built is reported beside its vectors/s. Equal base-layer degree:
Lucene and faiss M=16 give layer 0 2*M = 32 links; jVector's M is the degree on every layer, so
Lakebeam runs at M=32 (equal base degree) and at M=16 (its default, half the base degree).
Lakebeam is timed in-process (``io.lakebeam.bench.LakebeamBuildBench``: Parquet read, PQ codes,
graph, files, Iceberg commit; no Flight).

    bench/.venv/bin/python bench/build_bench.py --data /work/data/ann200k
    bench/.venv/bin/python bench/build_bench.py --smoke          # bench/data/smoke, seconds

Prints a table and the ratios Lakebeam / peer; writes bench/results/build-*.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from annbench import measure as M  # noqa: E402
from annbench.jvm_peers import JAVA_HOME, JVM_FLAGS, classpath  # noqa: E402

LAKEBEAM_CLASS = "io.lakebeam.bench.LakebeamBuildBench"
LUCENE_CLASS = "io.lakebeam.bench.LuceneHnswBench"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def jvm(cls: str, data: str, args: list[str], jvm_flags: list[str], a) -> dict:
    cmd = [os.path.join(JAVA_HOME, "bin", "java"), *JVM_FLAGS, *jvm_flags, f"-Xmx{a.heap}",
           "-cp", classpath(), cls, "--data", data, "--k", "10", "--threads", "2",
           "--min-queries", str(a.min_queries), "--candidates", a.breadths, *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def pump():
        for line in proc.stderr:
            if line.startswith(("lucene ", "lakebeam ")):
                log("  " + line.rstrip())

    t = threading.Thread(target=pump, daemon=True)
    t.start()
    out = proc.stdout.read()
    if proc.wait() != 0:
        raise RuntimeError(f"Cannot run {cls}: exit {proc.returncode}")
    t.join(timeout=5)
    return json.loads(out.strip().splitlines()[-1])


def faiss_run(data: str, a) -> dict:
    from annbench.faiss_peer import FaissHnsw

    dim = 384
    corpus = np.fromfile(os.path.join(data, "corpus.f32"), dtype="<f4").reshape(-1, dim)
    queries = np.fromfile(os.path.join(data, "queries.f32"), dtype="<f4").reshape(-1, dim)
    gt = np.load(os.path.join(data, "ground_truth.npy"))
    f = FaissHnsw()
    info = f.build(corpus)
    rows = M.sweep(f.search, queries, gt, [int(b) for b in a.breadths.split(",")], k=10,
                   threads=2, min_queries=a.min_queries, stop_recall=1.01, log=log,
                   name=f.name)
    f.close()
    return {"system": f.name, **info, "breadth_name": f.breadth_name, "sweep": rows}


def recall_at(r: dict, breadth: int):
    for row in r.get("sweep", []):
        if row.get("breadth") == breadth:
            return row.get("recall")
    return None


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=None, help="data folder (default bench/data[/smoke])")
    p.add_argument("--smoke", action="store_true", help="bench/data/smoke: seconds")
    p.add_argument("--systems", default="faiss,lucene,lakebeam-m32,lakebeam-m16")
    p.add_argument("--breadths", default="40,100", help="search breadths for recall@10")
    p.add_argument("--min-queries", type=int, default=200)
    p.add_argument("--heap", default="6g")
    p.add_argument("--lakebeam-jvm", default="",
                   help="extra JVM flags of the Lakebeam run (space-separated), e.g."
                        " -Djvector.vectorization_provider=panama")
    p.add_argument("--out", default=os.path.join(HERE, "results"))
    a = p.parse_args(argv)
    data = os.path.abspath(a.data or os.path.join(HERE, "data", "smoke" if a.smoke else ""))
    machine = M.machine_info()
    log(f"data {data}; machine {machine}")
    results = []
    for s in a.systems.split(","):
        log(f"== {s} (load {os.getloadavg()[0]:.1f})")
        if s == "faiss":
            r = faiss_run(data, a)
        elif s == "lucene":
            r = jvm(LUCENE_CLASS, data, ["--m", "16", "--beam-width", "100"], [], a)
        elif s.startswith("lakebeam-m"):
            m = s[len("lakebeam-m"):]
            r = jvm(LAKEBEAM_CLASS, data, ["--m", m, "--beam-width", "100"],
                    a.lakebeam_jvm.split(), a)
            r["system"] = s
        else:
            raise SystemExit(f"Cannot run system {s}: known are faiss, lucene, lakebeam-mN")
        r["loadavg_after"] = os.getloadavg()
        log(f"{r['system']}: {r['build_vps']} vectors/s")
        results.append(r)
    breadths = [int(b) for b in a.breadths.split(",")]
    lines = ["| system | params | build s | vectors/s | "
             + " | ".join(f"recall@10 at {b}" for b in breadths) + " |",
             "|---|---|---|---|" + "---|" * len(breadths)]
    for r in results:
        lines.append(f"| {r['system']} | {json.dumps(r.get('params'))} | {r['build_s']} | "
                     f"{r['build_vps']} | "
                     + " | ".join(str(recall_at(r, b)) for b in breadths) + " |")
    by = {r["system"]: r for r in results}
    for lb in [r for r in results if r["system"].startswith("lakebeam")]:
        for peer in ("lucene-hnsw", "faiss-hnsw"):
            if peer in by:
                lines.append(f"{lb['system']} / {peer} vectors/s: "
                             f"{lb['build_vps'] / by[peer]['build_vps']:.2f}x")
    table = "\n".join(lines)
    print(table, flush=True)
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, f"build-{time.strftime('%Y%m%d-%H%M%S')}.json")
    machine["loadavg_end"] = os.getloadavg()
    with open(path, "w") as f:
        json.dump({"command": " ".join(sys.argv), "data_dir": data, "machine": machine,
                   "results": results, "table": table}, f, indent=1, default=str)
    log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
