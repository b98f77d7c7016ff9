"""Inserts happen once: a retried insert with the same idempotency key adds nothing, and the
client's own retries after a lost acknowledgement reuse the call's key (real server)."""

from __future__ import annotations

import pytest

from lakebeam import LakebeamClient
from lakebeam.errors import ServerUnavailableError
from lakebeam.once import check_key, with_retries

from sample_docs import SCHEMA, make_docs

pytestmark = pytest.mark.integration


def _rows(client: LakebeamClient, name: str) -> int:
    return int(client.describe_collection(name)["row_count"])


def test_the_same_key_twice_adds_the_rows_once(client, collection_name):
    client.create_collection(collection_name, SCHEMA)
    docs = make_docs(30, seed=5)
    first = client.insert(collection_name, docs, idempotency_key="batch-0001")
    again = client.insert(collection_name, docs, idempotency_key="batch-0001")
    assert again == first and first["rows"] == 30
    assert _rows(client, collection_name) == 30
    client.insert(collection_name, docs, idempotency_key="batch-0002")
    assert _rows(client, collection_name) == 60


def test_a_lost_acknowledgement_is_retried_with_the_same_key(
    client, collection_name, monkeypatch
):
    client.create_collection(collection_name, SCHEMA)
    real_put = client._connection.put
    keys: list[bytes] = []

    def put_then_lose_the_first_ack(descriptor, table, **kwargs):
        keys.append(descriptor.command)
        result = real_put(descriptor, table, **kwargs)  # the server commits ...
        if len(keys) == 1:  # ... but the first acknowledgement never arrives
            raise ServerUnavailableError("connection reset", status="UNAVAILABLE")
        return result

    monkeypatch.setattr(client._connection, "put", put_then_lose_the_first_ack)
    result = client.collection(collection_name).insert(make_docs(25, seed=6))
    assert result["rows"] == 25
    assert len(keys) == 2 and keys[0] == keys[1], "the retry reuses the call's key"
    assert _rows(client, collection_name) == 25


def test_each_insert_call_gets_its_own_key(client, collection_name):
    client.create_collection(collection_name, SCHEMA)
    docs = make_docs(10, seed=7)
    client.insert(collection_name, docs)
    client.insert(collection_name, docs)
    assert _rows(client, collection_name) == 20


@pytest.mark.parametrize("key", ["", "  ", "k" * 257, "tab\there"])
def test_a_bad_key_is_refused_before_sending(key):
    with pytest.raises(ValueError, match="Cannot use idempotency_key"):
        check_key(key)


def test_retries_stop_at_errors_that_are_not_transient():
    calls = []

    def invalid():
        calls.append(1)
        from lakebeam.errors import InvalidArgumentError

        raise InvalidArgumentError("bad row", status="INVALID_ARGUMENT")

    with pytest.raises(ValueError, match="bad row"):
        with_retries(invalid, retries=3, backoff=0)
    assert len(calls) == 1
