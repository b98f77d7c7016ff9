"""Near-duplicate detection on a Flink session cluster: 1 TaskManager vs 2 TaskManagers.

Starts a LocalFlinkCluster (a JobManager and N TaskManagers, each its own JVM, from the Maven
jars; see runners-config) with one slot per TaskManager, runs CurationBench's ``dedup`` on it
through Beam's Flink runner (``--flink-master host:port``, its classpath staged), stops it,
and repeats with the next TaskManager count. Prints each run's figures and the time ratio
(1 TaskManager / 2 TaskManagers) of the dedup step (``dedup_only_s``: read -> dedup -> count
minus read -> count) and of the whole read -> dedup -> write-back pipeline (``end_to_end_s``);
checks that every run found the same groups. Standard library only (no venv needed).

Texts: real passages from this machine's documentation (``textsources.py``, as the dedup
benchmark's corpus), exact repeats dropped, plus ``--inject`` near copies (one word replaced, or
a few words appended). Target: >= 1.6x at 1,000,000 texts on a machine with a core per slot;
on a 2-core machine shared with builds expect much less.

The cluster's directory (config, logs) is removed afterwards unless ``KEEP_FLINK_LOGS=1``.

Example::

    python3 bench/flink_cluster_bench.py --n 20000 --taskmanagers 1,2 --heap 1g
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)

import textsources  # noqa: E402


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=5000, help="texts (default 5000)")
    p.add_argument("--inject", type=float, default=0.05, help="fraction of near copies")
    p.add_argument("--jaccard", type=float, default=0.8)
    p.add_argument("--taskmanagers", default="1,2", help="TaskManager counts to run, e.g. 1,2")
    p.add_argument("--heap", default="1g", help="heap of every cluster JVM (default 1g)")
    p.add_argument("--managed", default="256m", help="Flink managed memory per TaskManager")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", help="write the JSON result here")
    return p.parse_args(argv)


def java() -> tuple[str, list[str], str]:
    """java, the JVM flags of scripts/env.sh and the bench module's runtime classpath.

    Packages ``bench`` and the modules it needs in one reactor build (never installs), so the
    classpath names the working tree's jars; build_curation_java.sh resolves modules one by one,
    which needs them installed.
    """
    env = f"source {shlex.quote(os.path.join(ROOT, 'scripts', 'env.sh'))} >/dev/null"
    log("building the bench module (mvn -pl bench -am package)")
    build = subprocess.run(
        ["bash", "-c", f"{env} && cd {shlex.quote(ROOT)} && mvn -B -q -Dstyle.color=never "
         "-pl bench -am package dependency:build-classpath -DskipTests "
         "-Dmdep.outputFile=target/runtime-classpath.txt -Dmdep.includeScope=runtime"],
        capture_output=True, text=True)
    if build.returncode != 0:
        raise SystemExit("Cannot build the bench module:\n" + build.stdout[-3000:]
                         + build.stderr[-3000:])
    lines = subprocess.run(["bash", "-c", f'{env} && echo "$JAVA_HOME" && '
                            'printf "%s\\n" "${LAKEBEAM_JVM_FLAGS[@]}"'],
                           check=True, capture_output=True, text=True).stdout.strip().splitlines()
    with open(os.path.join(BENCH, "target", "runtime-classpath.txt")) as f:
        cp = os.path.join(BENCH, "target", "classes") + ":" + f.read().strip()
    return os.path.join(lines[0], "bin", "java"), lines[1:], cp


def corpus(n: int, inject: float, seed: int) -> list[str]:
    rnd = random.Random(seed)
    copies = round(n * inject)
    seen, base = set(), []
    for _, text in textsources.iter_passages():
        if text not in seen:
            seen.add(text)
            base.append(text)
            if len(base) >= n - copies:
                break
    if len(base) < n - copies:
        log(f"only {len(base)} distinct passages on this machine: repeating with suffixes")
        i = 0
        while len(base) < n - copies:
            base.append(f"{base[i % len(seen)]} variant {i}")
            i += 1
    texts = list(base)
    for _ in range(copies):
        words = rnd.choice(base).split()
        if rnd.random() < 0.5 and len(words) > 4:
            words[rnd.randrange(len(words))] = "zzzq"
        else:
            words += ["and", "so", "on"]
        texts.append(" ".join(words))
    rnd.shuffle(texts)
    return texts


def start_cluster(jvm, flags, cp, taskmanagers, heap, managed):
    cmd = [jvm, *flags, "-Xmx256m", "-cp", cp, "io.lakebeam.runners.LocalFlinkCluster",
           str(taskmanagers), "1", heap, managed]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    info = {}
    while len(info) < 3:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"Cannot start the cluster: the launcher exited {proc.wait()}")
        if "=" in line:
            k, v = line.strip().split("=", 1)
            info[k] = v
    return proc, info


def stop_cluster(proc, info):
    proc.send_signal(signal.SIGTERM)  # its shutdown hook kills the JobManager and TaskManagers
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    for pid in info.get("pids", "").split(","):
        try:
            os.kill(int(pid), signal.SIGKILL)  # still alive only if the hook did not run
        except (ValueError, ProcessLookupError):
            pass
    if os.environ.get("KEEP_FLINK_LOGS") != "1":
        shutil.rmtree(info["dir"], ignore_errors=True)


def job_seconds(master: str) -> list[float]:
    """The cluster's own duration of each job, in submission order (no client-side staging)."""
    with urllib.request.urlopen(f"http://{master}/jobs/overview", timeout=10) as r:
        jobs = json.load(r)["jobs"]
    return [round(j["duration"] / 1000, 2) for j in sorted(jobs, key=lambda j: j["start-time"])]


def main(argv=None) -> int:
    a = parse(argv)
    jvm, flags, cp = java()
    texts = corpus(a.n, a.inject, a.seed)
    log(f"{len(texts)} texts, {sum(len(t.split()) for t in texts) / len(texts):.0f} words each")
    result = {"bench": "flink_cluster_dedup", "n": len(texts), "jaccard": a.jaccard,
              "heap": a.heap, "managed": a.managed, "nproc": os.cpu_count(),
              "loadavg_start": os.getloadavg(), "runs": {}}
    groups = {}
    with tempfile.TemporaryDirectory(prefix="flink-cluster-bench-") as work:
        path = os.path.join(work, "texts.bin")
        with open(path, "wb") as f:
            for x in texts:
                data = x.encode("utf-8")
                f.write(len(data).to_bytes(4, "big"))
                f.write(data)
        for tms in [int(x) for x in a.taskmanagers.split(",")]:
            t0 = time.perf_counter()
            proc, info = start_cluster(jvm, flags, cp, tms, a.heap, a.managed)
            log(f"{tms} TaskManager(s) at {info['master']} in {time.perf_counter() - t0:.1f}s "
                f"(pids {info['pids']}, logs {info['dir']}/log)")
            try:
                out = os.path.join(work, f"groups-{tms}.tsv")
                args = ["dedup", "--warehouse", tempfile.mkdtemp(dir=work), "--texts", path,
                        "--out", out, "--jaccard", str(a.jaccard), "--runner", "flink",
                        "--flink-master", info["master"]]
                p = subprocess.run([jvm, *flags, "-Xmx2g", "-cp", cp,
                                    "io.lakebeam.bench.CurationBench", *args],
                                   capture_output=True, text=True)
                if p.returncode != 0:
                    raise RuntimeError(f"CurationBench failed ({p.returncode}):\n"
                                       + p.stderr[-4000:])
                figures = json.loads([ln for ln in p.stdout.splitlines()
                                      if ln.startswith("{")][-1])
                with open(out) as f:
                    groups[tms] = sorted(f.read().splitlines())
                figures["cluster_jobs_s"] = job_seconds(info["master"])
            finally:
                stop_cluster(proc, info)
            result["runs"][str(tms)] = figures
            log(f"{tms} TM: jobs on the cluster {figures['cluster_jobs_s']} s; "
                f"dedup_only_s={figures['dedup_only_s']:.2f} "
                f"end_to_end_s={figures['end_to_end_s']:.2f} read_s={figures['read_s']:.2f}")
    runs = result["runs"]
    if "1" in runs and "2" in runs:
        for k in ("dedup_only_s", "dedup_s", "end_to_end_s"):
            result[f"ratio_{k}"] = round(runs["1"][k] / runs["2"][k], 2)
        result["same_groups"] = groups[1] == groups[2]
        # CurationBench's pipelines: warm-up, read -> count, read -> dedup -> count, end to end
        j1, j2 = runs["1"]["cluster_jobs_s"], runs["2"]["cluster_jobs_s"]
        if len(j1) == 4 and len(j2) == 4:
            result["ratio_cluster_dedup_job"] = round(j1[2] / j2[2], 2)
            result["ratio_cluster_dedup_only"] = round((j1[2] - j1[1]) / max(1e-9, j2[2] - j2[1]), 2)
    result["loadavg_end"] = os.getloadavg()
    print(json.dumps(result, indent=1))
    if "ratio_dedup_only_s" in result:
        print(f"\n{len(texts)} texts, 1 TM vs 2 TMs (1 slot each): dedup step "
              f"{result['ratio_dedup_only_s']}x, read->dedup->count {result['ratio_dedup_s']}x, "
              f"end to end {result['ratio_end_to_end_s']}x (target >= 1.6x at 1M); "
              f"same groups: {result['same_groups']}; on the cluster (JobManager's job "
              f"durations, no staging): dedup job {result.get('ratio_cluster_dedup_job')}x, "
              f"dedup minus read {result.get('ratio_cluster_dedup_only')}x")
    if a.out:
        with open(a.out, "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
