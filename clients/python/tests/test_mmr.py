"""Maximal marginal relevance reranking (numpy)."""

import numpy as np
import pyarrow as pa
import pytest

from lakebeam.mmr import maximal_marginal_relevance, vectors_of


def test_lambda_one_is_relevance_order():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(20, 8))
    relevance = rng.random(20)
    picked = maximal_marginal_relevance(relevance, vectors, k=5, lambda_mult=1.0)
    assert picked == list(np.argsort(-relevance)[:5])


def test_duplicates_are_skipped():
    base = np.array([1.0, 0.0, 0.0])
    vectors = np.array([base, base * 2, [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    relevance = np.array([0.9, 0.89, 0.6, 0.5])
    assert maximal_marginal_relevance(relevance, vectors, k=3, lambda_mult=0.5) == [0, 2, 3]


def test_matches_the_definition():
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(30, 16))
    relevance = rng.random(30)
    lam = 0.3
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = unit @ unit.T
    expected = [int(np.argmax(relevance))]
    while len(expected) < 6:
        rest = [i for i in range(30) if i not in expected]
        scores = [lam * relevance[i] - (1 - lam) * max(sims[i, j] for j in expected) for i in rest]
        expected.append(rest[int(np.argmax(scores))])
    assert maximal_marginal_relevance(relevance, vectors, k=6, lambda_mult=lam) == expected


def test_edges():
    assert maximal_marginal_relevance(np.array([]), np.zeros((0, 3)), k=4) == []
    assert maximal_marginal_relevance(np.array([0.1, 0.2]), np.eye(2), k=5) == [1, 0]
    with pytest.raises(ValueError, match="between 0 and 1"):
        maximal_marginal_relevance(np.array([0.1]), np.eye(1), k=1, lambda_mult=1.5)


def test_vectors_of():
    column = pa.chunked_array([pa.array([[1, 2], [3, 4]], pa.list_(pa.float32())),
                               pa.array([[5, 6]], pa.list_(pa.float32()))])
    np.testing.assert_array_equal(vectors_of(column), [[1, 2], [3, 4], [5, 6]])
    with pytest.raises(ValueError, match="no vector"):
        vectors_of(pa.array([[1.0], None], pa.list_(pa.float32())))
