"""Conversion of insert data into Arrow tables shaped like a collection's schema."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["VECTOR_TYPE", "conform_to_schema", "to_arrow_table"]

VECTOR_TYPE = pa.list_(pa.float32())
"""Arrow type of a vector column on the wire: ``list<item: float>``."""


def to_arrow_table(data: Any) -> pa.Table:
    """Turn insert ``data`` into a :class:`pyarrow.Table` whose vector columns are float32 lists.

    Parameters
    ----------
    data : pyarrow.Table, pyarrow.RecordBatch, pandas.DataFrame, list of dict, or dict of lists
        The rows to insert. In a dict of columns, a vector column may be a 2-D numpy array
        (one row per vector) or a list of lists or 1-D arrays.

    Returns
    -------
    pyarrow.Table
        Numeric list columns (``fixed_size_list``, ``large_list``, lists of doubles or ints)
        become ``list<float32>``; ``large_string`` becomes ``string``.

    Raises
    ------
    ValueError
        When ``data`` has no rows or no columns, or a column is a 3-D or deeper array.
    TypeError
        When ``data`` is of none of the accepted kinds.

    Examples
    --------
    >>> import numpy as np
    >>> t = to_arrow_table({"id": [1, 2], "embedding": np.zeros((2, 3))})
    >>> t.schema.field("embedding").type
    ListType(list<item: float>)
    """
    table = _as_table(data)
    if table.num_columns == 0:
        raise ValueError("Cannot insert: data has no columns")
    if table.num_rows == 0:
        raise ValueError("Cannot insert: data has no rows")
    return _normalise_types(table)


def conform_to_schema(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Cast ``table``'s columns to the types ``schema`` gives them, keeping only its columns.

    Parameters
    ----------
    table : pyarrow.Table
        Output of :func:`to_arrow_table`.
    schema : pyarrow.Schema
        The collection's schema (from Flight ``GetSchema``).

    Returns
    -------
    pyarrow.Table
        The same rows with each column cast to the collection's type and field definition.

    Raises
    ------
    ValueError
        When a column is not in the collection, or cannot be cast to its type.
    """
    fields, arrays = [], []
    for name, column in zip(table.column_names, table.columns, strict=True):
        index = schema.get_field_index(name)
        if index < 0:
            raise ValueError(
                f"Cannot insert: column {name!r} is not in the collection; "
                f"its columns are {schema.names}"
            )
        target = schema.field(index)
        if not column.type.equals(target.type):
            try:
                column = column.cast(target.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
                raise ValueError(
                    f"Cannot insert: column {name!r} of type {column.type} does not convert to "
                    f"the collection's type {target.type}: {exc}"
                ) from None
        fields.append(target.with_nullable(target.nullable or column.null_count > 0))
        arrays.append(column)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _as_table(data: Any) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if _is_dataframe(data):
        return pa.Table.from_pandas(data, preserve_index=False)
    if isinstance(data, Mapping):
        return pa.table({str(name): _column(name, values) for name, values in data.items()})
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        if not data:
            raise ValueError("Cannot insert: data has no rows")
        if not all(isinstance(row, Mapping) for row in data):
            raise TypeError("Cannot insert: a list of rows must hold dicts (column -> value)")
        names = list(dict.fromkeys(name for row in data for name in row))
        return pa.table({name: _column(name, [row.get(name) for row in data]) for name in names})
    raise TypeError(
        "Cannot insert: data must be a pyarrow Table or RecordBatch, a pandas DataFrame, "
        f"a list of dicts or a dict of columns, not {type(data).__name__}"
    )


def _is_dataframe(data: Any) -> bool:
    # pandas may be half-imported by another thread (pyarrow imports it lazily): no DataFrame yet
    dataframe = getattr(sys.modules.get("pandas"), "DataFrame", None)
    return dataframe is not None and isinstance(data, dataframe)


def _column(name: Any, values: Any) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values
    if isinstance(values, np.ndarray):
        if values.ndim == 2:
            return _vectors_from_2d(values)
        if values.ndim > 2:
            raise ValueError(
                f"Cannot insert: column {name!r} is a {values.ndim}-D array of shape "
                f"{values.shape}; vectors must be a 2-D array (one row per vector)"
            )
        if values.dtype == object:
            values = list(values)
        else:
            return pa.array(values)
    if isinstance(values, Sequence) and not isinstance(values, (str, bytes)):
        values = [v.tolist() if isinstance(v, np.ndarray) else v for v in values]
        return pa.array(values)
    return pa.array(values)


def _vectors_from_2d(values: np.ndarray) -> pa.Array:
    flat = np.ascontiguousarray(values, dtype=np.float32).reshape(-1)
    fixed = pa.FixedSizeListArray.from_arrays(pa.array(flat), values.shape[1])
    return fixed.cast(VECTOR_TYPE)


def _normalise_types(table: pa.Table) -> pa.Table:
    columns, changed = [], False
    for column in table.columns:
        target = _wire_type(column.type)
        if target is not None and not target.equals(column.type):
            column, changed = column.cast(target), True
        columns.append(column)
    if not changed:
        return table.replace_schema_metadata(None)
    return pa.table(dict(zip(table.column_names, columns, strict=True)))


def _wire_type(arrow_type: pa.DataType) -> pa.DataType | None:
    if pa.types.is_large_string(arrow_type) or pa.types.is_string_view(arrow_type):
        return pa.string()
    if (
        pa.types.is_list(arrow_type)
        or pa.types.is_large_list(arrow_type)
        or pa.types.is_fixed_size_list(arrow_type)
        or pa.types.is_list_view(arrow_type)
    ):
        value_type = arrow_type.value_type
        if pa.types.is_floating(value_type) or pa.types.is_integer(value_type):
            return VECTOR_TYPE
    return None
