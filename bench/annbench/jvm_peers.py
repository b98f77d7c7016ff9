"""Runs the JVM peers (LuceneHnswBench, JVectorBench) in a child JVM and returns their JSON.

The classes are built by ``bench/build_java.sh`` (the reactor's ``bench`` module, rebuilt when the
sources are newer than its last build). Both print
one JSON object on stdout with the same shape as the Python systems' results.
"""

from __future__ import annotations

import json
import os
import subprocess

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAVA_HOME = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
JVM_FLAGS = ["--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"]
CLASSES = {"lucene-hnsw": "io.lakebeam.bench.LuceneHnswBench",
           "jvector-inprocess": "io.lakebeam.bench.JVectorBench"}


def classpath() -> str:
    subprocess.run(["bash", os.path.join(HERE, "build_java.sh")], check=True,
                   stdout=subprocess.DEVNULL)
    with open(os.path.join(HERE, "target", "bench-classpath.txt")) as f:
        return f.read().strip()


def run_jvm_peer(system: str, data_dir: str, *, breadths, k: int, threads: int,
                 min_queries: int, stop_recall: float, heap: str = "6g", log=print) -> dict:
    """Runs one JVM peer to completion; its progress (stderr) is echoed through ``log``."""
    cmd = [os.path.join(JAVA_HOME, "bin", "java"), *JVM_FLAGS, f"-Xmx{heap}", "-cp", classpath(),
           CLASSES[system], "--data", data_dir, "--k", str(k), "--threads", str(threads),
           "--min-queries", str(min_queries), "--stop-recall", str(stop_recall),
           "--candidates", ",".join(str(b) for b in breadths)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out_lines = []
    import threading

    def pump_err():
        for line in proc.stderr:
            if line.startswith(("lucene ", "jvector ")):
                log("  " + line.rstrip())

    t = threading.Thread(target=pump_err, daemon=True)
    t.start()
    for line in proc.stdout:
        out_lines.append(line)
    rc = proc.wait()
    t.join(timeout=5)
    if rc != 0:
        raise RuntimeError(f"Cannot run {system}: exit {rc}")
    return json.loads("".join(out_lines).strip().splitlines()[-1])
