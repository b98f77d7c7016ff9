"""Collection schemas: the ``{"column": "type"}`` objects that ``create_collection`` sends."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

__all__ = ["SCALAR_TYPES", "to_schema_spec"]

SCALAR_TYPES = (
    "string",
    "int",
    "long",
    "float",
    "double",
    "bool",
    "timestamp",
    "timestamptz",
    "date",
    "binary",
)
"""Scalar type names of the protocol; vectors are ``float_vector(d)``, ``1 <= d <= 65536``."""

_TYPE_RE = re.compile(
    r"^\s*(?:(?P<scalar>[a-z]+)|float_vector\(\s*(?P<dim>\d+)\s*\))(?P<not_null>\s+not\s+null)?\s*$",
    re.IGNORECASE,
)


def to_schema_spec(schema: Mapping[str, str] | pa.Schema) -> dict[str, str]:
    """Return a collection schema as the protocol's ``{"column": "type"}`` object.

    Parameters
    ----------
    schema : dict of str to str, or pyarrow.Schema
        Either type names (``"string"``, ``"long not null"``, ``"float_vector(384)"``, ...) or
        an Arrow schema, whose ``fixed_size_list<float32>[d]`` fields become vector fields.

    Returns
    -------
    dict of str to str

    Raises
    ------
    ValueError
        When the schema is empty, or a type is unknown or a vector dimension out of range.

    Examples
    --------
    >>> import pyarrow as pa
    >>> to_schema_spec(pa.schema([("text", pa.string()),
    ...                           ("embedding", pa.list_(pa.float32(), 4))]))
    {'text': 'string', 'embedding': 'float_vector(4)'}
    """
    if isinstance(schema, pa.Schema):
        spec = {field.name: _arrow_type_name(field) for field in schema}
    elif isinstance(schema, Mapping):
        spec = {str(name): _check_type_name(name, type_name) for name, type_name in schema.items()}
    else:
        raise ValueError(
            "Cannot use schema: it must be a dict such as {'text': 'string', 'embedding': "
            f"'float_vector(384)'}}, or a pyarrow.Schema, not {type(schema).__name__}"
        )
    if not spec:
        raise ValueError("Cannot use schema: it has no columns")
    return spec


def _check_type_name(name: Any, type_name: Any) -> str:
    match = _TYPE_RE.match(type_name) if isinstance(type_name, str) else None
    if match is None or (match["scalar"] and match["scalar"].lower() not in SCALAR_TYPES):
        raise ValueError(
            f"Cannot use type {type_name!r} for column {name!r}: it must be one of "
            f"{list(SCALAR_TYPES)} or 'float_vector(d)', optionally followed by ' not null'"
        )
    if match["dim"] is not None and not 1 <= int(match["dim"]) <= 65536:
        raise ValueError(
            f"Cannot use type {type_name!r} for column {name!r}: "
            "the dimension must be between 1 and 65536"
        )
    return type_name.strip()


_ARROW_NAMES = (
    (pa.types.is_string, "string"),
    (pa.types.is_large_string, "string"),
    (pa.types.is_int32, "int"),
    (pa.types.is_int16, "int"),
    (pa.types.is_int8, "int"),
    (pa.types.is_int64, "long"),
    (pa.types.is_float32, "float"),
    (pa.types.is_float64, "double"),
    (pa.types.is_boolean, "bool"),
    (pa.types.is_timestamp, "timestamp"),
    (pa.types.is_date32, "date"),
    (pa.types.is_binary, "binary"),
    (pa.types.is_large_binary, "binary"),
)


def _arrow_type_name(field: pa.Field) -> str:
    arrow_type = field.type
    suffix = "" if field.nullable else " not null"
    if pa.types.is_fixed_size_list(arrow_type) and pa.types.is_floating(arrow_type.value_type):
        return f"float_vector({arrow_type.list_size}){suffix}"
    if pa.types.is_timestamp(arrow_type) and arrow_type.tz is not None:
        return "timestamptz" + suffix
    for test, name in _ARROW_NAMES:
        if test(arrow_type):
            return name + suffix
    raise ValueError(
        f"Cannot use column {field.name!r} of Arrow type {arrow_type}: Lakebeam stores "
        f"{list(SCALAR_TYPES)} and vectors given as fixed_size_list<float32>[d]"
    )
