"""Batch search against a real server: more query vectors than one ticket holds.

The client splits a batch into tickets of at most ``_MAX_FLOATS_PER_TICKET`` floats (260 queries of
384 dimensions) and joins the streams; every size must come back as one result per query, in order.
"""

import numpy as np
import pyarrow as pa
import pytest

from lakebeam import LakebeamClient
from lakebeam.client import _MAX_FLOATS_PER_TICKET

from sample_docs import unique_name

DIM = 384
N = 600
TOP_K = 3
SCHEMA = {"id": "long", "lang": "string", "embedding": f"float_vector({DIM})"}


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def vectors():
    return np.random.default_rng(14).normal(size=(N, DIM)).astype(np.float32)


@pytest.fixture(scope="module")
def batch_name(lakebeam_uri, vectors):
    name = unique_name("batch_search")
    with LakebeamClient(lakebeam_uri) as client:
        client.create_collection(name, SCHEMA)
        client.insert(
            name,
            {
                "id": np.arange(N),
                "lang": ["en" if i % 2 else "de" for i in range(N)],
                "embedding": list(vectors),
            },
        )
    return name


def _queries(vectors: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` queries, each a stored row plus a little noise, and the id of that row."""
    rng = np.random.default_rng(n)
    ids = rng.integers(0, N, n)
    noise = rng.normal(scale=0.01, size=(n, DIM)).astype(np.float32)
    return vectors[ids] + noise, ids


def test_300_queries_span_two_tickets():
    assert 300 > _MAX_FLOATS_PER_TICKET // DIM  # the case of the bug: more than one ticket


@pytest.mark.parametrize("n", [1, 300, 1000, 5000])
def test_batch_of_any_size_returns_one_result_per_query(client, vectors, batch_name, n):
    batch, ids = _queries(vectors, n)
    results = client.search(batch_name, batch, top_k=TOP_K, output_fields=["id", "lang"])
    assert len(results) == n
    exact = np.argsort(-(_unit(batch) @ _unit(vectors).T), axis=1, kind="stable")[:, :TOP_K]
    for i, hits in enumerate(results):
        assert hits.column_names == ["rank", "_score", "_distance", "_file", "_pos", "id", "lang"]
        assert hits.column("rank").to_pylist() == list(range(TOP_K))
        assert hits.column("id")[0].as_py() == ids[i]
        assert hits.column("id").to_pylist() == exact[i].tolist()


def test_batch_stream_keeps_query_index_in_order(client, vectors, batch_name):
    batch, ids = _queries(vectors, 600)
    table = client.collection(batch_name).search(batch).select(["id"]).limit(2).to_arrow()
    assert table.column("query_index").to_pylist() == [i for i in range(600) for _ in range(2)]
    assert table.schema.field("query_index").nullable is False
    assert table.column("id").to_pylist()[::2] == ids.tolist()


def test_parts_that_differ_in_nullability_are_joined():
    from lakebeam.client import _concat_parts

    strict = pa.schema([pa.field("query_index", pa.int32(), nullable=False)])
    first = pa.table({"query_index": pa.array([0, 1], pa.int32())}, schema=strict)
    second = pa.table({"query_index": pa.array([2], pa.int32())})
    joined = _concat_parts([first, second])
    assert joined.column("query_index").to_pylist() == [0, 1, 2]
