"""Maximal marginal relevance: rerank search candidates for relevance and diversity (numpy)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["maximal_marginal_relevance", "vectors_of"]


def maximal_marginal_relevance(
    relevance: np.ndarray, vectors: np.ndarray, *, k: int, lambda_mult: float = 0.5
) -> list[int]:
    """Pick ``k`` candidates greedily, each maximising ``λ·relevance − (1−λ)·redundancy``.

    Redundancy is a candidate's highest cosine similarity to those already picked (Carbonell and
    Goldstein, 1998). The first pick is the most relevant candidate.

    Parameters
    ----------
    relevance : numpy.ndarray
        Shape ``(n,)``: each candidate's similarity to the query (higher is closer).
    vectors : numpy.ndarray
        Shape ``(n, d)``: the candidates' vectors.
    k : int
        How many to pick; fewer when there are fewer candidates.
    lambda_mult : float, default 0.5
        1 is plain relevance order, 0 is maximal diversity.

    Returns
    -------
    list of int
        Indexes into the candidates, in pick order.

    Examples
    --------
    >>> v = np.array([[1.0, 0.0], [0.99, 0.14], [0.0, 1.0]])
    >>> maximal_marginal_relevance(np.array([0.9, 0.89, 0.5]), v, k=2, lambda_mult=0.5)
    [0, 2]
    """
    if not 0.0 <= lambda_mult <= 1.0:
        raise ValueError(f"Cannot use lambda_mult {lambda_mult}: it must be between 0 and 1")
    n = len(relevance)
    if n == 0 or k <= 0:
        return []
    unit = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(unit, axis=1, keepdims=True)
    unit = unit / np.where(norms == 0, 1, norms)
    relevance = np.asarray(relevance, dtype=np.float32)
    picked = [int(np.argmax(relevance))]
    redundancy = unit @ unit[picked[0]]
    available = np.ones(n, dtype=bool)
    available[picked[0]] = False
    while len(picked) < min(k, n):
        score = lambda_mult * relevance - (1.0 - lambda_mult) * redundancy
        score[~available] = -np.inf
        best = int(np.argmax(score))
        picked.append(best)
        available[best] = False
        redundancy = np.maximum(redundancy, unit @ unit[best])
    return picked


def vectors_of(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Return a ``list<float32>`` vector column as a 2-D float32 array (rows of equal length).

    Examples
    --------
    >>> vectors_of(pa.array([[1.0, 2.0], [3.0, 4.0]], pa.list_(pa.float32()))).shape
    (2, 2)
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if len(column) == 0:
        return np.zeros((0, 0), dtype=np.float32)
    if column.null_count:
        raise ValueError("Cannot rerank: some candidates have no vector (null)")
    flat = pc.list_flatten(column).to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    return flat.reshape(len(column), -1)
