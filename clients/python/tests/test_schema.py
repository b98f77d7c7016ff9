"""Collection schema specs (no server needed)."""

import pyarrow as pa
import pytest

from lakebeam.schema import to_schema_spec


def test_dict_schema_passes_through():
    spec = {"text": "string", "year": "int not null", "embedding": "float_vector(384)"}
    assert to_schema_spec(spec) == spec


def test_arrow_schema_is_converted():
    schema = pa.schema(
        [
            pa.field("id", pa.int64(), nullable=False),
            ("text", pa.string()),
            ("stars", pa.float64()),
            ("ok", pa.bool_()),
            ("ts", pa.timestamp("us")),
            ("embedding", pa.list_(pa.float32(), 8)),
        ]
    )
    assert to_schema_spec(schema) == {
        "id": "long not null",
        "text": "string",
        "stars": "double",
        "ok": "bool",
        "ts": "timestamp",
        "embedding": "float_vector(8)",
    }


@pytest.mark.parametrize(
    "type_name", ["varchar", "float_vector()", "float_vector(0)", "float_vector(70000)", 7]
)
def test_bad_type_names_are_rejected(type_name):
    with pytest.raises(ValueError, match="Cannot use type"):
        to_schema_spec({"col": type_name})


def test_unsupported_arrow_type_is_rejected():
    with pytest.raises(ValueError, match="column 'm' of Arrow type map"):
        to_schema_spec(pa.schema([("m", pa.map_(pa.string(), pa.int32()))]))


def test_empty_schema_is_rejected():
    with pytest.raises(ValueError, match="no columns"):
        to_schema_spec({})
