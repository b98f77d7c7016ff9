"""The client against an in-process fake server: what goes on the wire (no Lakebeam needed)."""

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from lakebeam import (
    AuthenticationError,
    CollectionNotFoundError,
    LakebeamClient,
    SearchQuery,
    ServerError,
)

from fake_server import FakeLakebeamServer

RNG = np.random.default_rng(7)
VECTORS = RNG.normal(size=(30, 4)).astype(np.float32)


@pytest.fixture(scope="module")
def docs(fake_server):
    with LakebeamClient(fake_server.uri) as client:
        client.create_collection(
            "docs", {"id": "long", "text": "string", "embedding": "float_vector(4)"}
        )
        client.insert(
            "docs",
            {"id": np.arange(30), "text": [f"t{i}" for i in range(30)], "embedding": VECTORS},
        )
    return "docs"


def last(server, kind):
    return [body for name, body in server.requests if name == kind][-1]


def test_create_collection_sends_the_documented_body(fake_client, fake_server):
    fake_client.create_collection(
        "c1", {"text": "string", "embedding": "float_vector(4)"}, metric="L2"
    )
    assert last(fake_server, "create_collection") == {
        "collection": "c1",
        "schema": {"text": "string", "embedding": "float_vector(4)"},
        "metric": "l2",
        "if_not_exists": False,
    }
    assert fake_client.has_collection("c1")
    assert not fake_client.has_collection("nope")


def test_insert_casts_to_the_collection_schema(fake_client, fake_server, docs):
    before = fake_server.tables[docs].num_rows
    result = fake_client.insert(docs, pd.DataFrame({"id": [100], "embedding": [np.ones(4)]}))
    assert result == {"rows": 1, "snapshot_id": 1, "data_files": 1}
    table = fake_server.tables[docs]
    assert table.num_rows == before + 1
    fake_server.tables[docs] = table.slice(0, before)


def test_search_returns_one_table_per_query(fake_client, fake_server, docs):
    hits = fake_client.search(
        docs,
        VECTORS[:3],
        top_k=2,
        output_fields=["text"],
        search_params={"ef": 50},
        anns_field="embedding",
    )
    assert len(hits) == 3
    for i, table in enumerate(hits):
        assert table.column_names == ["rank", "_score", "_distance", "_file", "_pos", "text"]
        assert table.column("_pos").to_pylist()[0] == i
        assert table.column("text").to_pylist()[0] == f"t{i}"
        assert table.num_rows == 2
    ticket = last(fake_server, "do_get")
    assert ticket == {
        "v": 1,
        "type": "search",
        "collection": docs,
        "vectors": VECTORS[:3].tolist(),
        "top_k": 2,
        "field": "embedding",
        "output_fields": ["text"],
        "ef": 50,
    }


def test_single_vector_search_gives_a_list_of_one_table(fake_client, docs):
    hits = fake_client.search(docs, VECTORS[5].tolist(), top_k=1)
    assert len(hits) == 1 and hits[0].column("_pos").to_pylist() == [5]


def test_many_queries_are_split_across_tickets(fake_client, fake_server, docs, monkeypatch):
    monkeypatch.setattr("lakebeam.client._MAX_FLOATS_PER_TICKET", 8)  # two 4-d vectors a ticket
    hits = fake_client.search(docs, VECTORS[:5], top_k=1)
    assert [t.column("_pos").to_pylist() for t in hits] == [[0], [1], [2], [3], [4]]
    tickets = [b for n, b in fake_server.requests if n == "do_get"][-3:]
    assert [len(t["vectors"]) for t in tickets] == [2, 2, 1]


def test_client_side_mistakes_fail_before_any_call(fake_client, fake_server, docs):
    count = len(fake_server.requests)
    with pytest.raises(ValueError, match="top_k 0"):
        fake_client.search(docs, VECTORS[0], top_k=0)
    with pytest.raises(ValueError, match="3-D"):
        fake_client.search(docs, np.zeros((2, 2, 4)))
    with pytest.raises(ValueError, match="no rows"):
        fake_client.insert(docs, [])
    assert len(fake_server.requests) == count


def test_query_reads_every_endpoint_and_concatenates(fake_client, fake_server, docs):
    table = fake_client.query(docs, output_fields=["id", "text"], splits=4)
    assert last(fake_server, "get_flight_info") == {
        "v": 1,
        "type": "read",
        "collection": docs,
        "columns": ["id", "text"],
        "splits": 4,
    }
    assert table.column_names == ["id", "text"]
    assert sorted(table.column("id").to_pylist()) == list(range(30))


def test_query_limit_is_applied_to_the_whole_result(fake_client, docs):
    assert fake_client.query(docs, limit=7, splits=3).num_rows == 7


def test_read_batches_streams_every_row(fake_client, docs):
    batches = list(fake_client.read_batches(docs, splits=5))
    assert all(isinstance(b, pa.RecordBatch) for b in batches)
    assert sorted(pa.Table.from_batches(batches).column("id").to_pylist()) == list(range(30))


def test_read_batches_stops_at_limit(fake_client, docs):
    batches = list(fake_client.read_batches(docs, splits=5, limit=8))
    assert sum(b.num_rows for b in batches) == 8


def test_fluent_search(fake_client, docs):
    query = fake_client.collection(docs).search(VECTORS[2]).select(["text"]).limit(3)
    assert isinstance(query, SearchQuery)
    table = query.to_arrow()
    assert "query_index" not in table.column_names
    assert table.column("text").to_pylist()[0] == "t2"
    assert query.to_list()[0]["text"] == "t2"
    assert list(query.to_pandas().columns)[-1] == "text"


def test_fluent_batch_search_keeps_query_index(fake_client, docs):
    table = fake_client.collection(docs).search(VECTORS[:2]).limit(2).to_arrow()
    assert table.column("query_index").to_pylist() == [0, 0, 1, 1]


def test_fluent_refinements_do_not_change_the_original(fake_client, docs):
    base = fake_client.collection(docs).search(VECTORS[0])
    refined = base.where("id > 3").limit(4).ef(16).field("embedding")
    assert (base.top_k, base.filter, base.search_ef) == (10, None, None)
    assert (refined.top_k, refined.filter, refined.search_ef, refined.vector_field) == (
        4,
        "id > 3",
        16,
        "embedding",
    )


def test_create_index_fills_in_the_only_vector_field(fake_client, fake_server, docs):
    fake_client.create_index(docs)
    assert last(fake_server, "create_index") == {
        "collection": docs,
        "field": "embedding",
        "index_type": "HNSW",
        "metric": "cosine",
    }


def test_unknown_collection_maps_to_collection_not_found(fake_client):
    with pytest.raises(CollectionNotFoundError, match="Cannot find collection: ghost"):
        fake_client.describe_collection("ghost")
    with pytest.raises(CollectionNotFoundError, match="ghost"):
        fake_client.search("ghost", [1.0, 2.0, 3.0, 4.0])


def test_token_is_sent_as_bearer_header():
    server = FakeLakebeamServer(token="s3cret")
    try:
        with LakebeamClient(server.uri, token="s3cret") as client:
            assert client.list_collections() == []
        assert server.recorder.headers[-1]["authorization"] == ["Bearer s3cret"]
        with LakebeamClient(server.uri, token="wrong") as client:
            with pytest.raises(AuthenticationError, match="bad token"):
                client.list_collections()
    finally:
        server.shutdown()


def test_unreachable_server_is_a_server_error():
    with LakebeamClient("127.0.0.1:1", timeout=5) as client:
        with pytest.raises(ServerError) as info:
            client.list_collections()
    assert info.value.status == "UNAVAILABLE"


def test_requests_are_valid_json_on_the_wire(fake_server):
    for _, body in fake_server.requests:
        json.dumps(body)
