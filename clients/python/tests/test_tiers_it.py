"""Serving tiers through a real server started with a small ``--memory`` budget: a large segment
loads as quantized codes (hot-pq) or warm, a pinned collection holds full vectors, and searches
return the exact neighbours' rows whatever the tier."""

from __future__ import annotations

import numpy as np
import pytest

from lakebeam import LakebeamClient

from conftest import START_TIMEOUT_S, _launch
from sample_docs import SCHEMA, make_docs, unique_name

pytestmark = pytest.mark.integration

N = 9_000  # above the server's exact-scoring shortcut (8,192 rows), so searches walk the graph
# m=8 / ef_construction=40 gave 0.89-0.94 under hot-pq from run to run (a multi-threaded build);
# this graph gives 1.0, so the test checks the tiers, not a borderline graph
PARAMS = {"m": 16, "ef_construction": 100}


@pytest.fixture(scope="module")
def small_memory_uri(tmp_path_factory, lakebeam_uri):
    # 9,000 x 32-d: full vectors ~1.6 MB, quantized codes ~150 KB; a 1 MB budget holds the codes
    server = _launch(tmp_path_factory, "--memory", "1m")
    try:
        yield server.wait_ready(START_TIMEOUT_S)
    finally:
        server.stop()


def _indexed(client, seed):
    name = unique_name("tiers")
    docs = make_docs(N, seed=seed)
    client.create_collection(name, SCHEMA)
    client.insert(name, docs)
    client.create_index(name, "embedding", params=PARAMS)
    return name, docs


def _recall(client, name, docs, queries):
    hits = client.search(name, queries, top_k=10, output_fields=["id"], search_params={"ef": 200})
    vectors = np.stack(docs["embedding"])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    found = 0
    for q, row in zip(queries, hits, strict=True):
        exact = np.argsort(-(vectors @ (q / np.linalg.norm(q))))[:10]
        found += len(set(docs["id"].iloc[exact]) & set(row.column("id").to_pylist()))
    return found / (10 * len(queries))


def test_budget_picks_the_tier_and_pinning_keeps_full_vectors(small_memory_uri):
    with LakebeamClient(small_memory_uri, timeout=300) as client:
        name, docs = _indexed(client, seed=5)
        queries = np.stack(docs["embedding"].iloc[:20]) + 0.01
        assert _recall(client, name, docs, queries) >= 0.9
        index = client.describe_collection(name)["indexes"][0]
        assert index["tier"] == "hot-pq"
        assert 0 < index["memory_bytes"] < 400_000
        status = client.server_status()["index_memory"]
        assert status["budget_bytes"] == 1 << 20
        assert status["used_bytes"] >= index["memory_bytes"]

        assert client.pin_collection(name) == {"collection": name, "pinned": True}
        assert _recall(client, name, docs, queries) >= 0.9
        index = client.describe_collection(name)["indexes"][0]
        assert index["tier"] == "hot"
        assert index["pinned"] is True

        client.pin_collection(name, pinned=False)
        assert client.describe_collection(name)["indexes"][0]["pinned"] is False


def test_pinning_an_unknown_collection_is_not_found(small_memory_uri):
    from lakebeam import errors

    with LakebeamClient(small_memory_uri) as client:
        with pytest.raises(errors.CollectionNotFoundError):
            client.pin_collection("no_such_collection")
