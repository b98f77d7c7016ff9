"""What every Python peer shares: reading the texts, the timing protocol, the JSON it prints.

Kept to the standard library and numpy so it runs in both bench/.venv (onnxruntime) and
bench/.venv-st (sentence-transformers). The protocol is the same as EmbedBench.java's: per
setting, one untimed warm-up call on ``--warmup`` texts spread over the input, then ``--repeat``
timed calls over all texts (tokenisation to normalised vectors in memory); model loading is timed
apart and not counted. Each timed call also records the process's CPU seconds (all threads).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Callable

import numpy as np


def parse_args(description: str, setting_help: str) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--texts", required=True, help="one passage per line, UTF-8")
    p.add_argument("--settings", required=True,
                   help=setting_help + ", comma-separated; a ':nospin' suffix runs that setting "
                   "with the thread pool's spin-waiting off")
    p.add_argument("--warmup", type=int, default=256, help="texts in the warm-up call")
    p.add_argument("--repeat", type=int, default=1, help="timed calls over all texts per setting")
    p.add_argument("--threads", type=int, default=2, help="intra-op threads")
    p.add_argument("--vectors", default=None, help="write the last call's vectors here (f32)")
    p.add_argument("--model-dir", default=None, help="folder with the ONNX model and tokenizer")
    return p.parse_args()


def read_texts(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")[:-1]


def spread(texts: list[str], n: int) -> list[str]:
    """About ``n`` texts at even steps over the list (as EmbedBench.java picks them)."""
    if len(texts) <= n:
        return texts
    step = len(texts) / n
    return [texts[int(i * step)] for i in range(n)]


def split_setting(setting: str) -> tuple[int, bool]:
    """``"32"`` -> (32, True); ``"32:nospin"`` -> (32, False): batch size and spinning."""
    value, _, flag = setting.partition(":")
    if flag not in ("", "nospin"):
        raise SystemExit(f"Cannot parse setting {setting!r}: use N or N:nospin")
    return int(value), flag != "nospin"


def run(system: str, setting_name: str, a: argparse.Namespace, load: Callable[[], object],
        embed: Callable[[object, list[str], str], np.ndarray], extra: dict) -> None:
    """Loads, then for each setting warms up and times ``embed``; prints one JSON line."""
    texts = read_texts(a.texts)
    t0 = time.perf_counter()
    model = load()
    load_s = time.perf_counter() - t0
    runs, last = [], None
    for setting in [s.strip() for s in a.settings.split(",")]:
        embed(model, spread(texts, a.warmup), setting)
        seconds, cpu = [], []
        for _ in range(a.repeat):
            cpu0, start = time.process_time(), time.perf_counter()
            last = embed(model, texts, setting)
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu0)
        print(f"{system} {setting_name}={setting}: best {min(seconds):.3f} s, "
              f"{len(texts) / min(seconds):.1f} chunks/s", file=sys.stderr, flush=True)
        runs.append({"setting": setting, "seconds": [round(s, 6) for s in seconds],
                     "cpu_seconds": [round(s, 6) for s in cpu]})
    if a.vectors and last is not None:
        np.ascontiguousarray(last, dtype="<f4").tofile(a.vectors)
    print(json.dumps({"system": system, "texts": len(texts), "load_s": round(load_s, 3),
                      "threads": a.threads, "setting_name": setting_name, "runs": runs,
                      **extra}))
