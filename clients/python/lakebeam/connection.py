"""One authenticated Flight connection: the raw calls the client is made of.

Every method here turns pyarrow Flight errors into :class:`lakebeam.errors.LakebeamError`.
A :class:`Connection` is safe to use from several threads at once, as a ``FlightClient`` is.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from typing import Any, Union

import pyarrow as pa
import pyarrow.flight as flight

from lakebeam import protocol
from lakebeam.errors import translating_errors

__all__ = ["Connection", "normalise_uri"]

_REUSE_CONNECTION = "arrow-flight-reuse-connection://?"

PemSource = Union[str, bytes, "os.PathLike[str]"]
"""PEM text (``bytes``, or ``str`` starting with ``-----BEGIN``) or the path of a PEM file."""


def read_pem(source: PemSource | None, *, what: str) -> bytes | None:
    """Return the PEM bytes of ``source``: PEM content as given, or the file it names."""
    if source is None:
        return None
    if isinstance(source, bytes):
        return source
    if isinstance(source, str) and source.lstrip().startswith("-----BEGIN"):
        return source.encode()
    try:
        with open(os.fspath(source), "rb") as f:
            return f.read()
    except OSError as exc:
        raise ValueError(f"Cannot read {what} {source!r}: {exc.strerror}; give a PEM file") from exc


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
    tls_root_certs : str, bytes or path, optional
        For ``grpc+tls://``: the PEM certificates to trust (e.g. a self-signed server
        certificate); the system's roots when omitted.
    cert_chain, private_key : str, bytes or path, optional
        For a server started with ``--tls-client-ca`` (mutual TLS): this client's PEM
        certificate and key.
    disable_server_verification : bool, default False
        Accept any server certificate (testing only: anyone in between can read the token).
    """

    def __init__(
        self,
        uri: str,
        *,
        token: str | None = None,
        timeout: float | None = None,
        tls_root_certs: PemSource | None = None,
        cert_chain: PemSource | None = None,
        private_key: PemSource | None = None,
        disable_server_verification: bool = False,
    ) -> None:
        if timeout is not None and not timeout > 0:
            raise ValueError(
                f"Cannot use timeout {timeout!r}: it must be a positive number of seconds"
            )
        self.uri = normalise_uri(uri)
        self._tls = _tls_options(
            self.uri,
            tls_root_certs=tls_root_certs,
            cert_chain=cert_chain,
            private_key=private_key,
            disable_server_verification=disable_server_verification,
        )
        headers = [] if token is None else [(b"authorization", f"Bearer {token}".encode())]
        self.options = flight.FlightCallOptions(headers=headers, timeout=timeout)
        with translating_errors(self.uri):
            self._client = flight.connect(self.uri, **self._tls)
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
                tls = self._tls if uris[0].startswith("grpc+tls") else {}
                self._others[uris[0]] = flight.connect(uris[0], **tls)
            return self._others[uris[0]]


def _tls_options(
    uri: str,
    *,
    tls_root_certs: PemSource | None,
    cert_chain: PemSource | None,
    private_key: PemSource | None,
    disable_server_verification: bool,
) -> dict[str, Any]:
    """The ``flight.connect`` keyword arguments for TLS; none for a plaintext URI."""
    asked = tls_root_certs is not None or cert_chain is not None or private_key is not None
    if not uri.startswith("grpc+tls://"):
        if asked or disable_server_verification:
            raise ValueError(
                f"Cannot use TLS options with {uri}: connect to 'grpc+tls://host:port' instead"
            )
        return {}
    if (cert_chain is None) != (private_key is None):
        raise ValueError("Cannot use a client certificate without its key: give both "
                         "cert_chain and private_key")
    options: dict[str, Any] = {}
    if tls_root_certs is not None:
        options["tls_root_certs"] = read_pem(tls_root_certs, what="tls_root_certs")
    if cert_chain is not None:
        options["cert_chain"] = read_pem(cert_chain, what="cert_chain")
        options["private_key"] = read_pem(private_key, what="private_key")
    if disable_server_verification:
        options["disable_server_verification"] = True
    return options


def _location_uri(location: Any) -> str:
    uri = location.uri if hasattr(location, "uri") else location
    return uri.decode() if isinstance(uri, bytes) else str(uri)
