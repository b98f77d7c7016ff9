"""Ray Data reads a collection through its Flight endpoints and writes results back, on a real
local Ray cluster (2 CPUs, one session for every Ray test) and a real server."""

from __future__ import annotations

import numpy as np
import pytest

from lakebeam import LakebeamClient
from lakebeam.ray import LakebeamDatasink, LakebeamDatasource, read_lakebeam

from sample_docs import DIM, SCHEMA, make_docs, unique_name

pytestmark = pytest.mark.integration

N = 1200
FILES = 4


@pytest.fixture(scope="module")
def docs():
    return make_docs(N, seed=77)


@pytest.fixture(scope="module")
def name(lakebeam_uri, docs):
    name = unique_name("ray")
    with LakebeamClient(lakebeam_uri) as client:
        client.create_collection(name, SCHEMA)
        for part in np.array_split(np.arange(N), FILES):  # one data file per insert
            client.insert(name, docs.iloc[part])
    return name


def test_one_read_task_per_endpoint(lakebeam_uri, name):
    source = LakebeamDatasource(lakebeam_uri, name, splits=FILES)
    tasks = source.get_read_tasks(parallelism=200)
    assert len(tasks) == FILES
    assert tasks[0].schema.names == list(SCHEMA)


def test_read_equals_the_table(ray_session, lakebeam_uri, name, docs):
    ds = ray_session.data.read_datasource(LakebeamDatasource(lakebeam_uri, name, splits=FILES))
    frame = ds.to_pandas().sort_values("id").reset_index(drop=True)
    assert frame["id"].tolist() == docs["id"].tolist()
    assert frame["text"].tolist() == docs["text"].tolist()
    np.testing.assert_array_equal(np.stack(frame["embedding"]), np.stack(docs["embedding"]))


def test_endpoints_are_read_in_parallel(ray_session, lakebeam_uri, name, tmp_path):
    """Two read tasks are live at once: each task announces itself in a shared folder and waits
    (up to a minute, so a loaded machine cannot fail it) until it sees another worker's task live
    or learns that two tasks have already met. A sequential read never meets and fails."""
    ds = read_lakebeam(lakebeam_uri, name, columns=["id"], splits=FILES)
    rendezvous = str(tmp_path)

    def meet(batch):
        import os
        import time
        import uuid

        pid = os.getpid()
        me = os.path.join(rendezvous, f"live-{pid}-{uuid.uuid4().hex}")
        open(me, "w").close()
        met_with = -1
        try:
            deadline = time.time() + 60
            while time.time() < deadline:
                peers = {int(f.split("-")[1]) for f in os.listdir(rendezvous)
                         if f.startswith("live-")} - {pid}
                if peers:
                    met_with = min(peers)
                    open(os.path.join(rendezvous, "met"), "w").close()
                    break
                if os.path.exists(os.path.join(rendezvous, "met")):
                    break
                time.sleep(0.05)
        finally:
            os.remove(me)
        rows = len(batch["id"])
        return {"pid": np.full(rows, pid), "met_with": np.full(rows, met_with)}

    tasks = ds.map_batches(meet, batch_size=None).to_pandas().drop_duplicates()
    assert len(tasks) >= 2
    met = tasks[tasks["met_with"] >= 0]
    assert len(met) > 0, "no two read tasks were ever live at the same time"
    assert (met["met_with"] != met["pid"]).all()


def test_columns_and_filter_are_pushed_down(ray_session, lakebeam_uri, name, docs):
    source = LakebeamDatasource(lakebeam_uri, name, columns=["id", "lang", "year"],
                                filter="lang = 'de' AND year >= 2020")
    frame = ray_session.data.read_datasource(source).to_pandas()
    assert list(frame.columns) == ["id", "lang", "year"]
    expected = docs[(docs["lang"] == "de") & (docs["year"] >= 2020)]["id"]
    assert sorted(frame["id"]) == sorted(expected)


def test_select_columns_is_pushed_into_the_read(ray_session, lakebeam_uri, name):
    source = LakebeamDatasource(lakebeam_uri, name)
    assert source.supports_projection_pushdown()
    projected = source.apply_projection({"id": "id", "year": "year"})
    [task, *_] = projected.get_read_tasks(parallelism=1)
    assert task.schema.names == ["id", "year"]  # what the server was asked for
    ds = ray_session.data.read_datasource(source).select_columns(["year"])
    assert ds.schema().names == ["year"] and ds.count() == N


def test_map_batches_results_written_back(ray_session, lakebeam_uri, name, docs):
    target = unique_name("ray_norms")
    with LakebeamClient(lakebeam_uri) as client:
        client.create_collection(target, {"id": "long", "norm": "double", "lang": "string"})

    def norms(batch):
        vectors = np.stack(batch["embedding"])
        return {"id": batch["id"], "norm": np.linalg.norm(vectors, axis=1), "lang": batch["lang"]}

    sink = LakebeamDatasink(lakebeam_uri, target)
    (read_lakebeam(lakebeam_uri, name, columns=["id", "lang", "embedding"], splits=FILES)
        .map_batches(norms, batch_format="numpy")
        .write_datasink(sink))
    assert sink.rows_written == N and len(sink.snapshots) >= 1
    with LakebeamClient(lakebeam_uri) as client:
        written = client.query(target).to_pandas().sort_values("id")
    assert written["id"].tolist() == docs["id"].tolist()
    expected = np.linalg.norm(np.stack(docs["embedding"]).astype(np.float64), axis=1)
    np.testing.assert_allclose(written["norm"], expected, rtol=1e-5)
    assert written["lang"].tolist() == docs["lang"].tolist()


def test_vectors_are_float32_lists(ray_session, lakebeam_uri, name):
    batch = read_lakebeam(lakebeam_uri, name, columns=["embedding"]).take_batch(5)
    assert np.stack(batch["embedding"]).shape == (5, DIM)


def test_a_retried_write_task_adds_nothing(lakebeam_uri, docs):
    import pyarrow as pa
    from ray.data._internal.execution.interfaces import TaskContext

    target = unique_name("ray_retry")
    with LakebeamClient(lakebeam_uri) as client:
        client.create_collection(target, SCHEMA)
    sink = LakebeamDatasink(lakebeam_uri, target)
    blocks = [pa.Table.from_pandas(docs.iloc[:40], preserve_index=False)]
    first = sink.write(blocks, TaskContext(task_idx=3, op_name="Write"))
    retried = sink.write(blocks, TaskContext(task_idx=3, op_name="Write"))  # Ray retries task 3
    assert retried == first and first["rows"] == 40
    sink.write(blocks, TaskContext(task_idx=4, op_name="Write"))  # another task of the write
    with LakebeamClient(lakebeam_uri) as client:
        assert client.describe_collection(target)["row_count"] == 80
