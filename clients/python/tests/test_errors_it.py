"""Errors a real server reports, and that it stays up after each."""

import numpy as np
import pyarrow as pa
import pyarrow.flight as fl
import pytest

from lakebeam import CollectionNotFoundError, InvalidArgumentError, LakebeamClient, NotFoundError

from sample_docs import DIM, SCHEMA, make_docs, unique_name


@pytest.fixture(scope="module")
def name(lakebeam_uri):
    name = unique_name("errors")
    with LakebeamClient(lakebeam_uri) as client:
        client.create_collection(name, SCHEMA)
        client.insert(name, make_docs(100, seed=41))
    return name


def still_up(client, name):
    assert name in client.list_collections()
    [hits] = client.search(name, np.ones(DIM), top_k=1)
    assert hits.num_rows == 1


@pytest.mark.parametrize("call", ["describe", "search", "query", "insert", "create_index"])
def test_unknown_collection(client, name, call):
    ghost = unique_name("ghost")
    calls = {
        "describe": lambda: client.describe_collection(ghost),
        "search": lambda: client.search(ghost, np.ones(DIM)),
        "query": lambda: client.query(ghost),
        "insert": lambda: client.insert(ghost, make_docs(1, seed=0)),
        "create_index": lambda: client.create_index(ghost, "embedding", metric="cosine"),
    }
    with pytest.raises(CollectionNotFoundError) as info:
        calls[call]()
    assert ghost in str(info.value)
    assert "gRPC client debug context" not in str(info.value)
    assert info.value.status == "NOT_FOUND"
    still_up(client, name)


def test_wrong_dimension_search(client, name):
    with pytest.raises(InvalidArgumentError, match=str(DIM)):
        client.search(name, np.ones(DIM + 3))
    still_up(client, name)


@pytest.mark.parametrize(
    "bad_filter",
    ["lang = ", "lang == 'en' AND", "(year > 2020", "nosuchcolumn = 1", "lang LIKE '%suffix'"],
)
def test_malformed_filter(client, name, bad_filter):
    with pytest.raises(InvalidArgumentError) as info:
        client.search(name, np.ones(DIM), filter=bad_filter)
    assert "gRPC" not in str(info.value)
    with pytest.raises(InvalidArgumentError):
        client.query(name, filter=bad_filter)
    still_up(client, name)


def test_unknown_field(client, name):
    with pytest.raises((NotFoundError, InvalidArgumentError), match="nope") as info:
        client.search(name, np.ones(DIM), anns_field="nope")
    assert not isinstance(info.value, CollectionNotFoundError)
    with pytest.raises(NotFoundError, match="nope") as info:
        client.drop_index(name, "nope")
    assert type(info.value) is NotFoundError
    still_up(client, name)


def test_client_side_mistakes(client, name):
    with pytest.raises(ValueError, match="3-D"):
        client.search(name, np.ones((2, 2, DIM)))
    with pytest.raises(ValueError, match="empty"):
        client.search(name, [])
    with pytest.raises(ValueError, match="top_k 0"):
        client.search(name, np.ones(DIM), top_k=0)
    with pytest.raises(ValueError, match="no rows"):
        client.insert(name, {"id": []})


@pytest.mark.parametrize(
    "ticket",
    [
        b"\x00\xff garbage",
        b"{}",
        b'{"v": 2, "type": "search"}',
        b'{"v": 1, "type": "search", "collection": 7}',
    ],
)
def test_garbage_ticket_with_raw_pyarrow(lakebeam_uri, client, name, ticket):
    raw = fl.connect(lakebeam_uri)
    try:
        with pytest.raises((fl.FlightServerError, pa.ArrowInvalid)) as info:
            raw.do_get(fl.Ticket(ticket)).read_all()
        assert "invalid argument" in str(info.value).lower() or isinstance(
            info.value, pa.ArrowInvalid
        )
    finally:
        raw.close()
    still_up(client, name)


def test_unknown_action_is_unimplemented(lakebeam_uri, client, name):
    raw = fl.connect(lakebeam_uri)
    try:
        with pytest.raises((pa.ArrowNotImplementedError, fl.FlightServerError)):
            list(raw.do_action(fl.Action("explode", b"{}")))
    finally:
        raw.close()
    still_up(client, name)
