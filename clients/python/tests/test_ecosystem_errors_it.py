"""Bad input through the LangChain store, the Ray datasource and the streaming reads: each fails
at once with the client's error and a message that says what is wrong."""

from __future__ import annotations

import re
import socket

import pytest
from conftest import TEST_TOKEN

from lakebeam import (
    AuthenticationError,
    CollectionNotFoundError,
    InvalidArgumentError,
    LakebeamClient,
    NotFoundError,
    ServerUnavailableError,
)
from lakebeam.langchain import LakebeamVectorStore
from lakebeam.ray import LakebeamDatasink, LakebeamDatasource

from sample_docs import SCHEMA, make_docs, unique_name

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def name(lakebeam_uri):
    name = unique_name("eco_errors")
    with LakebeamClient(lakebeam_uri) as client:
        client.create_collection(name, SCHEMA)
        client.insert(name, make_docs(50, seed=3))
    return name


OPENERS = {
    "client": lambda uri, coll: LakebeamClient(uri).describe_collection(coll),
    "langchain": lambda uri, coll: LakebeamVectorStore(uri, coll),
    "ray source": lambda uri, coll: LakebeamDatasource(uri, coll),
    "ray sink": lambda uri, coll: LakebeamDatasink(uri, coll),
    "to_batches": lambda uri, coll: next(LakebeamClient(uri).collection(coll).to_batches()),
}


@pytest.mark.parametrize("opener", OPENERS)
def test_server_not_running_names_the_address(opener):
    uri = f"grpc://127.0.0.1:{free_port()}"
    with pytest.raises(ServerUnavailableError) as info:
        OPENERS[opener](uri, "docs")
    message = str(info.value)
    assert message.startswith(f"Cannot reach the Lakebeam server at {uri}")
    assert "lakebeam serve" in message
    assert isinstance(info.value, ConnectionError)


@pytest.mark.parametrize("opener", OPENERS)
def test_unknown_collection(lakebeam_uri, name, opener):
    ghost = unique_name("ghost")
    with pytest.raises(CollectionNotFoundError, match=re.escape(ghost)):
        OPENERS[opener](lakebeam_uri, ghost)


@pytest.mark.parametrize("opener", OPENERS)
def test_missing_token(token_server_uri, monkeypatch, opener):
    monkeypatch.delenv("LAKEBEAM_TOKEN", raising=False)
    with pytest.raises(AuthenticationError) as info:
        OPENERS[opener](token_server_uri, "docs")
    assert info.value.status == "UNAUTHENTICATED"


def test_token_is_passed_on(token_server_uri, monkeypatch):
    monkeypatch.delenv("LAKEBEAM_TOKEN", raising=False)
    coll = unique_name("tok")
    with LakebeamClient(token_server_uri, token=TEST_TOKEN) as client:
        client.create_collection(coll, SCHEMA)
        client.insert(coll, make_docs(5, seed=1))
    source = LakebeamDatasource(token_server_uri, coll, token=TEST_TOKEN)
    assert len(source.get_read_tasks(parallelism=1)) == 1
    store = LakebeamVectorStore(token_server_uri, coll, token=TEST_TOKEN)
    assert len(store.similarity_search_by_vector([0.1] * 32, k=2)) == 2


POSITION = re.compile(r"at position \d+")


@pytest.mark.parametrize("bad", ["lang = ", "lang = 'en' AND", "(year > 2020"])
def test_filter_syntax_error_points_at_the_position(lakebeam_uri, corpus_uri, name, bad):
    store = LakebeamVectorStore(lakebeam_uri, name, id_field="id")
    corpus = LakebeamVectorStore(corpus_uri, "kb.chunks")
    bad_corpus_filter = bad.replace("lang", "uri").replace("year", "ordinal")
    with pytest.raises(InvalidArgumentError, match=POSITION):
        corpus.as_retriever(search_kwargs={"filter": bad_corpus_filter}).invoke("espresso")
    calls = [
        lambda: store.similarity_search_by_vector([0.1] * 32, k=3, filter=bad),
        lambda: LakebeamDatasource(lakebeam_uri, name, filter=bad),
        lambda: next(store.client.collection(name).to_batches(filter=bad)),
    ]
    for call in calls:
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert POSITION.search(str(info.value)), str(info.value)
        assert bad.strip() in str(info.value)


def test_text_query_on_a_collection_without_a_model(lakebeam_uri, name):
    store = LakebeamVectorStore(lakebeam_uri, name, id_field="id")
    with pytest.raises(InvalidArgumentError, match="records no embedding model"):
        store.similarity_search("anything")


def test_unknown_columns_are_named(lakebeam_uri, name):
    with pytest.raises(ValueError, match="text_field 'body'.*no such column"):
        LakebeamVectorStore(lakebeam_uri, name, text_field="body")
    with pytest.raises(NotFoundError, match="no column 'nope'"):
        LakebeamDatasource(lakebeam_uri, name, columns=["id", "nope"])
