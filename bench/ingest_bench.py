#!/usr/bin/env python3
"""End-to-end ingest benchmark: ``lakebeam ingest documents`` on a real corpus, per Beam runner.

For each runner (default direct, flink), against a fresh temporary lakehouse:

1. ingest the corpus:   ``lakebeam ingest documents CORPUS --into bench_corpus --lakehouse TMP
   --runner R`` -> documents/s and MB/s (the CLI's own ``seconds``; wall time with JVM start is
   reported beside it);
2. ingest it again, unchanged, into the same table: everything must be skipped (its seconds);
3. ingest ``docs-bad`` (broken files, see make_doc_corpus.py) into ``bench_bad``.

The CLI's contract: exit 0, and its last stdout line is one JSON object
``{"documents": N, "bytes": B, "chunks": C, "failures": F, "skipped": S, "seconds": T,
"runner": "direct"}`` (``files``, if there, must equal the count in the folder); ``--into``
names a namespace (``<NS>.documents``, ``<NS>.chunks``, ``<NS>.failures``). Every run must
account for every file: documents + failures + skipped == files in the folder (nothing lost); on
a fresh lakehouse nothing may be skipped, and a re-ingest must add no document. A broken rule
fails the benchmark (exit 1) after all runs.

Writes ``bench/results/ingest-<files>-<time>.json`` (with the CLI logs beside it) and prints a
table with the ratio flink / direct.

Usage::

    python3 bench/make_doc_corpus.py --smoke && python3 bench/ingest_bench.py --smoke     # CI size
    nice python3 bench/make_doc_corpus.py && nice python3 bench/ingest_bench.py    # 12,000 docs
    python3 bench/ingest_bench.py --corpus DIR --runners direct --no-bad -- --no-index
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def folder_stats(path: str) -> tuple[int, int]:
    """(regular files, bytes) under path, recursively: what an ingest of the folder must see."""
    files = size = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            full = os.path.join(dirpath, name)
            if os.path.isfile(full):
                files += 1
                size += os.path.getsize(full)
    return files, size


def machine() -> dict:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "kernel": platform.release(), "load_avg_start": os.getloadavg()}


def run_cli(cmd: list[str], log_path: str, timeout: int) -> dict:
    """Runs one CLI call; returns its JSON summary plus wall_seconds, or {'error': ...}."""
    t0 = time.perf_counter()
    with open(log_path, "w") as err:
        try:
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=err, text=True,
                               timeout=timeout, cwd=ROOT)
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {timeout}s", "log": log_path}
    wall = time.perf_counter() - t0
    with open(log_path, "a") as f:
        f.write("\n--- stdout ---\n" + r.stdout)
    lines = [line for line in r.stdout.splitlines() if line.strip()]
    if r.returncode != 0:
        return {"error": f"exit {r.returncode}", "log": log_path, "wall_seconds": wall}
    try:
        out = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": "last stdout line is not a JSON object", "log": log_path}
    out["wall_seconds"] = round(wall, 3)
    return out


def check(res: dict, files: int, what: str, fresh: bool, rerun: bool) -> list[str]:
    """The accounting rules of the docstring; returns the broken ones."""
    if "error" in res:
        return [f"{what}: {res['error']} (log: {res.get('log')})"]
    missing = [k for k in ("documents", "failures", "skipped", "seconds") if k not in res]
    if missing:
        return [f"{what}: the JSON lacks {missing}: {res}"]
    errors = []
    d, f, s = res["documents"], res["failures"], res["skipped"]
    if d + f + s != files:
        errors.append(f"{what}: documents {d} + failures {f} + skipped {s} = {d + f + s}, "
                      f"but the folder has {files} files")
    if res.get("files", files) != files:
        errors.append(f"{what}: the CLI saw {res['files']} files, the folder has {files}")
    if fresh and s:
        errors.append(f"{what}: {s} files skipped on a fresh lakehouse")
    if rerun and d:
        errors.append(f"{what}: the re-ingest of an unchanged folder added {d} documents")
    return errors


def rates(res: dict, corpus_bytes: int) -> dict:
    secs = res.get("seconds") or float("nan")
    mb = res.get("bytes", corpus_bytes) / 1e6
    return {"docs_per_s": res.get("documents", 0) / secs, "mb_per_s": mb / secs,
            "wall_docs_per_s": res.get("documents", 0) / res.get("wall_seconds", float("nan"))}


def fmt(x) -> str:
    return f"{x:.1f}" if isinstance(x, (int, float)) else "-"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                epilog="Arguments after -- go to every 'ingest documents' call.")
    p.add_argument("--corpus", help="folder of documents (default bench/data/docs[-smoke])")
    p.add_argument("--smoke", action="store_true", help="bench/data/docs-smoke (built if missing)")
    p.add_argument("--runners", default="direct,flink", help="comma list (default direct,flink)")
    p.add_argument("--bad", default=os.path.join(HERE, "data", "docs-bad"),
                   help="folder of broken files (default bench/data/docs-bad)")
    p.add_argument("--no-bad", action="store_true", help="skip the broken-files run")
    p.add_argument("--no-rerun", action="store_true", help="skip the unchanged re-ingest")
    p.add_argument("--table", default="bench_corpus",
                   help="--into namespace (default bench_corpus; broken files: bench_bad)")
    p.add_argument("--lakebeam", default=os.path.join(ROOT, "lakebeam"), help="the launcher")
    p.add_argument("--timeout", type=int, default=3 * 3600, help="seconds per CLI call")
    p.add_argument("--out", default=os.path.join(HERE, "results"), help="results folder")
    p.add_argument("--keep", action="store_true", help="keep the temporary lakehouses")
    a = p.parse_args(argv)

    corpus = os.path.abspath(a.corpus or os.path.join(HERE, "data", "docs-smoke" if a.smoke
                                                      else "docs"))
    if not os.path.isdir(corpus):
        if not a.smoke:
            raise SystemExit(f"No corpus at {corpus}: run python3 bench/make_doc_corpus.py first")
        subprocess.run([sys.executable, os.path.join(HERE, "make_doc_corpus.py"), "--smoke"],
                       check=True)
    files, corpus_bytes = folder_stats(corpus)
    if files == 0:
        raise SystemExit(f"Cannot benchmark an empty folder: {corpus}")
    manifest = corpus.rstrip("/") + "-MANIFEST.tsv"
    if os.path.exists(manifest):
        rows = sum(1 for _ in open(manifest)) - 1
        if rows != files:
            log(f"WARNING: {manifest} lists {rows} documents, the folder has {files} files")
    bad_files = 0 if a.no_bad or not os.path.isdir(a.bad) else folder_stats(a.bad)[0]
    runners = [r.strip() for r in a.runners.split(",") if r.strip()]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    os.makedirs(a.out, exist_ok=True)
    logs = os.path.join(a.out, f"ingest-{files}-{stamp}-logs")
    os.makedirs(logs, exist_ok=True)
    log(f"corpus {corpus}: {files} files, {corpus_bytes / 1e6:.1f} MB; runners {runners}")

    subprocess.run([a.lakebeam, "--help"], cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    report = {"corpus": corpus, "files": files, "bytes": corpus_bytes, "machine": machine(),
              "lakebeam": a.lakebeam, "extra_args": extra, "runners": {}, "errors": []}
    git = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True)
    report["commit"] = git.stdout.strip()

    for runner in runners:
        lakehouse = tempfile.mkdtemp(prefix=f"lakebeam-ingest-{runner}-")
        base = [a.lakebeam, "ingest", "documents"]
        tail = ["--runner", runner, *extra]
        steps = [("first", corpus, a.table, files, True, False)]
        if not a.no_rerun:
            steps.append(("rerun", corpus, a.table, files, False, True))
        if bad_files:
            steps.append(("bad", a.bad, "bench_bad", bad_files, True, False))
        entry = {"lakehouse": lakehouse}
        for step, folder, table, n, fresh, rerun in steps:
            cmd = base + [folder, "--into", table, "--lakehouse", lakehouse] + tail
            log(f"{runner} {step}: {' '.join(cmd)}")
            res = run_cli(cmd, os.path.join(logs, f"{runner}-{step}.log"), a.timeout)
            res["command"] = " ".join(cmd)
            errors = check(res, n, f"{runner} {step}", fresh, rerun)
            if step == "first":
                res.update(rates(res, corpus_bytes) if not errors else {})
            entry[step] = res
            report["errors"] += errors
            log(f"{runner} {step}: " + json.dumps({k: v for k, v in res.items()
                                                    if k not in ("command",)}))
            for e in errors:
                log(f"FAILED CHECK: {e}")
            if "error" in res:
                with open(res["log"]) as f:
                    print("".join(f.readlines()[-20:]), file=sys.stderr)
        report["runners"][runner] = entry
        if not a.keep:
            shutil.rmtree(lakehouse, ignore_errors=True)

    report["machine"]["load_avg_end"] = os.getloadavg()
    first = {r: e["first"] for r, e in report["runners"].items() if "docs_per_s" in e["first"]}
    if "direct" in first and "flink" in first:
        report["ratio_flink_over_direct"] = {
            k: first["flink"][k] / first["direct"][k] for k in ("docs_per_s", "mb_per_s")}
    out_json = os.path.join(a.out, f"ingest-{files}-{stamp}.json")
    with open(out_json, "w") as f:
        json.dump(report, f, indent=2)

    load = report["machine"]
    print(f"\nIngest of {files} files, {corpus_bytes / 1e6:.1f} MB ({corpus}); load average "
          f"{load['load_avg_start'][0]:.1f} -> {load['load_avg_end'][0]:.1f}\n")
    print("| runner | documents | failures | chunks | MB | seconds | wall s | documents/s | MB/s "
          "| re-ingest s (skipped) | bad files: failures / skipped |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for runner, e in report["runners"].items():
        r1, r2, rb = e["first"], e.get("rerun", {}), e.get("bad", {})
        if "docs_per_s" not in r1:
            print(f"| {runner} | failed: {r1.get('error', 'see checks')} |")
            continue
        print(f"| {runner} | {r1['documents']} | {r1['failures']} | {r1.get('chunks', '-')} "
              f"| {r1.get('bytes', corpus_bytes) / 1e6:.1f} | {r1['seconds']:.1f} "
              f"| {r1['wall_seconds']:.1f} | {r1['docs_per_s']:.1f} | {r1['mb_per_s']:.2f} "
              f"| {fmt(r2.get('seconds'))} ({r2.get('skipped', '-')}) "
              f"| {rb.get('failures', '-')} / {rb.get('skipped', '-')} |")
    if "ratio_flink_over_direct" in report:
        r = report["ratio_flink_over_direct"]
        print(f"\nflink / direct: documents/s {r['docs_per_s']:.2f}, MB/s {r['mb_per_s']:.2f}")
    print(f"\nresults: {out_json}")
    if report["errors"]:
        print("\nFAILED CHECKS:\n  " + "\n  ".join(report["errors"]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
