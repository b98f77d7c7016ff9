"""Search results: the search stream split into one table per query."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

__all__ = ["QUERY_INDEX", "split_by_query"]

QUERY_INDEX = "query_index"
"""Column of the search stream that says which query a row answers."""


def split_by_query(table: pa.Table, *, num_queries: int) -> list[pa.Table]:
    """Split a search stream into one table per query, without the ``query_index`` column.

    Parameters
    ----------
    table : pyarrow.Table
        The whole ``DoGet`` stream of a search: ``query_index``, ``rank``, ``_score``, ...
    num_queries : int
        Number of query vectors sent; a query without hits gets an empty table.

    Returns
    -------
    list of pyarrow.Table
        ``num_queries`` tables, each sorted by ``rank``.

    Examples
    --------
    >>> import pyarrow as pa
    >>> t = pa.table({"query_index": pa.array([0, 0, 1], pa.int32()), "rank": [0, 1, 0]})
    >>> [part.num_rows for part in split_by_query(t, num_queries=3)]
    [2, 1, 0]
    """
    if QUERY_INDEX not in table.column_names:
        if num_queries != 1:
            raise ValueError(
                f"Cannot split search results: the server sent no {QUERY_INDEX!r} column"
            )
        return [table]
    if num_queries == 1:  # one query (the hot path): every row answers it, in rank order
        return [table.drop_columns([QUERY_INDEX])]
    query_index = table.column(QUERY_INDEX).to_numpy()
    order = np.argsort(query_index, kind="stable")
    if not np.array_equal(order, np.arange(len(order))):
        table = table.take(pa.array(order))
        query_index = query_index[order]
    bounds = np.searchsorted(query_index, np.arange(num_queries + 1), side="left")
    rest = table.drop_columns([QUERY_INDEX])
    return [
        rest.slice(int(start), int(end - start))
        for start, end in zip(bounds[:-1], bounds[1:], strict=True)
    ]
