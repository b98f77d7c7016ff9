"""The LangChain vector store and retriever over a real server and real MiniLM vectors.

The corpus (``corpus_docs.py``) is ingested with the CLI; text queries are embedded by the
server. The expected answers are the documents that say what the query asks.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CORPUS_COLLECTION
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from langchain_core.vectorstores import VectorStore

from lakebeam import LakebeamClient
from lakebeam.langchain import LakebeamVectorStore
from lakebeam.mmr import vectors_of

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def store(corpus_uri):
    store = LakebeamVectorStore(corpus_uri, CORPUS_COLLECTION)
    yield store
    store.close()


def name_of(doc: Document) -> str:
    return doc.metadata["uri"].rsplit("/", 1)[-1]


def test_store_is_a_langchain_vector_store(store):
    assert isinstance(store, VectorStore)
    assert store.vector_field == "embedding" and store.metric == "cosine"
    assert store.model.startswith("all-MiniLM-L6-v2")
    assert store.id_field == "chunk_id"
    assert "uri" in store.metadata_fields and "embedding" not in store.metadata_fields


@pytest.mark.parametrize(
    "query, expected",
    [
        ("how do I rotate encryption keys?", "key-rotation.md"),
        ("sleeper train from Vienna", "night-trains.html"),
        ("feeding a sourdough starter", "sourdough.txt"),
        ("oil for a bike chain", "bicycle.md"),
    ],
)
def test_similarity_search_finds_the_document_that_answers(store, query, expected):
    [doc] = store.similarity_search(query, k=1)
    assert name_of(doc) == expected
    assert doc.page_content and doc.id and doc.id.startswith(doc.metadata["doc_id"])


def test_scores_are_the_server_cosine_similarities(store, corpus_uri):
    pairs = store.similarity_search_with_score("pulling an espresso shot", k=3)
    scores = [score for _, score in pairs]
    assert scores == sorted(scores, reverse=True)
    assert {name_of(d) for d, _ in pairs[:2]} == {"espresso.txt", "espresso-notes.txt"}
    # the score is the cosine similarity of the stored vector and the server-embedded query
    with LakebeamClient(corpus_uri) as client:
        [hits] = client.search(CORPUS_COLLECTION, data="pulling an espresso shot", top_k=3,
                               output_fields=["embedding"])
        top = vectors_of(hits.column("embedding"))
        [again] = client.search(CORPUS_COLLECTION, data=top[0], top_k=1)
    assert scores[0] == pytest.approx(hits.column("_score")[0].as_py(), abs=1e-6)
    assert again.column("_score")[0].as_py() == pytest.approx(1.0, abs=1e-4)
    assert all(-1.0 <= s <= 1.0 for s in scores)


def test_mmr_skips_the_near_duplicate(store):
    plain = [name_of(d) for d in store.similarity_search("pulling an espresso shot", k=2)]
    assert sorted(plain) == ["espresso-notes.txt", "espresso.txt"]
    diverse = store.max_marginal_relevance_search(
        "pulling an espresso shot", k=2, fetch_k=8, lambda_mult=0.5
    )
    names = [name_of(d) for d in diverse]
    assert names[0] == plain[0]
    assert names[1] not in ("espresso.txt", "espresso-notes.txt")
    # lambda_mult=1 is plain similarity order
    same = store.max_marginal_relevance_search("pulling an espresso shot", k=2, lambda_mult=1.0)
    assert [name_of(d) for d in same] == plain


def test_mmr_by_vector(store):
    [doc] = store.similarity_search("honey bees in spring", k=1)
    [vector] = store.client.query(CORPUS_COLLECTION, filter=f"chunk_id = '{doc.id}'",
                                  output_fields=["embedding"]).column("embedding").to_pylist()
    docs = store.max_marginal_relevance_search_by_vector(vector, k=3, fetch_k=10)
    assert docs[0].id == doc.id and len({d.id for d in docs}) == 3


def test_filter_as_dict_or_string_excludes_documents(store):
    [top] = store.similarity_search("pulling an espresso shot", k=1)
    excluded = top.metadata["uri"]
    for filter in ({"uri": {"$nin": [excluded]}}, f"uri <> '{excluded}'"):
        docs = store.similarity_search("pulling an espresso shot", k=3, filter=filter)
        assert len(docs) == 3 and excluded not in [d.metadata["uri"] for d in docs]


def test_retriever_with_search_kwargs(store):
    retriever = store.as_retriever(search_kwargs={"k": 5, "filter": {"ordinal": 0}})
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("what should a marathon training plan look like?")
    assert len(docs) == 5 and name_of(docs[0]) == "marathon.txt"
    [tomatoes] = store.similarity_search("growing tomatoes", k=1)
    only = f"uri = '{tomatoes.metadata['uri']}'"
    docs = store.as_retriever(search_kwargs={"k": 2, "filter": only}).invoke("night trains")
    assert [name_of(d) for d in docs] == ["tomatoes.md"]


def test_mmr_retriever(store):
    retriever = store.as_retriever(search_type="mmr", search_kwargs={"k": 2, "fetch_k": 8})
    names = [name_of(d) for d in retriever.invoke("pulling an espresso shot")]
    assert len(names) == 2 and len({"espresso.txt", "espresso-notes.txt"} & set(names)) == 1


def test_relevance_scores_and_threshold(store):
    pairs = store.similarity_search_with_relevance_scores("sourdough starter", k=3)
    assert name_of(pairs[0][0]) == "sourdough.txt" and 0 < pairs[0][1] <= 1
    strict = store.as_retriever(search_type="similarity_score_threshold",
                                search_kwargs={"k": 5, "score_threshold": pairs[0][1] - 1e-6})
    assert [name_of(d) for d in strict.invoke("sourdough starter")] == ["sourdough.txt"]


async def _async_search(store):
    return await store.asimilarity_search("solar panel tilt", k=1)


def test_async_search(store):
    import asyncio

    [doc] = asyncio.run(_async_search(store))
    assert name_of(doc) == "solar.txt"


def test_get_by_ids(store):
    docs = store.similarity_search("beekeeping", k=2)
    again = store.get_by_ids([d.id for d in docs])
    assert sorted(d.id for d in again) == sorted(d.id for d in docs)
    assert {d.id: d.page_content for d in again} == {d.id: d.page_content for d in docs}


class CharacterHistogram(Embeddings):
    """A real, if crude, text embedding: letter frequencies (a-z), for add_texts round trips."""

    def embed_documents(self, texts):
        return [self.embed_query(t) for t in texts]

    def embed_query(self, text):
        counts = np.zeros(26, dtype=np.float32)
        for ch in text.lower():
            if "a" <= ch <= "z":
                counts[ord(ch) - 97] += 1
        return (counts / max(1.0, float(np.linalg.norm(counts)))).tolist()


def test_from_texts_and_add_texts_round_trip(lakebeam_uri, collection_name):
    embedding = CharacterHistogram()
    store = LakebeamVectorStore.from_texts(
        ["zzz zebra", "aaa apple", "mmm melon"],
        embedding,
        metadatas=[{"kind": "animal", "n": 1}, {"kind": "fruit", "n": 2},
                   {"kind": "fruit", "n": 3}],
        client=lakebeam_uri,
        collection_name=collection_name,
    )
    try:
        assert store.model is None  # no recorded model: queries are embedded with `embedding`
        [doc] = store.similarity_search("zebras buzz", k=1)
        assert doc.page_content == "zzz zebra" and doc.metadata == {"kind": "animal", "n": 1}
        ids = store.add_texts(["kkk kiwi"], [{"kind": "fruit", "n": 4}], ids=["kiwi-1"])
        assert ids == ["kiwi-1"]
        [doc] = store.similarity_search("kiwi kick", k=1, filter={"kind": "fruit"})
        assert doc.id == "kiwi-1"
        assert [d.page_content for d in store.get_by_ids(["kiwi-1"])] == ["kkk kiwi"]
    finally:
        store.close()


def test_add_texts_without_embedding_is_refused(store):
    with pytest.raises(ValueError, match="has no embedding model"):
        store.add_texts(["a new chunk"])
