"""Ray Data integration: read a collection in parallel, one read task per Flight endpoint, and
write a dataset back through the server.

Needs Ray Data: ``pip install 'lakebeam[ray]'``.

The read is planned by the server (``GetFlightInfo``): the columns and the filter are pushed
down to it, and each endpoint (a disjoint set of the table's data files at one snapshot)
becomes one Ray read task that streams its ``DoGet``. ``Dataset.select_columns`` is pushed down
as well. Writes go through ``DoPut``: each write task commits its rows as one snapshot, under
an idempotency key made of the write's id and the task's index, so a retried task adds nothing.

Examples
--------
>>> import ray
>>> from lakebeam.ray import LakebeamDatasink, LakebeamDatasource
>>> ds = ray.data.read_datasource(LakebeamDatasource(  # doctest: +SKIP
...     "grpc://127.0.0.1:8815", "kb.chunks", columns=["uri", "text"], filter="ordinal = 0"))
>>> def chars(b):
...     return {"uri": b["uri"], "chars": [len(t) for t in b["text"]]}
>>> lengths = ds.map_batches(chars)  # doctest: +SKIP
>>> sink = LakebeamDatasink("grpc://127.0.0.1:8815", "kb.lengths")  # doctest: +SKIP
>>> lengths.write_datasink(sink)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

try:
    import ray.data
    from ray.data.block import Block, BlockAccessor, BlockMetadata
    from ray.data.datasource import Datasink, Datasource, ReadTask
except ImportError as exc:  # pragma: no cover - exercised by test_optional_extras
    raise ImportError(
        "lakebeam.ray needs Ray Data: pip install 'lakebeam[ray]' (or pip install 'ray[data]'); "
        f"import failed with: {exc}"
    ) from None

import pyarrow as pa

from lakebeam import once, protocol
from lakebeam.client import LakebeamClient
from lakebeam.connection import Connection
from lakebeam.reader import ReadPlan

__all__ = ["LakebeamDatasink", "LakebeamDatasource", "read_lakebeam"]

_BLOCK_BYTES = 64 << 20
"""Server batches (4,096 rows each) are gathered into blocks of about this size."""


class LakebeamDatasource(Datasource):
    """A Ray Data source over a Lakebeam collection: one read task per Flight endpoint.

    The read is planned once here, so an unknown collection or column, a malformed filter, a
    missing token or a server that is not running fail at once with the client's errors. The
    endpoints are planned again when Ray asks for the read tasks (with the columns Ray still
    needs after ``select_columns``), at the table's snapshot of that moment.

    Parameters
    ----------
    uri : str
        The server, e.g. ``"grpc://127.0.0.1:8815"``; every Ray worker must reach it.
    collection_name : str
        The collection to read.
    columns : list of str, optional
        Columns to read; all when omitted.
    filter : str, optional
        Lakebeam filter, e.g. ``"lang = 'en' AND year >= 2020"``; evaluated by the server.
    splits : int, optional
        Most endpoints (so read tasks); the server's default (2 per server core, at most one
        per data file) when omitted.
    token : str, optional
        Bearer token, for a server started with ``--token``.
    timeout : float, optional
        Seconds each Flight call may take.

    Examples
    --------
    >>> ds = ray.data.read_datasource(  # doctest: +SKIP
    ...     LakebeamDatasource("grpc://127.0.0.1:8815", "docs", columns=["id", "embedding"]))
    >>> ds.count()  # doctest: +SKIP
    1500
    """

    def __init__(
        self,
        uri: str,
        collection_name: str,
        *,
        columns: Sequence[str] | None = None,
        filter: str | None = None,
        splits: int | None = None,
        token: str | None = None,
        timeout: float | None = None,
    ) -> None:
        super().__init__()
        self._projection_map = None
        self.collection_name = protocol.check_name(collection_name, what="collection name")
        self.columns = None if columns is None else protocol.check_columns(columns, what="columns")
        self.filter = None if filter is None else protocol.check_filter(filter)
        if splits is not None:
            splits = protocol.check_int(splits, what="splits", minimum=1)
        self.splits = splits
        self._token = token
        self._timeout = timeout
        with LakebeamClient(uri, token=token, timeout=timeout) as client:
            self.uri = client.uri
            plan = self._plan(client, self.columns)
            self._schema = plan.schema()
            self._size = plan.info.total_bytes

    def supports_projection_pushdown(self) -> bool:
        return True

    def estimate_inmemory_data_size(self) -> int | None:
        """The server's estimate of the read's bytes, or ``None`` when it gives none."""
        return self._size if self._size and self._size > 0 else None

    def get_name(self) -> str:
        return "Lakebeam"

    def get_read_tasks(
        self,
        parallelism: int,
        per_task_row_limit: int | None = None,
        data_context: Any = None,
    ) -> list[ReadTask]:
        """Plan the read and return one task per endpoint (``parallelism`` is not used)."""
        columns = self._read_columns()
        with LakebeamClient(self.uri, token=self._token, timeout=self._timeout) as client:
            plan = self._plan(client, columns)
            schema = plan.schema()
            endpoints = plan.endpoints
        tasks = []
        for endpoint in endpoints:
            locations = [_location_uri(loc) for loc in endpoint.locations]
            read = functools.partial(
                _read_endpoint,
                uri=self.uri,
                token=self._token,
                timeout=self._timeout,
                ticket=endpoint.ticket.ticket,
                locations=locations,
            )
            metadata = BlockMetadata(
                num_rows=None, size_bytes=None, input_files=None, exec_stats=None
            )
            tasks.append(
                ReadTask(read, metadata, schema=schema, per_task_row_limit=per_task_row_limit)
            )
        return tasks

    def _read_columns(self) -> list[str] | None:
        wanted = self._get_data_columns()
        if wanted is None:
            return self.columns
        base = self.columns if self.columns is not None else self._schema.names
        return [c for c in base if c in wanted]

    def _plan(self, client: LakebeamClient, columns: list[str] | None) -> ReadPlan:
        request = protocol.read_request(
            collection=self.collection_name, columns=columns, filter=self.filter, splits=self.splits
        )
        return ReadPlan(client._connection, request)

    def __repr__(self) -> str:
        return f"LakebeamDatasource({self.uri!r}, {self.collection_name!r})"


def read_lakebeam(uri: str, collection_name: str, **kwargs: Any) -> ray.data.Dataset:
    """Return ``ray.data.read_datasource(LakebeamDatasource(uri, collection_name, **kwargs))``.

    ``kwargs`` are those of :class:`LakebeamDatasource` (``columns``, ``filter``, ``splits``,
    ``token``, ``timeout``).
    """
    return ray.data.read_datasource(LakebeamDatasource(uri, collection_name, **kwargs))


def _read_endpoint(
    *,
    uri: str,
    token: str | None,
    timeout: float | None,
    ticket: bytes,
    locations: list[str],
) -> Iterator[Block]:
    """Stream one endpoint, in blocks of about :data:`_BLOCK_BYTES` (runs in a Ray worker)."""
    import pyarrow.flight as flight

    connection = Connection(uri, token=token, timeout=timeout)
    try:
        pending: list[pa.RecordBatch] = []
        size = 0
        for batch in connection.read_batches(flight.Ticket(ticket), locations=locations):
            pending.append(batch)
            size += batch.nbytes
            if size >= _BLOCK_BYTES:
                yield pa.Table.from_batches(pending)
                pending, size = [], 0
        if pending:
            yield pa.Table.from_batches(pending)
    finally:
        connection.close()


class LakebeamDatasink(Datasink[dict]):
    """A Ray Data sink that appends a dataset's rows to a collection through the server.

    Each write task sends its blocks in one ``DoPut``, committed as one Iceberg snapshot; the
    collection must exist (create it with :meth:`LakebeamClient.create_collection`). Columns
    are cast to the collection's types, as :meth:`LakebeamClient.insert` does.

    Exactly once: task ``i`` commits under the idempotency key ``"<write_id>-task-<i>"``, so a
    task that Ray retries after it committed (a lost acknowledgement, a worker that died after
    the commit) adds nothing. After a write completes the sink draws a new ``write_id`` for the
    next write, unless ``write_id`` was given.

    Parameters
    ----------
    uri : str
        The server; every Ray worker must reach it.
    collection_name : str
        The collection to append to.
    token : str, optional
        Bearer token.
    write_id : str, optional
        Names the write; give the same id to a rerun of a job whose write may have partly
        committed, so committed tasks are skipped. A random id when omitted.

    Attributes
    ----------
    rows_written : int
        Rows committed, once the write has finished.
    snapshots : list of int
        The snapshot ids the write tasks committed.

    Examples
    --------
    >>> sink = LakebeamDatasink("grpc://127.0.0.1:8815", "kb.lengths")  # doctest: +SKIP
    >>> ds.write_datasink(sink)  # doctest: +SKIP
    >>> sink.rows_written  # doctest: +SKIP
    13
    """

    def __init__(
        self,
        uri: str,
        collection_name: str,
        *,
        token: str | None = None,
        write_id: str | None = None,
    ) -> None:
        self.collection_name = protocol.check_name(collection_name, what="collection name")
        self._token = token
        self._fixed_write_id = write_id is not None
        self.write_id = once.new_key() if write_id is None else once.check_key(write_id)
        with LakebeamClient(uri, token=token) as client:
            self.uri = client.uri
            client.describe_collection(self.collection_name)  # fails now if it does not exist
        self.rows_written = 0
        self.snapshots: list[int] = []

    def get_name(self) -> str:
        return "Lakebeam"

    def write(self, blocks: Iterable[Block], ctx: Any) -> dict:
        """Send this task's blocks as one snapshot; returns the server's insert result."""
        tables = [BlockAccessor.for_block(b).to_arrow() for b in blocks]
        tables = [t for t in tables if t.num_rows]
        if not tables:
            return {"rows": 0}
        key = once.check_key(f"{self.write_id}-task-{ctx.task_idx}")
        with LakebeamClient(self.uri, token=self._token) as client:
            table = pa.concat_tables(tables)
            return client.insert(self.collection_name, table, idempotency_key=key)

    def on_write_complete(self, write_result: Any) -> None:
        if not self._fixed_write_id:
            self.write_id = once.new_key()  # the next write through this sink is a new write
        results = [r for r in write_result.write_returns if r.get("rows")]
        self.rows_written = sum(int(r["rows"]) for r in results)
        self.snapshots = [int(r["snapshot_id"]) for r in results if "snapshot_id" in r]


def _location_uri(location: Any) -> str:
    uri = location.uri if hasattr(location, "uri") else location
    return uri.decode() if isinstance(uri, bytes) else str(uri)
