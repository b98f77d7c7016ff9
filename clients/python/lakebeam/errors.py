"""Errors raised by the Lakebeam client.

Every failure the server reports arrives as an Arrow Flight status. :func:`translate` maps it
to a small hierarchy rooted at :class:`LakebeamError`, keeping the server's own message and
dropping the gRPC transport noise that pyarrow appends to it.

Examples
--------
>>> from lakebeam import LakebeamClient, CollectionNotFoundError
>>> client = LakebeamClient("grpc://127.0.0.1:8815")  # doctest: +SKIP
>>> try:  # doctest: +SKIP
...     client.describe_collection("missing")
... except CollectionNotFoundError as err:
...     print(err.status, err)
NOT_FOUND Collection 'missing' does not exist; existing collections: [...]
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.flight as flight

__all__ = [
    "AlreadyExistsError",
    "AuthenticationError",
    "CollectionNotFoundError",
    "InvalidArgumentError",
    "LakebeamError",
    "NotFoundError",
    "ServerError",
    "ServerUnavailableError",
    "clean_message",
    "translate",
    "translating_errors",
]


class LakebeamError(Exception):
    """Base class of every error the server reports.

    Parameters
    ----------
    message : str
        The server's message, without gRPC transport details.
    status : str, optional
        The gRPC status name, such as ``"NOT_FOUND"``; ``None`` when unknown.
    """

    def __init__(self, message: str, *, status: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class NotFoundError(LakebeamError):
    """A field or index the request names does not exist (``NOT_FOUND``)."""


class CollectionNotFoundError(NotFoundError):
    """The collection the request names does not exist (``NOT_FOUND``)."""


class InvalidArgumentError(LakebeamError, ValueError):
    """The server rejected the request: bad JSON, filter, dimension, type or parameter."""


class AlreadyExistsError(LakebeamError):
    """The collection exists, or an index build for the same field is already running."""


class AuthenticationError(LakebeamError):
    """The token is missing or wrong (``UNAUTHENTICATED`` or ``PERMISSION_DENIED``)."""


class ServerError(LakebeamError):
    """The server failed, is unreachable, timed out, or does not support the request."""


class ServerUnavailableError(ServerError, ConnectionError):
    """No Lakebeam server answers at the address (``UNAVAILABLE``): not started, or wrong address.

    The message names the address, e.g. ``Cannot reach the Lakebeam server at
    grpc://127.0.0.1:8815: ...``.
    """


# pyarrow words each gRPC status in its message ("Flight returned not found error, ...").
_STATUS_PHRASES = {
    "invalid argument": "INVALID_ARGUMENT",
    "not found": "NOT_FOUND",
    "already exists": "ALREADY_EXISTS",
    "unauthenticated": "UNAUTHENTICATED",
    "unauthorized": "PERMISSION_DENIED",
    "permission denied": "PERMISSION_DENIED",
    "unimplemented": "UNIMPLEMENTED",
    "internal": "INTERNAL",
    "unavailable": "UNAVAILABLE",
    "deadline exceeded": "DEADLINE_EXCEEDED",
    "cancelled": "CANCELLED",
    "resource exhausted": "RESOURCE_EXHAUSTED",
    "precondition failed": "FAILED_PRECONDITION",
    "out-of-range": "OUT_OF_RANGE",
    "aborted": "ABORTED",
    "data loss": "DATA_LOSS",
}
_STATUS_RE = re.compile(r"(?:Flight|gRPC) returned (?P<phrase>[a-z -]+?) error, with message: ")
_PREFIX_RE = re.compile(
    r"^(?:[A-Za-z]+: )?(?:(?:Flight|gRPC) returned [a-z -]+? error, with message: "
    r"|Flight RPC failed with message: )"
)
# A NOT_FOUND about the collection itself ("Collection 'docs' does not exist"), as opposed to
# one about a field or index of it ("Collection 'docs' has no vector field 'v'").
_MISSING_COLLECTION_RE = re.compile(
    r"\bcollection\s+(?:'[^']*'|\"[^\"]*\"|\S+)\s+(?:does not exist|not found|is unknown)"
    r"|\b(?:no such|unknown|cannot find|no) collection\b",
    re.IGNORECASE,
)
_NOISE_MARKERS = (". gRPC client debug context:", ". Client context:", ". Detail: ")

# Exception types pyarrow raises, in the order to test them (subclasses first).
_TYPE_STATUS: tuple[tuple[type[BaseException], str], ...] = (
    (flight.FlightUnauthenticatedError, "UNAUTHENTICATED"),
    (flight.FlightUnauthorizedError, "PERMISSION_DENIED"),
    (flight.FlightUnavailableError, "UNAVAILABLE"),
    (flight.FlightTimedOutError, "DEADLINE_EXCEEDED"),
    (flight.FlightCancelledError, "CANCELLED"),
    (flight.FlightInternalError, "INTERNAL"),
    (pa.ArrowInvalid, "INVALID_ARGUMENT"),
    (pa.ArrowKeyError, "NOT_FOUND"),
    (pa.ArrowNotImplementedError, "UNIMPLEMENTED"),
)

_STATUS_CLASS: dict[str, type[LakebeamError]] = {
    "INVALID_ARGUMENT": InvalidArgumentError,
    "FAILED_PRECONDITION": InvalidArgumentError,
    "OUT_OF_RANGE": InvalidArgumentError,
    "RESOURCE_EXHAUSTED": InvalidArgumentError,
    "NOT_FOUND": NotFoundError,
    "ALREADY_EXISTS": AlreadyExistsError,
    "UNAUTHENTICATED": AuthenticationError,
    "PERMISSION_DENIED": AuthenticationError,
}


def clean_message(message: str) -> str:
    """Return the server's message without pyarrow's and gRPC's additions.

    Parameters
    ----------
    message : str
        ``str()`` of a pyarrow Flight exception.

    Returns
    -------
    str
        The text the server sent, e.g. ``"Cannot find collection: docs"``.

    Examples
    --------
    >>> clean_message("Flight returned not found error, with message: Cannot find collection: "
    ...               "docs. gRPC client debug context: NOT_FOUND:... Client context: IOError")
    'Cannot find collection: docs'
    """
    text = _PREFIX_RE.sub("", message.strip(), count=1)
    for marker in _NOISE_MARKERS:
        cut = text.find(marker)
        if cut >= 0:
            text = text[:cut]
    return text.strip()


def status_of(exc: BaseException) -> str | None:
    """Return the gRPC status name of a pyarrow Flight exception, or ``None``."""
    match = _STATUS_RE.search(str(exc))
    if match and match.group("phrase") in _STATUS_PHRASES:
        return _STATUS_PHRASES[match.group("phrase")]
    for exc_type, status in _TYPE_STATUS:
        if isinstance(exc, exc_type):
            return status
    if isinstance(exc, flight.FlightError) or "Flight RPC failed" in str(exc):
        return "UNKNOWN"
    return None


def translate(exc: BaseException) -> LakebeamError:
    """Map a pyarrow Flight exception to the matching :class:`LakebeamError`.

    Parameters
    ----------
    exc : BaseException
        The exception pyarrow raised for a Flight call.

    Returns
    -------
    LakebeamError
        ``InvalidArgumentError`` for ``INVALID_ARGUMENT``, ``CollectionNotFoundError`` for a
        ``NOT_FOUND`` saying a collection does not exist (``NotFoundError`` for a missing field
        or index),
        ``AlreadyExistsError``, ``AuthenticationError``, and ``ServerError`` for the rest.
    """
    status = status_of(exc)
    message = clean_message(str(exc)) or type(exc).__name__
    cls = _STATUS_CLASS.get(status or "", ServerError)
    if cls is NotFoundError and _MISSING_COLLECTION_RE.search(message):
        cls = CollectionNotFoundError
    return cls(message, status=status)


@contextlib.contextmanager
def translating_errors(uri: str | None = None) -> Iterator[None]:
    """Re-raise pyarrow Flight and Arrow errors inside the block as :class:`LakebeamError`.

    With ``uri``, a server that cannot be reached raises :class:`ServerUnavailableError` naming it.
    """
    try:
        yield
    except (flight.FlightError, pa.ArrowException) as exc:
        error = translate(exc)
        if uri is not None and error.status == "UNAVAILABLE":
            error = ServerUnavailableError(
                f"Cannot reach the Lakebeam server at {uri}: {error.message}; start it with "
                "'./lakebeam serve' or pass the address it listens on",
                status="UNAVAILABLE",
            )
        raise error from exc
