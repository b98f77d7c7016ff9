"""The texts of the embedding benchmark: chunk-sized passages of real text on this machine.

Passages come from the Debian documentation that ``textsources.py`` reads (man pages, GNU info
manuals, ``/usr/share/doc``, Python docstrings), cut at paragraph boundaries into passages of
``WORDS`` = 24..100 words (about 60-260 MiniLM word pieces, mean ~140): the size of a RAG chunk,
longer than the ANN data set's sentence-sized passages. Each source gets an equal share of the
``n`` passages (a short source's shortfall is filled from the others), drawn with a seeded
generator, then shuffled.

Example::

    texts, meta = passages(300, seed=20261126)
"""

from __future__ import annotations

import json
import os
import sys
import numpy as np

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)
import textsources  # noqa: E402

# (min, target, max, hard cut) words per passage; see textsources.chunk_paragraphs.
WORDS = (24, 64, 100, 80)
CACHE_DIR = os.path.join(HERE, "data", "embed")


def files_per_source(n: int) -> int:
    """Files read per source: enough for an equal share of ``n`` passages from each."""
    return max(60, n // 8)


def passages(n: int, seed: int, cache_dir: str = CACHE_DIR) -> tuple[list[str], dict]:
    """Returns ``n`` unique passages and a description of them (cached under ``cache_dir``)."""
    key = f"passages-{n}-{seed}-{'_'.join(map(str, WORDS))}"
    txt, meta_path = os.path.join(cache_dir, key + ".txt"), os.path.join(cache_dir, key + ".json")
    if os.path.exists(txt) and os.path.exists(meta_path):
        with open(txt, encoding="utf-8") as f:
            texts = f.read().split("\n")[:-1]
        with open(meta_path) as f:
            return texts, json.load(f)
    by_source: dict[str, list[str]] = {}
    seen: set[str] = set()
    workers = min(2, os.cpu_count() or 1)
    for source, text in textsources.iter_passages(
            max_files_per_source=files_per_source(n), workers=workers, words=WORDS):
        text = " ".join(text.split())
        if text and text not in seen:
            seen.add(text)
            by_source.setdefault(source.split(":", 1)[0], []).append(text)
    available = sum(len(v) for v in by_source.values())
    if available < n:
        raise SystemExit(f"Cannot collect {n} passages: only {available} found on this machine")
    rng = np.random.default_rng(seed)
    pools = {k: [v[i] for i in rng.permutation(len(v))] for k, v in sorted(by_source.items())}
    picked: dict[str, int] = {k: 0 for k in pools}
    share = n // len(pools)
    for k in pools:
        picked[k] = min(share, len(pools[k]))
    while sum(picked.values()) < n:  # fill a short source's shortfall round-robin from the rest
        for k in pools:
            if picked[k] < len(pools[k]) and sum(picked.values()) < n:
                picked[k] += 1
    texts = [t for k in pools for t in pools[k][: picked[k]]]
    texts = [texts[i] for i in rng.permutation(len(texts))]
    words = np.array([len(t.split()) for t in texts])
    meta = {"n": n, "seed": seed, "words_min_target_max_cut": list(WORDS),
            "files_per_source": files_per_source(n), "unique_passages_seen": available,
            "sources": picked,
            "words_mean": round(float(words.mean()), 1)}
    os.makedirs(cache_dir, exist_ok=True)
    with open(txt + ".tmp", "w", encoding="utf-8") as f:
        f.write("".join(t + "\n" for t in texts))
    os.replace(txt + ".tmp", txt)
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=2)
    return texts, meta


def write_texts(path: str, texts: list[str]) -> None:
    """One passage per line, UTF-8 (passages have no line breaks), for the peers."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(t + "\n" for t in texts))


def read_texts(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")[:-1]


def token_stats(tokenizer_json: str, texts: list[str], max_length: int) -> dict:
    """Word pieces per passage (special tokens included) before and after truncation."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(tokenizer_json)
    tok.no_padding()
    tok.no_truncation()
    lengths = np.array([len(e.ids) for e in tok.encode_batch(texts)])
    p = np.percentile(lengths, [5, 50, 95])
    return {"mean": round(float(lengths.mean()), 1), "p5": int(p[0]), "p50": int(p[1]),
            "p95": int(p[2]), "max": int(lengths.max()),
            "truncated_fraction": round(float((lengths > max_length).mean()), 4),
            "mean_after_truncation": round(float(np.minimum(lengths, max_length).mean()), 1)}
