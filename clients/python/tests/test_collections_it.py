"""Collections against a real server: create, insert, describe, drop, errors of each."""

import numpy as np
import pyarrow as pa
import pytest

from lakebeam import AlreadyExistsError, CollectionNotFoundError, InvalidArgumentError

from sample_docs import DIM, SCHEMA, make_docs, unique_name


@pytest.fixture
def name(lakebeam_uri):
    return unique_name("coll")


def test_create_insert_describe(client, name):
    created = client.create_collection(name, SCHEMA)
    assert created["collection"] == name
    assert created["row_count"] == 0
    assert name in client.list_collections()
    assert client.has_collection(name)

    first = client.insert(name, make_docs(50, seed=1))  # pandas, vectors as numpy rows
    assert first["rows"] == 50
    more = make_docs(30, seed=2, start_id=50)
    second = client.insert(
        name,
        {  # dict of columns, vectors as a 2-D numpy array
            "id": more["id"].to_numpy(),
            "text": more["text"].tolist(),
            "lang": more["lang"].tolist(),
            "year": more["year"].to_numpy(),
            "embedding": np.stack(more["embedding"].to_numpy()),
        },
    )
    assert second["rows"] == 30
    assert second["snapshot_id"] != first["snapshot_id"]

    description = client.describe_collection(name)
    assert description["collection"] == name
    assert description["row_count"] == 80
    assert description["external"] is False
    assert description["vector_fields"]["embedding"]["dimension"] == DIM
    assert description["vector_fields"]["embedding"]["metric"] == "cosine"
    assert [c["name"] for c in description["schema"]] == list(SCHEMA)
    assert description["indexes"] == []


def test_insert_rows_and_arrow_and_missing_optional_columns(client, name):
    client.create_collection(name, SCHEMA)
    vector = [0.5] * DIM
    assert client.insert(name, [{"id": 1, "embedding": vector, "lang": "en"}])["rows"] == 1
    table = pa.table(
        {
            "id": pa.array([2], pa.int64()),
            "embedding": pa.array([vector], pa.list_(pa.float32(), DIM)),
        }
    )
    assert client.insert(name, table)["rows"] == 1
    rows = client.query(name, output_fields=["id", "lang", "text"]).sort_by("id").to_pylist()
    assert rows == [{"id": 1, "lang": "en", "text": None}, {"id": 2, "lang": None, "text": None}]


def test_create_twice_is_already_exists_unless_if_not_exists(client, name):
    client.create_collection(name, SCHEMA)
    with pytest.raises(AlreadyExistsError, match=name):
        client.create_collection(name, SCHEMA)
    assert client.create_collection(name, SCHEMA, if_not_exists=True)["collection"] == name


def test_wrong_dimension_insert_is_rejected_and_commits_nothing(client, name):
    client.create_collection(name, SCHEMA)
    client.insert(name, make_docs(5, seed=3))
    bad = make_docs(3, seed=4, start_id=5)
    bad.at[1, "embedding"] = np.ones(DIM + 1, dtype=np.float32)
    with pytest.raises(InvalidArgumentError, match="dimension|row"):
        client.insert(name, bad)
    assert client.describe_collection(name)["row_count"] == 5


def test_bad_schema_type_is_rejected_by_the_client(client, name):
    with pytest.raises(ValueError, match="Cannot use type 'vector'"):
        client.create_collection(name, {"v": "vector"})
    assert not client.has_collection(name)


def test_drop_collection(client, name):
    client.create_collection(name, SCHEMA)
    assert client.drop_collection(name, purge=True) == {"dropped": True}
    assert name not in client.list_collections()
    with pytest.raises(CollectionNotFoundError, match=name):
        client.describe_collection(name)


def test_collection_handle(client, name):
    client.create_collection(name, SCHEMA)
    docs = client.collection(name)
    docs.insert(make_docs(12, seed=5))
    assert docs.count_rows() == 12
    assert docs.describe()["collection"] == name
    assert "embedding" in docs.schema.names
    assert docs.to_arrow(columns=["id"], filter="id < 4").num_rows == 4
