"""Batch reads against a real server: GetFlightInfo, then every endpoint in parallel."""

import numpy as np
import pyarrow as pa
import pytest

from lakebeam import LakebeamClient

from sample_docs import SCHEMA, make_docs, unique_name

N = 1500


@pytest.fixture(scope="module")
def docs():
    return make_docs(N, seed=21)


@pytest.fixture(scope="module")
def name(lakebeam_uri, docs):
    name = unique_name("read")
    with LakebeamClient(lakebeam_uri) as client:
        client.create_collection(name, SCHEMA)
        for part in np.array_split(np.arange(N), 5):  # five snapshots, at least five files
            client.insert(name, docs.iloc[part])
    return name


def test_query_equals_the_whole_table(client, docs, name):
    table = client.query(name, splits=4).sort_by("id")
    assert table.num_rows == N
    assert table.column_names == list(SCHEMA)
    assert table.column("id").to_pylist() == docs["id"].tolist()
    assert table.column("text").to_pylist() == docs["text"].tolist()
    assert table.column("lang").to_pylist() == docs["lang"].tolist()
    vector_type = table.schema.field("embedding").type
    assert pa.types.is_list(vector_type) and vector_type.value_type == pa.float32()
    vectors = np.stack(table.column("embedding").to_numpy(zero_copy_only=False))
    np.testing.assert_array_equal(vectors, np.stack(docs["embedding"].to_numpy()))


def test_read_plan_has_several_endpoints(client, name):
    from lakebeam.protocol import read_request
    from lakebeam.reader import ReadPlan

    plan = ReadPlan(client._connection, read_request(collection=name, splits=4))
    assert 1 < len(plan.endpoints) <= 4
    assert plan.total_records in (N, -1)


def test_query_with_filter_and_columns(client, docs, name):
    table = client.query(name, filter="lang = 'fr' AND year < 2018", output_fields=["id", "year"])
    expected = docs[(docs["lang"] == "fr") & (docs["year"] < 2018)]["id"].tolist()
    assert table.column_names == ["id", "year"]
    assert sorted(table.column("id").to_pylist()) == expected


def test_query_limit(client, name):
    assert client.query(name, limit=10).num_rows == 10


def test_read_batches_streams_the_same_rows(client, docs, name):
    batches = list(client.read_batches(name, output_fields=["id"], splits=3))
    assert all(isinstance(b, pa.RecordBatch) for b in batches)
    ids = sorted(pa.Table.from_batches(batches).column("id").to_pylist())
    assert ids == docs["id"].tolist()


def test_path_descriptor_read_with_raw_pyarrow(lakebeam_uri, name):
    import pyarrow.flight as fl

    raw = fl.connect(lakebeam_uri)
    info = raw.get_flight_info(fl.FlightDescriptor.for_path(name))
    rows = sum(raw.do_get(e.ticket).read_all().num_rows for e in info.endpoints)
    assert rows == N
    raw.close()
