#!/usr/bin/env python3
"""Peer: the same all-MiniLM-L6-v2 .onnx file through Python ONNX Runtime + HF ``tokenizers``.

A well-tuned plain pipeline: tokenise all texts (truncated to 256 word pieces, as the Java
embedder and sentence-transformers do), sort by length, run batches of ``batch`` texts padded to
the batch's longest, mean pooling over the attention mask, L2 normalisation. One session with
``--threads`` intra-op threads, one inter-op thread, sequential execution, all graph
optimisations. Settings are batch sizes; ``N:nospin`` runs a second session with the intra-op
threads' spin-waiting off (``session.intra_op.allow_spinning=0``, what the Java embedder sets).

Usage::

    bench/.venv/bin/python bench/embedbench/ort_peer.py --texts t.txt --settings 16,32,64 \
        --model-dir bench/data/model
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_io  # noqa: E402

MODEL_FILE = "all-minilm-l6-v2.onnx"
TOKENIZER_FILE = "all-minilm-l6-v2-tokenizer.json"
MAX_LENGTH = 256


class OrtMiniLm:
    def __init__(self, model_dir: str, threads: int):
        from tokenizers import Tokenizer

        self.model_dir, self.threads = model_dir, threads
        self.sessions = {True: self._session(spinning=True)}
        self.inputs = {i.name for i in self.sessions[True].get_inputs()}
        self.tokenizer = Tokenizer.from_file(os.path.join(model_dir, TOKENIZER_FILE))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_LENGTH)

    def _session(self, spinning: bool):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if not spinning:
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(os.path.join(self.model_dir, MODEL_FILE), opts,
                                    providers=["CPUExecutionProvider"])

    def embed(self, texts: list[str], batch: int, spinning: bool = True) -> np.ndarray:
        if spinning not in self.sessions:
            self.sessions[spinning] = self._session(spinning)
        session = self.sessions[spinning]
        ids = [e.ids for e in self.tokenizer.encode_batch(texts)]
        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        order = np.argsort(lengths, kind="stable")
        out = np.empty((len(texts), 384), dtype=np.float32)
        for s in range(0, len(order), batch):
            sel = order[s:s + batch]
            width = int(lengths[sel].max())
            input_ids = np.zeros((len(sel), width), dtype=np.int64)
            mask = np.zeros((len(sel), width), dtype=np.int64)
            for r, i in enumerate(sel):
                input_ids[r, : lengths[i]] = ids[i]
                mask[r, : lengths[i]] = 1
            feed = {"input_ids": input_ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(input_ids)
            (hidden,) = session.run(["last_hidden_state"], feed)
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
            norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[sel] = pooled / norms
        return out


def main() -> None:
    a = peer_io.parse_args(__doc__.split("\n")[1], "batch sizes (texts per ONNX Runtime call)")
    import onnxruntime
    import tokenizers

    peer_io.run("python-onnxruntime", "batch_size", a,
                lambda: OrtMiniLm(a.model_dir, a.threads),
                lambda model, texts, setting: model.embed(texts, *peer_io.split_setting(setting)),
                {"onnxruntime": onnxruntime.__version__, "tokenizers": tokenizers.__version__})


if __name__ == "__main__":
    main()
