"""What Lakebeam writes is a plain Iceberg table: another engine (pyiceberg) reads it."""

import glob
import os

import numpy as np
import pytest

from sample_docs import DIM, SCHEMA, make_docs, unique_name

pyiceberg_table = pytest.importorskip("pyiceberg.table")


def _latest_metadata(location: str) -> str:
    files = glob.glob(os.path.join(location.removeprefix("file:"), "metadata", "v*.metadata.json"))
    assert files, f"no Iceberg metadata under {location}"
    return max(files, key=lambda f: int(os.path.basename(f)[1:].split(".")[0]))


def test_pyiceberg_reads_rows_vectors_and_sees_the_index(client):
    name = unique_name("interop")
    client.create_collection(name, SCHEMA)
    docs = make_docs(120, seed=5)
    client.insert(name, docs)
    client.create_index(name, field="embedding")
    location = client.describe_collection(name)["location"]

    table = pyiceberg_table.StaticTable.from_metadata(_latest_metadata(location))
    props = table.properties
    assert props["lakebeam.vector.embedding.dimension"] == str(DIM)
    assert props["lakebeam.vector.embedding.metric"] == "cosine"

    arrow = table.scan().to_arrow().sort_by("id")
    assert arrow.num_rows == 120
    assert arrow.column_names == list(SCHEMA)
    vectors = np.stack(arrow.column("embedding").to_numpy(zero_copy_only=False))
    expected = np.stack(docs.sort_values("id")["embedding"].to_numpy())
    np.testing.assert_allclose(vectors, expected.astype(np.float32), rtol=0, atol=0)

    # the index is registered in the table's metadata: a Puffin manifest in metadata/
    manifest = props["lakebeam.index.embedding.manifest"]
    assert manifest.startswith(location) and manifest.endswith(".puffin")
    assert os.path.exists(manifest.removeprefix("file:"))
    assert int(props["lakebeam.index.embedding.snapshot-id"]) == table.current_snapshot().snapshot_id
