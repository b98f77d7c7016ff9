"""Mapping of Flight errors to the LakebeamError hierarchy (no server needed).

The messages are what pyarrow 26 raises for the gRPC statuses a Java Flight server sends
(captured from a raw gRPC server that sets only the status code and message).
"""

import pyarrow as pa
import pyarrow.flight as flight
import pytest

from lakebeam.errors import (
    AlreadyExistsError,
    AuthenticationError,
    CollectionNotFoundError,
    InvalidArgumentError,
    LakebeamError,
    NotFoundError,
    ServerError,
    clean_message,
    translate,
    translating_errors,
)

DEBUG = (
    ". gRPC client debug context: {status}:{message}. Client context: IOError: Server never "
    "sent a data message. Detail: Internal"
)


def raised(exc_type, phrase, message, *, stream=False, prefix="Flight returned"):
    text = f"{prefix} {phrase} error, with message: {message}"
    if stream:
        text += DEBUG.format(status=phrase.upper().replace(" ", "_"), message=message)
    return exc_type(text)


@pytest.mark.parametrize("stream", [False, True], ids=["action", "do_get"])
@pytest.mark.parametrize(
    ("exc", "expected", "status"),
    [
        (
            lambda m, s: raised(pa.ArrowKeyError, "not found", m, stream=s),
            CollectionNotFoundError,
            "NOT_FOUND",
        ),
        (
            lambda m, s: raised(pa.ArrowInvalid, "invalid argument", m, stream=s),
            InvalidArgumentError,
            "INVALID_ARGUMENT",
        ),
        (
            lambda m, s: pa.ArrowException(
                "Unknown: " + str(raised(str, "already exists", m, stream=s))
            ),
            AlreadyExistsError,
            "ALREADY_EXISTS",
        ),
        (
            lambda m, s: raised(flight.FlightUnauthenticatedError, "unauthenticated", m, stream=s),
            AuthenticationError,
            "UNAUTHENTICATED",
        ),
        (
            lambda m, s: raised(flight.FlightUnauthorizedError, "unauthorized", m, stream=s),
            AuthenticationError,
            "PERMISSION_DENIED",
        ),
        (
            lambda m, s: raised(pa.ArrowNotImplementedError, "unimplemented", m, stream=s),
            ServerError,
            "UNIMPLEMENTED",
        ),
        (
            lambda m, s: raised(flight.FlightInternalError, "internal", m, stream=s),
            ServerError,
            "INTERNAL",
        ),
        (
            lambda m, s: raised(
                pa.ArrowInvalid, "precondition failed", m, stream=s, prefix="gRPC returned"
            ),
            InvalidArgumentError,
            "FAILED_PRECONDITION",
        ),
        (
            lambda m, s: flight.FlightServerError(f"Flight RPC failed with message: {m}"),
            ServerError,
            "UNKNOWN",
        ),
    ],
)
def test_status_maps_to_error_class_and_keeps_message(exc, expected, status, stream):
    message = (
        "Collection 'docs.v2' does not exist; existing collections: [a, b]. "
        "Create it first (create_collection or create_external_collection)"
    )
    error = translate(exc(message, stream))
    assert type(error) is expected
    assert error.status == status
    assert str(error) == message
    assert isinstance(error, LakebeamError)


@pytest.mark.parametrize(
    "message",
    [
        "Collection 'docs' does not exist; existing collections: [a, b]. Create it first",
        "Cannot find collection: docs",
        "No such collection docs",
        "collection docs not found",
    ],
)
def test_not_found_for_a_collection(message):
    error = translate(pa.ArrowKeyError(f"Flight returned not found error, with message: {message}"))
    assert type(error) is CollectionNotFoundError
    assert str(error) == message


@pytest.mark.parametrize(
    "message",
    [
        "Collection 'docs' has no vector field 'vec'; its vector fields are [embedding]",
        "Collection 'docs' has no index on 'embedding'",
        "Cannot find field: vec",
    ],
)
def test_not_found_for_a_field_or_index_is_not_a_collection_error(message):
    error = translate(pa.ArrowKeyError(f"Flight returned not found error, with message: {message}"))
    assert type(error) is NotFoundError
    assert error.status == "NOT_FOUND"


def test_invalid_argument_is_also_a_value_error():
    assert issubclass(InvalidArgumentError, ValueError)


def test_unavailable_server_maps_to_server_error():
    error = translate(
        flight.FlightUnavailableError(
            "Flight returned unavailable error, with message: failed to connect to all addresses"
        )
    )
    assert type(error) is ServerError
    assert error.status == "UNAVAILABLE"
    assert str(error) == "failed to connect to all addresses"


def test_type_decides_when_message_has_no_status_phrase():
    error = translate(pa.ArrowInvalid("Cannot parse filter at 7: unexpected ')'"))
    assert type(error) is InvalidArgumentError
    assert str(error) == "Cannot parse filter at 7: unexpected ')'"


def test_clean_message_keeps_plain_text():
    assert clean_message("  Cannot do x: y  ") == "Cannot do x: y"


def test_translating_errors_chains_the_original():
    original = pa.ArrowKeyError(
        "Flight returned not found error, with message: Cannot find collection: x"
    )
    with pytest.raises(CollectionNotFoundError) as info:
        with translating_errors():
            raise original
    assert info.value.__cause__ is original


def test_translating_errors_leaves_other_errors_alone():
    with pytest.raises(KeyError):
        with translating_errors():
            raise KeyError("not a Flight error")
