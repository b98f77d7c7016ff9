"""Running CurationBench (the Java side), machine facts, data files and result files."""

from __future__ import annotations

import json
import os
import platform
import shlex
import subprocess
import tempfile
import time

import numpy as np

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)
DATA = os.path.join(BENCH, "data")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def machine() -> dict:
    """CPU model, cores, load averages and memory: the figures depend on all of them here."""
    cpu = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        cpu = next((ln.split(":", 1)[1].strip() for ln in out.splitlines()
                    if ln.startswith("Model name")), "")
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem,
            "loadavg": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version()}


def java_command() -> list[str]:
    """``java``, the flags of scripts/env.sh and the CurationBench classpath (built when stale)."""
    subprocess.run(["bash", os.path.join(BENCH, "build_java.sh")], check=True,
                   stdout=subprocess.DEVNULL)
    script = (f"source {shlex.quote(os.path.join(ROOT, 'scripts', 'env.sh'))} >/dev/null && "
              'echo "$JAVA_HOME" && printf "%s\\n" "${LAKEBEAM_JVM_FLAGS[@]}"')
    lines = subprocess.run(["bash", "-c", script], check=True, capture_output=True,
                           text=True).stdout.strip().splitlines()
    with open(os.path.join(BENCH, "target", "bench-classpath.txt")) as f:
        cp = f.read().strip()
    return [os.path.join(lines[0], "bin", "java"), *lines[1:], "-Xmx4g", "-cp", cp,
            "io.lakebeam.bench.CurationBench"]


def run_java(bench: str, work: str, **flags) -> tuple[dict, list[dict]]:
    """Runs one CurationBench benchmark; returns its JSON figures and the rows it read back."""
    out_tsv = os.path.join(work, f"{bench}-rows.tsv")
    warehouse = tempfile.mkdtemp(prefix=f"{bench}-wh-", dir=work)
    args = ["--warehouse", warehouse, "--out", out_tsv]
    for k, v in flags.items():
        args += [f"--{k}", str(v)]
    log(f"java CurationBench {bench} {' '.join(args)}")
    proc = subprocess.run(java_command() + [bench, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"Cannot run CurationBench {bench}: exit {proc.returncode}\n"
                           + proc.stderr[-4000:])
    figures = json.loads([ln for ln in proc.stdout.splitlines() if ln.startswith("{")][-1])
    with open(out_tsv) as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [dict(zip(header, ln.rstrip("\n").split("\t"))) for ln in f]
    return figures, rows


def write_vectors(path: str, vectors: np.ndarray) -> None:
    np.ascontiguousarray(vectors, dtype="<f4").tofile(path)


def load_embeddings(smoke: bool) -> np.ndarray:
    """Real all-MiniLM-L6-v2 embeddings of Debian passages made by make_dataset.py (unit norm)."""
    path = os.path.join(DATA, "smoke" if smoke else "", "corpus.f32")
    if not os.path.exists(path):
        raise SystemExit(f"Cannot find {path}: make it with bench/.venv/bin/python "
                         f"bench/make_dataset.py{' --smoke' if smoke else ''}")
    with open(os.path.join(os.path.dirname(path), "meta.json")) as f:
        dim = json.load(f)["dim"]
    return np.fromfile(path, dtype="<f4").reshape(-1, dim)


def save_result(name: str, result: dict, out_dir: str | None) -> str | None:
    """Writes the result as bench/results/<name>-<time>.json (or under out_dir)."""
    out_dir = out_dir or os.path.join(BENCH, "results")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
    return path
