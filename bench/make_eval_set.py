#!/usr/bin/env python3
"""Builds a retrieval evaluation set from the man pages installed here, labelled by no one.

Each man page (sections 1-8, English) gives one query and its relevant document: the query is the
one-line description of the page's NAME section (``ls \\- list directory contents`` gives "list
directory contents"); the document is the page, whose chunks are its text with the NAME section
removed. Pages whose description is shared by another page, shorter than three words, or whose
text is a ``.so`` link are left out.

Output (under ``--out``, default ``bench/data/eval-man``; ``--smoke`` defaults to
``bench/data/eval-man-smoke``):

* ``corpus/part-00000.parquet``  ``chunk_id: string, doc_id: string, text: string,
  embedding: list<float32>`` (384-d all-MiniLM-L6-v2, L2-normalised, at most 128 tokens);
* ``queries.parquet``  ``query_id: string`` (the page's doc_id), ``text: string``, ``embedding``;
* ``qrels.parquet``    ``query_id, doc_id: string, relevance: int32`` (1: the page itself);
* ``meta.json``        counts, model, chunking and timings.

Usage::

    bench/.venv/bin/python bench/make_eval_set.py --smoke      # 300 pages, about a minute
    nice bench/.venv/bin/python bench/make_eval_set.py         # 2,000 pages
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_dataset  # noqa: E402
import textsources  # noqa: E402

SECTIONS = [f"/usr/share/man/man{s}" for s in "12345678"]
CHUNK_WORDS = (20, 60, 90, 80)  # min, target, max, hard cut (textsources.chunk_paragraphs)
MAX_CHUNKS_PER_PAGE = 40
MAX_TOKENS = 128
_SECTION = re.compile(r'^[.\']\s*S[Hh]\s+"?([^"]*)"?\s*$')


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def split_name_section(src: str) -> tuple[str | None, str]:
    """(the NAME section's description, the page's source without its NAME section)."""
    lines = src.splitlines()
    start = end = None
    for i, line in enumerate(lines):
        m = _SECTION.match(line)
        if m and start is None and m.group(1).strip().upper() == "NAME":
            start = i
        elif m and start is not None:
            end = i
            break
    if start is None:
        return None, src
    end = len(lines) if end is None else end
    section = lines[start + 1:end]
    rest = "\n".join(lines[:start] + lines[end:])
    nd = [ln for ln in section if ln.startswith(".Nd")]
    if nd:  # mdoc: .Nm ls / .Nd list directory contents
        desc = textsources._roff_inline(nd[0][3:].replace('"', ""))
    else:  # man: ls \- list directory contents
        text = " ".join(textsources._roff_inline(ln) for ln in section
                        if not ln.startswith((".", "'")) or ln.startswith((".B ", ".I ")))
        text = text.replace(" -- ", " - ")
        if " - " not in text:
            return None, rest
        desc = text.split(" - ", 1)[1]
    desc = " ".join(desc.split()).strip()
    return (desc or None), rest


def page_documents(paths: list[str]) -> list[tuple[str, str, list[str]]]:
    """(doc_id, description, chunks) of each usable page, in path order."""
    out = []
    for path in paths:
        src = textsources._read(path)
        if not src:
            continue
        desc, body = split_name_section(src)
        if not desc or len(desc.split()) < 3:
            continue
        chunks = list(textsources.chunk_paragraphs(textsources.roff_to_paragraphs(body),
                                                   CHUNK_WORDS))[:MAX_CHUNKS_PER_PAGE]
        if not chunks:
            continue
        name = os.path.basename(path).removesuffix(".gz")
        out.append((f"{os.path.basename(os.path.dirname(path))}/{name}", desc, chunks))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pages", type=int, default=None, help="man pages (default 2000)")
    p.add_argument("--smoke", action="store_true", help="300 pages")
    p.add_argument("--out", default=None)
    p.add_argument("--model-dir", default=os.path.join(HERE, "data", "model"))
    p.add_argument("--seed", type=int, default=20261205)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    pages = args.pages or (300 if args.smoke else 2000)
    out = args.out or os.path.join(HERE, "data", "eval-man-smoke" if args.smoke else "eval-man")
    if os.path.exists(os.path.join(out, "meta.json")):
        log(f"{out} exists; delete it to rebuild")
        return
    t0 = time.time()
    paths = sorted(f for s in SECTIONS if os.path.isdir(s)
                   for f in (os.path.join(s, n) for n in os.listdir(s)) if os.path.isfile(f))
    # more candidates than pages: some have no usable NAME line or share a description
    candidates = random.Random(args.seed).sample(paths, min(len(paths), pages * 2))
    docs = page_documents(sorted(candidates))
    counts: dict[str, int] = {}
    for _, desc, _ in docs:
        counts[desc.lower()] = counts.get(desc.lower(), 0) + 1
    docs = [d for d in docs if counts[d[1].lower()] == 1]
    docs = sorted(random.Random(args.seed + 1).sample(docs, min(pages, len(docs))))
    chunk_ids, doc_ids, texts = [], [], []
    for doc_id, _, chunks in docs:
        for i, c in enumerate(chunks):
            chunk_ids.append(f"{doc_id}#{i}")
            doc_ids.append(doc_id)
            texts.append(c)
    log(f"{len(docs)} pages of {len(paths)}, {len(texts)} chunks ({time.time() - t0:.0f}s)")

    make_dataset.MAX_TOKENS = MAX_TOKENS
    onnx, tok = make_dataset.model_files(args.model_dir)
    model = make_dataset.MiniLm(onnx, tok, args.threads)
    t1 = time.time()
    queries = [desc for _, desc, _ in docs]
    qvec = np.concatenate([model.embed(queries[b:b + 64]) for b in range(0, len(queries), 64)])
    ids = model.token_ids(texts)
    order = np.argsort([len(x) for x in ids], kind="stable")
    cvec = np.zeros((len(texts), make_dataset.DIM), dtype=np.float32)
    for b in range(0, len(order), 64):
        sel = order[b:b + 64]
        cvec[sel] = model.embed_ids([ids[i] for i in sel])
    embed_s = time.time() - t1
    log(f"embedded {len(texts)} chunks and {len(queries)} queries in {embed_s:.0f}s")

    def vectors(a: np.ndarray) -> pa.Array:
        return pa.FixedSizeListArray.from_arrays(pa.array(a.reshape(-1)), a.shape[1]).cast(
            pa.list_(pa.float32()))

    os.makedirs(os.path.join(out, "corpus"), exist_ok=True)
    pq.write_table(pa.table({"chunk_id": chunk_ids, "doc_id": doc_ids, "text": texts,
                             "embedding": vectors(cvec)}),
                   os.path.join(out, "corpus", "part-00000.parquet"), row_group_size=8192)
    qids = [d for d, _, _ in docs]
    pq.write_table(pa.table({"query_id": qids, "text": queries, "embedding": vectors(qvec)}),
                   os.path.join(out, "queries.parquet"))
    pq.write_table(pa.table({"query_id": qids, "doc_id": qids,
                             "relevance": pa.array([1] * len(qids), pa.int32())}),
                   os.path.join(out, "qrels.parquet"))
    meta = {"pages": len(docs), "chunks": len(texts), "queries": len(qids),
            "model": make_dataset.MODEL_COORDS, "max_tokens": MAX_TOKENS,
            "chunk_words": CHUNK_WORDS, "max_chunks_per_page": MAX_CHUNKS_PER_PAGE,
            "seed": args.seed, "embed_seconds": round(embed_s, 1),
            "total_seconds": round(time.time() - t0, 1)}
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    log(f"wrote {out}: {meta}")


if __name__ == "__main__":
    main()
