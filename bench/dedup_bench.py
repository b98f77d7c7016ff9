"""Near-duplicate detection: Lakebeam's Dedup.nearDuplicates() against datasketch MinHashLSH.

Both run in one process tree on the same texts: real Debian documentation (passages of
bench/data/passages_all.parquet joined into 80-240-word documents) into which the script injects
known near-duplicates (1-5% word edits, sentence reorderings, a boilerplate header and footer,
boilerplate plus light edits). The ground truth is every pair whose exact shingle Jaccard (lower-
cased word 3-grams of letter/digit runs, the transform's shingling) is >= the threshold, found by
an exact prefix-filtered join: the injected pairs that stay above it plus the natural ones.

* Java: CurationBench loads the texts into an Iceberg table and times ``Lake.read -> count``,
  ``Lake.read -> Dedup.nearDuplicates() -> count`` (the dedup step is the difference) and the
  end-to-end ``Lake.read -> dedup -> Lake.writeBackColumns``, then reads the groups back.
* datasketch: MinHash.bulk (128 permutations, the same shingles) + MinHashLSH (same threshold,
  whose (b, r) must equal the transform's lshParams()), candidates verified by exact Jaccard and
  grouped with a union-find, as the transform does.

Quality is row-level (a row predicted duplicate = in a group of 2+ rows; truly duplicate = in a
ground-truth pair) and pair-level (a ground-truth pair found = both rows in one group; a predicted
pair = two rows of one group). Prints the figures, the throughput ratio, and writes a JSON file
to bench/results/.

Usage: bench/.venv/bin/python bench/dedup_bench.py [--n 20000] [--smoke]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from curationbench import textdups  # noqa: E402
from curationbench.common import DATA, log, machine, run_java, save_result  # noqa: E402


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=20000, help="texts in all (default 20000)")
    p.add_argument("--inject", type=float, default=0.1,
                   help="fraction of the texts that are injected near-duplicates (default 0.1)")
    p.add_argument("--jaccard", type=float, default=0.8)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--runner", default="direct", choices=["direct", "flink"],
                   help="Beam runner of the Java pipelines (flink: embedded local cluster)")
    p.add_argument("--smoke", action="store_true", help="CI size: 600 texts of the smoke data")
    p.add_argument("--parquet", default=None, help="passages (default bench/data[/smoke]/"
                   "passages_all.parquet, made by make_dataset.py)")
    p.add_argument("--out", default=None, help="directory of the JSON result (bench/results)")
    p.add_argument("--min-words", type=int, default=80, help="shortest document (default 80)")
    p.add_argument("--max-words", type=int, default=240, help="longest document (default 240)")
    p.add_argument("--truth", default="exact", choices=["exact", "injected"],
                   help="ground truth: every pair >= the threshold (exact join; slow past ~100k "
                        "texts) or only the injected pairs that are (precision then comes from "
                        "the exact verification of every reported pair)")
    p.add_argument("--no-default-weights", action="store_true",
                   help="skip the second datasketch run with its default (0.5, 0.5) weights")
    a = p.parse_args(argv)
    if a.smoke:
        a.n = min(a.n, 600)
    a.parquet = a.parquet or os.path.join(DATA, "smoke" if a.smoke else "",
                                          "passages_all.parquet")
    return a


class UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


LAKEBEAM_WEIGHTS = (0.05, 0.95)  # LshParams.FALSE_POSITIVE_WEIGHT, FALSE_NEGATIVE_WEIGHT


def run_datasketch(texts: list[str], t: float, weights=(0.5, 0.5)
                   ) -> tuple[dict, list[int], tuple[int, int]]:
    """Shingles, MinHash (bulk), LSH index and queries, exact verification, groups; timed.

    ``weights`` are MinHashLSH's (false positive, false negative) weights of its (b, r) choice;
    ``LAKEBEAM_WEIGHTS`` (0.05, 0.95) is the transform's choice; (0.5, 0.5) is datasketch's
    default.
    """
    from datasketch import MinHash, MinHashLSH

    times = {}
    t0 = time.perf_counter()
    sets = [textdups.shingles(x) for x in texts]
    times["shingle_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    sigs = MinHash.bulk([[s.encode("utf-8") for s in sh] for sh in sets], num_perm=128)
    times["minhash_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=t, num_perm=128, weights=weights)
    with lsh.insertion_session() as session:
        for i, m in enumerate(sigs):
            session.insert(i, m)
    candidates = set()
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if j != i:
                candidates.add((min(i, j), max(i, j)))
    times["lsh_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    uf = UnionFind(len(texts))
    for i, j in candidates:
        if textdups.jaccard(sets[i], sets[j]) >= t:
            uf.union(i, j)
    labels = [uf.find(i) for i in range(len(texts))]
    times["verify_group_s"] = time.perf_counter() - t0
    times["total_s"] = sum(times.values())
    times["candidates"] = len(candidates)
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in times.items()}, labels, (
        lsh.b, lsh.r)


def evaluate(labels, gt: dict, t: float, injected: list[dict]) -> dict:
    """Row- and pair-level precision and recall of groups against the ground-truth pairs."""
    groups = defaultdict(list)
    for i, label in enumerate(labels):
        groups[label].append(i)
    pred_rows = {i for g in groups.values() if len(g) > 1 for i in g}
    true_rows = {i for pair in gt for i in pair}
    hit = len(pred_rows & true_rows)
    found = {pair for pair in gt if labels[pair[0]] == labels[pair[1]]}
    pred_pairs = sum(len(g) * (len(g) - 1) // 2 for g in groups.values())
    bands = {}
    edges = [t, 0.85, 0.9, 0.95, 1.0 + 1e-9]
    for lo, hi in zip(edges, edges[1:]):
        in_band = [p for p, s in gt.items() if lo <= s < hi]
        name = f"[{lo:.2f},{min(hi, 1.0):.2f}{']' if hi > 1 else ')'}"
        bands[name] = {"pairs": len(in_band),
                       "recall": round(sum(p in found for p in in_band) / len(in_band), 4)
                       if in_band else None}
    inj = [(min(m["copy"], m["original"]), max(m["copy"], m["original"])) for m in injected]
    inj_above = [p for p in inj if p in gt]
    return {
        "row_precision": round(hit / len(pred_rows), 4) if pred_rows else 1.0,
        "row_recall": round(hit / len(true_rows), 4) if true_rows else 1.0,
        "predicted_rows": len(pred_rows), "true_rows": len(true_rows),
        "pair_precision": round(len(found) / pred_pairs, 4) if pred_pairs else 1.0,
        "pair_recall": round(len(found) / len(gt), 4) if gt else 1.0,
        "predicted_pairs": pred_pairs, "true_pairs": len(gt),
        "largest_group": max((len(g) for g in groups.values()), default=0),
        "recall_by_jaccard": bands,
        "injected_recall": round(sum(p in found for p in inj_above) / len(inj_above), 4)
        if inj_above else None,
        "injected_recall_all": round(sum(p in found for p in inj) / len(inj), 4) if inj else None,
    }


def s_curve(s: float, b: int, r: int) -> float:
    return 1 - (1 - s ** r) ** b


def main(argv=None) -> int:
    a = parse(argv)
    t = a.jaccard
    result = {"bench": "dedup", "machine": machine(), "args": vars(a)}
    log(f"reading documents from {a.parquet}")
    docs = textdups.documents(a.parquet, a.seed, a.min_words, a.max_words)
    if len(docs) < a.n - round(a.n * a.inject):
        raise SystemExit(f"Cannot draw {a.n} texts: {len(docs)} documents of {a.min_words}-"
                         f"{a.max_words} words; lower --min-words/--max-words")
    rnd = random.Random(a.seed)
    copies = round(a.n * a.inject)
    base = rnd.sample(docs, min(len(docs), a.n - copies))
    texts, injected = textdups.inject(base, copies, a.seed)
    words = sum(len(x.split()) for x in texts) / len(texts)
    log(f"{len(texts)} texts ({len(base)} real documents of {len(docs)}, {copies} injected); "
        f"{words:.0f} words on average")

    t0 = time.perf_counter()
    sets = [textdups.shingles(x) for x in texts]
    if a.truth == "exact":
        gt = textdups.similar_pairs(sets, t)
    else:
        gt = {}
        for m in injected:
            i, j = min(m["copy"], m["original"]), max(m["copy"], m["original"])
            s = textdups.jaccard(sets[i], sets[j])
            if s >= t:
                gt[(i, j)] = s
    del sets
    gt_s = time.perf_counter() - t0
    kinds = defaultdict(lambda: [0, 0])
    for m in injected:
        pair = (min(m["copy"], m["original"]), max(m["copy"], m["original"]))
        kinds[m["kind"]][0] += 1
        kinds[m["kind"]][1] += pair in gt
    family = defaultdict(set)  # rows derived from one original, to tell natural pairs apart
    for m in injected:
        family[m["original"]].add(m["copy"])
    root = {c: o for o, cs in family.items() for c in cs}
    natural = sum(1 for i, j in gt if root.get(i, i) != root.get(j, j))
    result["ground_truth"] = {
        "pairs": len(gt), "natural_pairs": natural, "seconds": round(gt_s, 2),
        "injected_above_threshold": {k: f"{v[1]}/{v[0]}" for k, v in kinds.items()}}
    log(f"ground truth: {len(gt)} pairs with Jaccard >= {t} ({natural} natural) in {gt_s:.1f}s; "
        f"injected copies above the threshold: "
        f"{result['ground_truth']['injected_above_threshold']}")

    log("datasketch MinHash + MinHashLSH, Lakebeam's weights (0.05, 0.95)")
    ds_times, ds_labels, (b, r) = run_datasketch(texts, t, weights=LAKEBEAM_WEIGHTS)
    result["datasketch"] = {**ds_times, "lsh_b": b, "lsh_r": r,
                            **evaluate(ds_labels, gt, t, injected)}
    log(f"datasketch: {ds_times}")
    # Reference: datasketch's default weights (0.5, 0.5), a precision-leaning (b, r) that misses
    # more pairs near the threshold (Lakebeam leans to recall: every candidate is verified).
    if not a.no_default_weights:
        rw_times, rw_labels, rw_br = run_datasketch(texts, t, weights=(0.5, 0.5))
        result["datasketch_recall_weighted"] = {**rw_times, "weights": [0.5, 0.5],
                                                "lsh_b": rw_br[0], "lsh_r": rw_br[1],
                                                **evaluate(rw_labels, gt, t, injected)}

    with tempfile.TemporaryDirectory(prefix="dedup-bench-") as work:
        path = os.path.join(work, "texts.bin")
        with open(path, "wb") as f:
            for x in texts:
                data = x.encode("utf-8")
                f.write(len(data).to_bytes(4, "big"))
                f.write(data)
        figures, rows = run_java("dedup", work, texts=path, jaccard=t, runner=a.runner)
    index = {f"r{i:07d}": i for i in range(len(texts))}
    java_labels = [index[row["dup_group"]] for row in rows]
    if len(rows) != len(texts):
        raise SystemExit(f"Cannot evaluate: the table has {len(rows)} rows, not {len(texts)}")
    jb, jr = map(int, re.findall(r"\d+", figures["lsh_params"]))
    result["lakebeam"] = {**figures, **evaluate(java_labels, gt, t, injected)}
    result["lsh_params_match"] = (jb, jr) == (b, r)

    if a.truth == "injected":  # natural pairs are unknown: precision cannot be measured
        for key in ("lakebeam", "datasketch", "datasketch_recall_weighted"):
            if key in result:
                result[key]["row_precision"] = result[key]["pair_precision"] = float("nan")
    j, d = result["lakebeam"], result["datasketch"]
    result["speedup_dedup_step"] = round(d["total_s"] / j["dedup_only_s"], 2)
    result["speedup_end_to_end"] = round(d["total_s"] / j["end_to_end_s"], 2)
    print(f"\nNear-duplicates ({figures['runner']}), {len(texts)} texts, Jaccard >= {t}, "
          f"128 permutations, "
          f"LSH b={b} r={r} (lakebeam {figures['lsh_params']}: "
          f"{'match' if result['lsh_params_match'] else 'MISMATCH'}); load {machine()['loadavg']}")
    print(f"  ground truth ({a.truth}): {len(gt)} pairs ({natural} natural); "
          f"P(candidate) at J=0.80/0.85/0.90/0.95: "
          + "/".join(f"{s_curve(s, b, r):.2f}" for s in (0.8, 0.85, 0.9, 0.95)))
    print(f"  {'system':<15}{'row P':>8}{'row R':>8}{'pair P':>8}{'pair R':>8}{'inj R':>8}"
          f"{'seconds':>10}{'texts/s':>9}")
    systems = [("lakebeam", j, j["dedup_only_s"]), ("datasketch", d, d["total_s"])]
    w = result.get("datasketch_recall_weighted")
    if w:
        systems.append((f"ds b={w['lsh_b']},r={w['lsh_r']}", w, w["total_s"]))
    for name, m, secs in systems:
        print(f"  {name:<15}{m['row_precision']:>8.4f}{m['row_recall']:>8.4f}"
              f"{m['pair_precision']:>8.4f}{m['pair_recall']:>8.4f}"
              f"{(m['injected_recall'] or 0):>8.4f}{secs:>10.2f}{len(texts) / secs:>9.0f}")
    for name, m, _ in systems:
        print(f"  recall by Jaccard band, {name}: " + ", ".join(
            f"{k} {v['recall']} of {v['pairs']}" for k, v in m["recall_by_jaccard"].items()))
    print(f"  lakebeam pipeline: read {j['read_s']:.2f}s, read+dedup {j['dedup_s']:.2f}s "
          f"(dedup step {j['dedup_only_s']:.2f}s), end to end read->dedup->writeBackColumns "
          f"{j['end_to_end_s']:.2f}s; load into Iceberg {j['load_s']:.2f}s")
    print(f"  datasketch: shingle {d['shingle_s']}s, MinHash {d['minhash_s']}s, LSH "
          f"{d['lsh_s']}s, verify+group {d['verify_group_s']}s")
    print(f"  speedup vs datasketch: dedup step {result['speedup_dedup_step']}x, end to end "
          f"{result['speedup_end_to_end']}x (target >= 3x, moonshot 10x)")
    print(f"  result: {save_result('dedup', result, a.out)}")
    if not result["lsh_params_match"]:
        print("Cannot compare: the LSH parameters differ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
