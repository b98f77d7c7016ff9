"""Seeded, tiny data sets for the integration tests, and exact nearest neighbours in numpy."""

from __future__ import annotations

import itertools
import uuid

import numpy as np
import pandas as pd

DIM = 32
LANGS = np.array(["en", "de", "fr"])
SCHEMA = {
    "id": "long",
    "text": "string",
    "lang": "string",
    "year": "int",
    "embedding": f"float_vector({DIM})",
}

_names = itertools.count()


def unique_name(prefix: str) -> str:
    """A collection name no other test uses."""
    return f"{prefix}_{next(_names)}_{uuid.uuid4().hex[:8]}"


def make_docs(n: int, *, seed: int, start_id: int = 0) -> pd.DataFrame:
    """``n`` rows of id, text, lang, year and a random unit-ish vector, from ``seed``."""
    rng = np.random.default_rng(seed)
    ids = np.arange(start_id, start_id + n)
    return pd.DataFrame(
        {
            "id": ids,
            "text": [f"doc {i}" for i in ids],
            "lang": LANGS[rng.integers(0, len(LANGS), n)],
            "year": rng.integers(2015, 2025, n).astype(np.int32),
            "embedding": list(rng.normal(size=(n, DIM)).astype(np.float32)),
        }
    )


def queries(n: int, *, seed: int) -> np.ndarray:
    """``n`` random query vectors."""
    return np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)


def exact_cosine(
    docs: pd.DataFrame, query: np.ndarray, k: int, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Ids and cosine similarities of the ``k`` nearest rows (among ``mask``), best first."""
    vectors = np.stack(docs["embedding"].to_numpy()).astype(np.float64)
    ids = docs["id"].to_numpy()
    if mask is not None:
        vectors, ids = vectors[mask], ids[mask]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    q = query.astype(np.float64) / np.linalg.norm(query)
    scores = vectors @ q
    order = np.argsort(-scores, kind="stable")[:k]
    return ids[order], scores[order]
