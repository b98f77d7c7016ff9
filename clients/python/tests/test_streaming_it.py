"""Streaming reads: ``to_batches`` and ``to_reader`` never hold the whole table in memory."""

from __future__ import annotations

import time

import numpy as np
import pyarrow as pa
import pytest

from lakebeam import LakebeamClient

from sample_docs import SCHEMA, make_docs, unique_name

pytestmark = pytest.mark.integration

N = 6_000
LONG = 240_000  # narrow rows, but 15 server batches (16,384 rows each)


@pytest.fixture(scope="module")
def big(lakebeam_uri):
    name = unique_name("stream")
    docs = make_docs(N, seed=5)
    with LakebeamClient(lakebeam_uri) as client:
        client.create_collection(name, SCHEMA)
        for part in np.array_split(np.arange(N), 2):
            client.insert(name, docs.iloc[part])
    return name, docs


@pytest.fixture(scope="module")
def long_name(lakebeam_uri):
    name = unique_name("stream_long")
    with LakebeamClient(lakebeam_uri) as client:
        client.create_collection(name, {"id": "long", "half": "int"})
        for part in np.array_split(np.arange(LONG), 2):
            client.insert(name, {"id": part, "half": (part >= LONG // 2).astype(np.int32)})
    return name


def test_to_batches_streams_in_bounded_memory(lakebeam_uri, long_name):
    """A paused consumer holds back the endpoint reads: only a few batches are read ahead."""
    name = long_name
    with LakebeamClient(lakebeam_uri, max_workers=1) as client:
        received = []
        real_read_batches = client._connection.read_batches

        def counting(*args, **kwargs):  # the real stream, counted as the reader pulls from it
            for batch in real_read_batches(*args, **kwargs):
                received.append(batch.num_rows)
                yield batch

        client._connection.read_batches = counting
        stream = client.collection(name).to_batches(splits=2)
        first = next(stream)
        time.sleep(1.0)  # an eager reader would have fetched every batch by now
        read_ahead = len(received)
        rows, ids = first.num_rows, int(np.sum(first.column("id").to_numpy()))
        for batch in stream:
            rows += batch.num_rows
            ids += int(np.sum(batch.column("id").to_numpy()))
    assert rows == LONG and ids == LONG * (LONG - 1) // 2
    assert len(received) >= 10, "the table should span many batches"
    assert read_ahead <= 4, f"{read_ahead} of {len(received)} batches read while paused"


def test_closing_the_stream_early_stops_the_read(lakebeam_uri, big):
    name, _ = big
    with LakebeamClient(lakebeam_uri, max_workers=2) as client:
        stream = client.collection(name).to_batches(["id"], splits=2)
        first = next(stream)
        stream.close()
        assert 0 < first.num_rows < N
        assert client.collection(name).count_rows() == N  # the connection is still usable


def test_to_reader_is_a_record_batch_reader(lakebeam_uri, big):
    name, docs = big
    with LakebeamClient(lakebeam_uri) as client:
        reader = client.collection(name).to_reader(["id", "lang"], "lang = 'fr'")
        assert isinstance(reader, pa.RecordBatchReader)
        assert reader.schema.names == ["id", "lang"]
        total = sum(batch.num_rows for batch in reader)
    assert total == int((docs["lang"] == "fr").sum())


def test_to_pandas_and_to_arrow(lakebeam_uri, big):
    name, docs = big
    with LakebeamClient(lakebeam_uri) as client:
        frame = client.collection(name).to_pandas(["id", "year"], "year = 2016")
        limited = client.collection(name).to_arrow(["id"], limit=7)
    assert sorted(frame["id"]) == sorted(docs[docs["year"] == 2016]["id"])
    assert limited.num_rows == 7
