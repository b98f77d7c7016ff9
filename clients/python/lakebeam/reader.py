"""Parallel batch reads: ``GetFlightInfo`` for a read command, then ``DoGet`` of each endpoint."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.flight as flight

from lakebeam import protocol
from lakebeam.connection import Connection

__all__ = ["DEFAULT_MAX_WORKERS", "ReadPlan"]

DEFAULT_MAX_WORKERS = 8
"""Endpoints read at once by default."""

_DONE = object()


class ReadPlan:
    """The endpoints of one batch read, fetched once and then read in parallel.

    Parameters
    ----------
    connection : Connection
        Where to send ``GetFlightInfo`` and the ``DoGet`` calls.
    request : dict
        A ``read`` command from :func:`lakebeam.protocol.read_request`.
    max_workers : int, default 8
        Endpoints read at once.

    Examples
    --------
    >>> plan = ReadPlan(connection, protocol.read_request(collection="docs"))  # doctest: +SKIP
    >>> plan.to_table().num_rows  # doctest: +SKIP
    1000
    """

    def __init__(
        self, connection: Connection, request: dict, *, max_workers: int = DEFAULT_MAX_WORKERS
    ) -> None:
        self._connection = connection
        self._limit = request.get("limit")
        self._max_workers = protocol.check_int(max_workers, what="max_workers", minimum=1)
        descriptor = flight.FlightDescriptor.for_command(protocol.encode(request))
        self.info = connection.flight_info(descriptor)
        self._descriptor = descriptor

    @property
    def endpoints(self) -> list[flight.FlightEndpoint]:
        """The endpoints to read, each with an opaque ticket."""
        return list(self.info.endpoints)

    @property
    def total_records(self) -> int:
        """Rows in the table at the read's snapshot, before the filter; -1 when unknown."""
        return self.info.total_records

    def schema(self) -> pa.Schema:
        """Return the schema of the rows this read returns."""
        if self.info.schema is not None:
            return self.info.schema
        return self._connection.get_schema(self._descriptor)

    def to_table(self) -> pa.Table:
        """Read every endpoint in parallel and return the rows as one table, in endpoint order."""
        endpoints = self.endpoints
        if not endpoints:
            return self.schema().empty_table()
        workers = min(self._max_workers, len(endpoints))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lakebeam-read") as pool:
            tables = list(pool.map(self._read_endpoint, endpoints))
        table = pa.concat_tables(tables, promote_options="default")
        return table if self._limit is None else table.slice(0, self._limit)

    def batches(self) -> Iterator[pa.RecordBatch]:
        """Yield record batches as they arrive from the endpoints, read in parallel.

        Batches of different endpoints interleave. Closing the iterator early stops the reads.
        """
        endpoints = self.endpoints
        remaining = self._limit
        stop = threading.Event()
        inbox: queue.Queue = queue.Queue(maxsize=2 * self._max_workers)
        work: queue.Queue = queue.Queue()
        for endpoint in endpoints:
            work.put(endpoint)
        workers = [
            threading.Thread(
                target=self._produce,
                args=(work, inbox, stop),
                daemon=True,
                name=f"lakebeam-read-{i}",
            )
            for i in range(min(self._max_workers, len(endpoints)))
        ]
        for worker in workers:
            worker.start()
        running = len(workers)
        try:
            while running and (remaining is None or remaining > 0):
                item = inbox.get()
                if item is _DONE:
                    running -= 1
                    continue
                if isinstance(item, BaseException):
                    raise item
                if remaining is not None:
                    item = item.slice(0, remaining)
                    remaining -= item.num_rows
                yield item
        finally:
            stop.set()  # producers notice it within 50 ms and cancel their streams

    def _read_endpoint(self, endpoint: flight.FlightEndpoint) -> pa.Table:
        return self._connection.read_all(endpoint.ticket, locations=list(endpoint.locations))

    def _produce(self, work: queue.Queue, inbox: queue.Queue, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    endpoint = work.get_nowait()
                except queue.Empty:
                    break
                stream = self._connection.read_batches(
                    endpoint.ticket, locations=list(endpoint.locations)
                )
                try:
                    for batch in stream:
                        if not _put(inbox, batch, stop):
                            return
                finally:
                    stream.close()
        except BaseException as exc:  # handed to the consumer, which re-raises it
            _put(inbox, exc, stop)
        finally:
            _put(inbox, _DONE, stop)


def _put(inbox: queue.Queue, item: object, stop: threading.Event) -> bool:
    while not stop.is_set():
        try:
            inbox.put(item, timeout=0.05)
            return True
        except queue.Full:
            continue
    return False
