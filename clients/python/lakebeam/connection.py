"""One authenticated Flight connection: the raw calls the client is made of.

Every method here turns pyarrow Flight errors into :class:`lakebeam.errors.LakebeamError`.
A :class:`Connection` is safe to use from several threads at once, as a ``FlightClient`` is.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.flight as flight

from lakebeam import protocol
from lakebeam.errors import translating_errors

__all__ = ["Connection", "normalise_uri"]

_REUSE_CONNECTION = "arrow-flight-reuse-connection://?"


def normalise_uri(uri: str) -> str:
    """Return ``uri`` with a scheme; ``"host:port"`` means ``"grpc://host:port"``."""
    if not isinstance(uri, str) or not uri.strip():
        raise ValueError(f"Cannot connect to {uri!r}: give a URI such as 'grpc://127.0.0.1:8815'")
    uri = uri.strip()
    return uri if "://" in uri else f"grpc://{uri}"


class Connection:
    """A Flight client plus the call options (token header, timeout) for every call.

    Parameters
    ----------
    uri : str
        Server location, e.g. ``"grpc://127.0.0.1:8815"`` or ``"grpc+tls://host:443"``.
    token : str, optional
        Sent as ``authorization: Bearer <token>`` on every call.
    timeout : float, optional
        Seconds each call may take; no limit when omitted.
    """

    def __init__(self, uri: str, *, token: str | None = None, timeout: float | None = None) -> None:
        if timeout is not None and not timeout > 0:
            raise ValueError(
                f"Cannot use timeout {timeout!r}: it must be a positive number of seconds"
            )
        self.uri = normalise_uri(uri)
        headers = [] if token is None else [(b"authorization", f"Bearer {token}".encode())]
        self.options = flight.FlightCallOptions(headers=headers, timeout=timeout)
        with translating_errors(self.uri):
            self._client = flight.connect(self.uri)
        self._others: dict[str, flight.FlightClient] = {}
        self._lock = threading.Lock()

    def action(self, name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Run the ``DoAction`` ``name`` with a JSON ``body`` and return its JSON result."""
        with translating_errors(self.uri):
            results = list(
                self._client.do_action(flight.Action(name, protocol.encode(body)), self.options)
            )
        return protocol.decode(results[0].body.to_pybytes()) if results else {}

    def get_schema(self, descriptor: flight.FlightDescriptor) -> pa.Schema:
        """Return the schema of the stream ``descriptor`` names."""
        with translating_errors(self.uri):
            return self._client.get_schema(descriptor, self.options).schema

    def flight_info(self, descriptor: flight.FlightDescriptor) -> flight.FlightInfo:
        """Return the ``FlightInfo`` (endpoints, schema, record count) for ``descriptor``."""
        with translating_errors(self.uri):
            return self._client.get_flight_info(descriptor, self.options)

    def read_all(self, ticket: flight.Ticket, *, locations: list[Any] | None = None) -> pa.Table:
        """``DoGet`` a ticket and return the whole stream as a table."""
        with translating_errors(self.uri):
            return self._client_for(locations).do_get(ticket, self.options).read_all()

    def read_batches(
        self, ticket: flight.Ticket, *, locations: list[Any] | None = None
    ) -> Iterator[pa.RecordBatch]:
        """``DoGet`` a ticket and yield its record batches as they arrive."""
        with translating_errors(self.uri):
            reader = self._client_for(locations).do_get(ticket, self.options)
        finished = False
        try:
            while True:
                with translating_errors(self.uri):
                    try:
                        chunk = reader.read_chunk()
                    except StopIteration:
                        finished = True
                        return
                if chunk.data is not None:
                    yield chunk.data
        finally:
            if not finished:
                reader.cancel()

    def put(
        self,
        descriptor: flight.FlightDescriptor,
        table: pa.Table,
        *,
        max_chunksize: int | None = None,
    ) -> dict[str, Any]:
        """``DoPut`` ``table`` as one stream and return the server's JSON result message."""
        with translating_errors(self.uri):
            writer, metadata_reader = self._client.do_put(descriptor, table.schema, self.options)
            try:
                writer.write_table(table, max_chunksize=max_chunksize)
                writer.done_writing()
                reply = metadata_reader.read()
            finally:
                writer.close()
        return protocol.decode(reply.to_pybytes() if reply is not None else None)

    def close(self) -> None:
        """Close this connection and those opened for other endpoint locations."""
        with self._lock:
            others, self._others = list(self._others.values()), {}
        for client in [self._client, *others]:
            client.close()

    def _client_for(self, locations: list[Any] | None) -> flight.FlightClient:
        uris = [_location_uri(location) for location in locations or []]
        if not uris or self.uri in uris or _REUSE_CONNECTION in uris:
            return self._client
        with self._lock:
            if uris[0] not in self._others:
                self._others[uris[0]] = flight.connect(uris[0])
            return self._others[uris[0]]


def _location_uri(location: Any) -> str:
    uri = location.uri if hasattr(location, "uri") else location
    return uri.decode() if isinstance(uri, bytes) else str(uri)
