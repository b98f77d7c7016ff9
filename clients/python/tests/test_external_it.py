"""External collections over Parquet files written by pyarrow."""

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sample_docs import unique_name

DIM = 16


def write_files(folder, *, files: int, rows: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    parts = []
    for i in range(files):
        ids = np.arange(i * rows, (i + 1) * rows, dtype=np.int64)
        part = pa.table(
            {
                "id": ids,
                "title": [f"title {j}" for j in ids],
                "embedding": pa.array(
                    list(rng.normal(size=(rows, DIM)).astype(np.float32)), pa.list_(pa.float32())
                ),
            }
        )
        pq.write_table(part, folder / f"part-{i}.parquet")
        parts.append(part)
    return pa.concat_tables(parts)


def test_external_collection_over_a_glob(client, tmp_path):
    data = write_files(tmp_path, files=3, rows=100, seed=31)
    (tmp_path / "README.txt").write_text("not parquet\n")
    name = unique_name("external")

    result = client.create_external_collection(name, str(tmp_path / "*"))
    assert result["collection"] == name
    assert result["added_files"] == 3
    assert result["rows"] == 300
    assert [r["file"].endswith("README.txt") for r in result["rejected"]] == [True]
    assert result["rejected"][0]["reason"]

    description = client.describe_collection(name)
    assert description["external"] is True
    assert description["row_count"] == 300
    assert description["vector_fields"]["embedding"]["dimension"] == DIM

    table = client.query(name).sort_by("id")
    assert table.column("id").to_pylist() == data.column("id").to_pylist()
    assert table.column("title").to_pylist() == data.column("title").to_pylist()

    query = np.asarray(data.column("embedding")[123].as_py(), dtype=np.float32)
    [hits] = client.search(name, query, top_k=3, output_fields=["id", "title"])
    assert hits.column("id")[0].as_py() == 123
    assert hits.column("_file")[0].as_py().endswith("part-1.parquet")
    assert hits.column("_pos")[0].as_py() == 23

    client.create_index(name, "embedding")
    [hits] = client.search(name, query, top_k=3, output_fields=["id"])
    assert hits.column("id")[0].as_py() == 123


def test_external_collection_refresh_picks_up_new_files(client, tmp_path):
    write_files(tmp_path, files=1, rows=50, seed=32)
    name = unique_name("external_refresh")
    client.create_external_collection(name, str(tmp_path / "*.parquet"), metric="l2")
    rng = np.random.default_rng(33)
    pq.write_table(
        pa.table(
            {
                "id": np.arange(1000, 1020, dtype=np.int64),
                "title": [f"late {i}" for i in range(20)],
                "embedding": pa.array(
                    list(rng.normal(size=(20, DIM)).astype(np.float32)), pa.list_(pa.float32())
                ),
            }
        ),
        tmp_path / "part-late.parquet",
    )
    refreshed = client.refresh(name)
    assert refreshed["added_files"] == 1
    assert client.describe_collection(name)["row_count"] == 70
    assert client.drop_collection(name) == {"dropped": True}
    assert (tmp_path / "part-late.parquet").exists()  # never purged: the files are not ours


def test_sources_outside_the_allowed_roots_are_refused_without_detail(client, tmp_path):
    from lakebeam import InvalidArgumentError

    for src in ("/etc/passwd", "/etc/no-such-file", "/", f"{tmp_path}/../../../../etc/*"):
        with pytest.raises(InvalidArgumentError) as e:
            client.create_external_collection(unique_name("outside"), src)
        assert "is not under a source root this server allows" in str(e.value)
        assert "root:" not in str(e.value) and "bash" not in str(e.value)
