"""JSON requests of the Lakebeam Flight protocol, version 1 (``docs/flight-protocol.md``).

Each function validates its arguments the way the server would, so that obvious mistakes fail
early with a ``ValueError`` that names the value, and returns the request as a ``dict``;
:func:`encode` turns it into the bytes of a ticket, command or action body.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from lakebeam.vectors import QueryTexts, QueryVectors

__all__ = [
    "INDEX_TYPES",
    "MAX_TOP_K",
    "METRICS",
    "PROTOCOL_VERSION",
    "check_columns",
    "check_ef",
    "check_filter",
    "check_index_type",
    "check_int",
    "check_metric",
    "check_name",
    "check_top_k",
    "decode",
    "encode",
    "read_request",
    "search_ef",
    "search_request",
]

PROTOCOL_VERSION = 1
"""Value of ``"v"`` in every ticket and command."""

MAX_TOP_K = 10_000
"""Largest ``top_k`` the server accepts."""

METRICS = ("cosine", "dot", "l2")
"""Similarity metrics a vector field or index may use."""

INDEX_TYPES = ("HNSW", "DISKANN")
"""Index types the server builds (``DISKANN`` is a synonym of ``HNSW``)."""


def encode(request: Mapping[str, Any]) -> bytes:
    """Return ``request`` as compact UTF-8 JSON."""
    return json.dumps(request, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


def decode(body: bytes | memoryview | None) -> dict[str, Any]:
    """Parse a JSON reply body; an empty body is ``{}``."""
    if not body:
        return {}
    value = json.loads(bytes(body).decode("utf-8"))
    return value if isinstance(value, dict) else {"result": value}


def search_request(
    *,
    collection: str,
    vectors: QueryVectors | QueryTexts,
    top_k: int = 10,
    field: str | None = None,
    output_fields: Sequence[str] | None = None,
    filter: str | None = None,
    ef: int | None = None,
) -> dict[str, Any]:
    """Build a ``search`` ticket.

    Parameters
    ----------
    collection : str
        Collection name.
    vectors : QueryVectors or QueryTexts
        The queries, from :func:`lakebeam.vectors.to_query`: vectors, or texts that the server
        embeds with the field's recorded model.
    top_k : int, default 10
        Results per query, 1 to :data:`MAX_TOP_K`.
    field : str, optional
        Vector column; the server picks the only one when omitted.
    output_fields : sequence of str, optional
        Scalar columns to return with each hit.
    filter : str, optional
        SQL-like predicate; results are the ``top_k`` nearest among matching rows.
    ef : int, optional
        Search breadth, at least ``top_k``.

    Returns
    -------
    dict
        The ticket, with unset options left out.

    Examples
    --------
    >>> from lakebeam.vectors import to_query_vectors
    >>> search_request(collection="docs", vectors=to_query_vectors([1, 0]), top_k=3)
    {'v': 1, 'type': 'search', 'collection': 'docs', 'vectors_f32': 'AACAPwAAAAA=', 'dim': 2, 'top_k': 3}
    """
    request: dict[str, Any] = {
        "v": PROTOCOL_VERSION,
        "type": "search",
        "collection": check_name(collection, what="collection name"),
        **vectors.to_packed(),
        "top_k": check_top_k(top_k),
    }
    if field is not None:
        request["field"] = check_name(field, what="field")
    if output_fields is not None:
        request["output_fields"] = check_columns(output_fields, what="output_fields")
    if filter is not None:
        request["filter"] = check_filter(filter)
    if ef is not None:
        request["ef"] = check_ef(ef, top_k=top_k)
    return request


def read_request(
    *,
    collection: str,
    columns: Sequence[str] | None = None,
    filter: str | None = None,
    limit: int | None = None,
    splits: int | None = None,
) -> dict[str, Any]:
    """Build a ``read`` command for ``GetFlightInfo``.

    Parameters
    ----------
    collection : str
        Collection name.
    columns : sequence of str, optional
        Columns to return; all when omitted.
    filter : str, optional
        SQL-like predicate on scalar columns.
    limit : int, optional
        Most rows to return, at least 0.
    splits : int, optional
        Most endpoints to split the read into, at least 1; the server picks when omitted.

    Returns
    -------
    dict
        The command, with unset options left out.
    """
    request: dict[str, Any] = {
        "v": PROTOCOL_VERSION,
        "type": "read",
        "collection": check_name(collection, what="collection name"),
    }
    if columns is not None:
        request["columns"] = check_columns(columns, what="columns")
    if filter is not None:
        request["filter"] = check_filter(filter)
    if limit is not None:
        request["limit"] = check_int(limit, what="limit", minimum=0)
    if splits is not None:
        request["splits"] = check_int(splits, what="splits", minimum=1)
    return request


def search_ef(search_params: Mapping[str, Any] | None) -> int | None:
    """Return ``ef`` from PyMilvus-style ``search_params``.

    Both ``{"ef": 100}`` and ``{"params": {"ef": 100}}`` are accepted.

    Raises
    ------
    ValueError
        When ``search_params`` holds a key other than ``ef`` and ``params``.
    """
    if not search_params:
        return None
    params = dict(search_params)
    nested = params.pop("params", None) or {}
    params.update(nested)
    unknown = sorted(set(params) - {"ef"})
    if unknown:
        raise ValueError(f"Cannot search: unknown search_params {unknown}; supported: ['ef']")
    return params.get("ef")


def check_name(value: Any, *, what: str) -> str:
    """Return ``value`` when it is a non-empty string, else raise ``ValueError``."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"Cannot use {what} {value!r}: it must be a non-empty string")
    return value


def check_columns(value: Any, *, what: str) -> list[str]:
    """Return a list of column names; a single string is one column."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence):
        raise ValueError(f"Cannot use {what} {value!r}: it must be a list of column names")
    return [check_name(name, what=f"column in {what}") for name in value]


def check_filter(value: Any) -> str:
    """Return the filter when it is a string, else raise ``ValueError``."""
    if not isinstance(value, str):
        raise ValueError(
            f"Cannot use filter {value!r}: it must be a string such as \"lang = 'en'\""
        )
    return value


def check_top_k(value: Any) -> int:
    """Return ``top_k`` when it is an int in 1..:data:`MAX_TOP_K`, else raise ``ValueError``."""
    return check_int(value, what="top_k", minimum=1, maximum=MAX_TOP_K)


def check_ef(value: Any, *, top_k: int) -> int:
    """Return ``ef`` when it is an int of at least ``top_k``, else raise ``ValueError``."""
    ef = check_int(value, what="ef", minimum=1)
    if ef < top_k:
        raise ValueError(f"Cannot use ef {ef}: it must be at least top_k ({top_k})")
    return ef


def check_metric(value: Any) -> str:
    """Return the metric in lower case when it is one of :data:`METRICS`."""
    if not isinstance(value, str) or value.lower() not in METRICS:
        raise ValueError(f"Cannot use metric {value!r}: it must be one of {list(METRICS)}")
    return value.lower()


def check_index_type(value: Any) -> str:
    """Return the index type in upper case when it is one of :data:`INDEX_TYPES`."""
    if not isinstance(value, str) or value.upper() not in INDEX_TYPES:
        raise ValueError(f"Cannot use index_type {value!r}: it must be one of {list(INDEX_TYPES)}")
    return value.upper()


def check_int(
    value: Any, *, what: str, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` as an int within the bounds, else raise ``ValueError``."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise ValueError(f"Cannot use {what} {value!r}: it must be an integer")
    number = int(value.__index__())
    if minimum is not None and number < minimum:
        raise ValueError(f"Cannot use {what} {number}: it must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise ValueError(f"Cannot use {what} {number}: it must be at most {maximum}")
    return number
