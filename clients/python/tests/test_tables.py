"""Conversion of insert data to Arrow (no server needed)."""

import sys
import types

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from lakebeam.tables import VECTOR_TYPE, conform_to_schema, to_arrow_table

EMBEDDINGS = np.arange(6, dtype=np.float64).reshape(3, 2)


def expected_vectors():
    return EMBEDDINGS.astype(np.float32).tolist()


@pytest.mark.parametrize(
    "data",
    [
        {"id": [1, 2, 3], "embedding": EMBEDDINGS},
        {"id": [1, 2, 3], "embedding": EMBEDDINGS.tolist()},
        {"id": [1, 2, 3], "embedding": list(EMBEDDINGS)},
        pd.DataFrame({"id": [1, 2, 3], "embedding": list(EMBEDDINGS)}),
        pd.DataFrame({"id": [1, 2, 3], "embedding": EMBEDDINGS.tolist()}),
        [{"id": i + 1, "embedding": EMBEDDINGS[i]} for i in range(3)],
        pa.table(
            {"id": [1, 2, 3], "embedding": pa.array(EMBEDDINGS.tolist(), pa.list_(pa.float64(), 2))}
        ),
        pa.RecordBatch.from_pydict(
            {
                "id": [1, 2, 3],
                "embedding": pa.array(EMBEDDINGS.tolist(), pa.large_list(pa.float32())),
            }
        ),
    ],
    ids=[
        "dict-2d",
        "dict-lists",
        "dict-1d-arrays",
        "pandas-arrays",
        "pandas-lists",
        "rows",
        "arrow-fixed-size",
        "batch-large-list",
    ],
)
def test_vector_columns_become_float32_lists(data):
    table = to_arrow_table(data)
    assert table.column_names == ["id", "embedding"]
    assert table.schema.field("embedding").type == VECTOR_TYPE
    assert table.column("embedding").to_pylist() == expected_vectors()
    assert table.column("id").to_pylist() == [1, 2, 3]


def test_rows_with_missing_keys_get_nulls():
    table = to_arrow_table([{"id": 1}, {"id": 2, "text": "b"}])
    assert table.column("text").to_pylist() == [None, "b"]


def test_strings_are_plain_utf8():
    table = to_arrow_table(pd.DataFrame({"text": pd.array(["a", "b"], dtype="string")}))
    assert table.schema.field("text").type == pa.string()


def test_pandas_metadata_is_dropped():
    table = to_arrow_table(pd.DataFrame({"id": [1]}))
    assert table.schema.metadata is None


@pytest.mark.parametrize(
    "data",
    [{}, {"id": []}, [], pd.DataFrame({"id": []}), pa.table({"id": pa.array([], pa.int64())})],
)
def test_empty_data_is_rejected(data):
    with pytest.raises(ValueError, match="Cannot insert: data has no (rows|columns)"):
        to_arrow_table(data)


def test_three_dimensional_column_is_rejected():
    with pytest.raises(ValueError, match="column 'embedding' is a 3-D array"):
        to_arrow_table({"embedding": np.zeros((2, 2, 2))})


def test_unsupported_data_is_rejected():
    with pytest.raises(TypeError, match="not int"):
        to_arrow_table(42)
    with pytest.raises(TypeError, match="list of rows must hold dicts"):
        to_arrow_table([[1, 2], [3, 4]])


def test_insert_while_another_thread_imports_pandas(monkeypatch):
    # A client thread converted rows while another was importing pandas: the half-imported
    # module in sys.modules had no DataFrame yet, and the insert failed with AttributeError.
    monkeypatch.setitem(sys.modules, "pandas", types.ModuleType("pandas"))
    table = to_arrow_table({"id": [1, 2, 3], "embedding": EMBEDDINGS})
    assert table.num_rows == 3


def test_conform_casts_to_collection_types():
    schema = pa.schema(
        [
            pa.field("id", pa.int32(), nullable=False),
            ("text", pa.string()),
            ("embedding", VECTOR_TYPE),
        ]
    )
    table = conform_to_schema(to_arrow_table({"embedding": EMBEDDINGS, "id": [1, 2, 3]}), schema)
    assert table.schema == pa.schema(
        [("embedding", VECTOR_TYPE), pa.field("id", pa.int32(), nullable=False)]
    )


def test_conform_rejects_unknown_column():
    schema = pa.schema([("id", pa.int64())])
    with pytest.raises(ValueError, match="column 'lang' is not in the collection"):
        conform_to_schema(to_arrow_table({"id": [1], "lang": ["en"]}), schema)


def test_conform_rejects_unconvertible_column():
    schema = pa.schema([("year", pa.int32())])
    with pytest.raises(ValueError, match="column 'year' of type string does not convert"):
        conform_to_schema(to_arrow_table({"year": ["twenty"]}), schema)
