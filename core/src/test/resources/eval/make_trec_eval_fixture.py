#!/usr/bin/env python3
"""Writes trec_eval_fixture.json: seeded random qrels and runs with the metrics pytrec_eval (the
trec_eval C code) computes for them; RetrievalMetricTrecEvalTest checks Lakebeam's metrics match.

Usage (pytrec-eval-terrier from PyPI)::

    python -m venv /tmp/te && /tmp/te/bin/pip install pytrec-eval-terrier
    /tmp/te/bin/python core/src/test/resources/eval/make_trec_eval_fixture.py
"""

import json
import os
import random

import pytrec_eval

MEASURES = {"ndcg_cut.5", "ndcg_cut.10", "recall.5", "recall.10", "recip_rank"}


def main() -> None:
    rnd = random.Random(16)
    qrels, run = {}, {}
    for q in range(40):
        qid = f"q{q}"
        docs = [f"d{d}" for d in rnd.sample(range(60), 25)]
        judged = {d: rnd.choice([0, 0, 1, 1, 2, 3]) for d in docs[:rnd.randint(3, 20)]}
        if not any(r > 0 for r in judged.values()):
            judged[docs[0]] = 1
        qrels[qid] = judged
        ranked = rnd.sample(docs, 10)  # exactly 10: trec_eval's recip_rank is then MRR@10
        run[qid] = {d: float(100 - i) for i, d in enumerate(ranked)}
    results = pytrec_eval.RelevanceEvaluator(qrels, MEASURES).evaluate(run)
    out = {
        "generator": "pytrec_eval " + getattr(pytrec_eval, "__version__", "(pytrec-eval-terrier)"),
        "queries": [
            {
                "id": qid,
                "qrels": qrels[qid],
                "ranking": sorted(run[qid], key=lambda d: -run[qid][d]),
                "expected": {
                    "ndcg@5": results[qid]["ndcg_cut_5"],
                    "ndcg@10": results[qid]["ndcg_cut_10"],
                    "recall@5": results[qid]["recall_5"],
                    "recall@10": results[qid]["recall_10"],
                    "mrr@10": results[qid]["recip_rank"],
                },
            }
            for qid in sorted(qrels, key=lambda s: int(s[1:]))
        ],
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "trec_eval_fixture.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
