"""Hybrid search against a real server: two vector fields, RRF and weighted fusion, a filter on
every leg, batches, rerank stages, the fluent form, and bad input."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from lakebeam import AnnSearchRequest, MMRReranker, NumericReranker, RRFRanker, WeightedRanker
from lakebeam.errors import InvalidArgumentError
from sample_docs import unique_name

pytestmark = pytest.mark.integration

N = 600
DIM = 16


@pytest.fixture(scope="module")
def kb(lakebeam_uri):
    """(name, a, b): a collection with two indexed vector fields a and b, row id = position."""
    from lakebeam import LakebeamClient

    rng = np.random.default_rng(5)
    a = rng.standard_normal((N, DIM)).astype(np.float32)
    b = rng.standard_normal((N, DIM)).astype(np.float32)
    name = unique_name("hybrid")
    with LakebeamClient(lakebeam_uri) as c:
        c.create_collection(name, {"id": "long", "year": "int", "text": "string",
                                   "embedding": f"float_vector({DIM})",
                                   "embedding_b": f"float_vector({DIM})"})
        c.insert(name, pa.table({
            "id": pa.array(np.arange(N), pa.int64()),
            "year": pa.array(2010 + np.arange(N) % 15, pa.int32()),
            "text": [f"row {i}" for i in range(N)],
            "embedding": pa.array(list(a), pa.list_(pa.float32())),
            "embedding_b": pa.array(list(b), pa.list_(pa.float32())),
        }))
        c.create_index(name, "embedding")
        c.create_index(name, "embedding_b")
    return name, a, b


def test_rrf_over_two_fields_puts_the_row_both_find_first(client, kb):
    name, a, b = kb
    [hits] = client.hybrid_search(
        name,
        [AnnSearchRequest(data=a[42], anns_field="embedding", limit=50),
         AnnSearchRequest(data=b[42], anns_field="embedding_b", param={"ef": 64}, limit=50)],
        RRFRanker(60), limit=10, output_fields=["id"],
    )
    assert hits.num_rows == 10
    top = hits.slice(0, 1).to_pylist()[0]
    assert top["id"] == 42 and top["_rank_0"] == 1 and top["_rank_1"] == 1
    assert top["_score"] == pytest.approx(2 / 61, rel=1e-6)
    scores = hits.column("_score").to_numpy()
    assert np.all(np.diff(scores) <= 0)


def test_weighted_batch_with_a_filter_on_every_leg(client, kb):
    name, a, b = kb
    rows = [3, 300]
    per_query = client.hybrid_search(
        name,
        [AnnSearchRequest(data=a[rows], anns_field="embedding"),
         AnnSearchRequest(data=b[rows], anns_field="embedding_b")],
        WeightedRanker(0.8, 0.2), limit=20, output_fields=["id", "year"], filter="year = 2013",
    )
    assert len(per_query) == 2
    for hits in per_query:
        assert hits.num_rows == 20
        assert set(hits.column("year").to_pylist()) == {2013}
        assert all(0 <= s <= 1 for s in hits.column("_score").to_pylist())


def test_rerank_stages(client, kb):
    name, a, b = kb
    reqs = [AnnSearchRequest(data=a[7], anns_field="embedding"),
            AnnSearchRequest(data=b[7], anns_field="embedding_b")]
    [by_year] = client.hybrid_search(name, reqs, limit=10, output_fields=["year"],
                                     reranker=NumericReranker("year", order="desc"))
    years = by_year.column("year").to_pylist()
    assert years == sorted(years, reverse=True)
    [fused] = client.hybrid_search(name, reqs, limit=10, output_fields=["id"])
    [mmr] = client.hybrid_search(name, reqs, limit=10, output_fields=["id"],
                                 reranker=MMRReranker("embedding", lambda_=1.0))
    assert mmr.column("id").to_pylist() == fused.column("id").to_pylist()


def test_fluent_hybrid_query(client, kb):
    name, a, b = kb
    docs = client.collection(name)
    hits = (docs.search(a[42], query_type="hybrid").vector_fields(["embedding"])
            .where("year >= 2011").rerank(RRFRanker(10)).select(["id"]).limit(5).to_list())
    assert len(hits) == 5
    assert hits[0]["id"] == 42 and hits[0]["_score"] == pytest.approx(1 / 11, rel=1e-6)


def test_bad_input_names_what_to_do(client, kb):
    name, a, b = kb
    with pytest.raises(InvalidArgumentError, match="lakebeam index build .* --field text --type bm25"):
        client.hybrid_search(name, [AnnSearchRequest(data=a[0], anns_field="text")])
    with pytest.raises(ValueError, match="Cannot fuse 2 legs with 3 weights"):
        client.hybrid_search(name, [AnnSearchRequest(data=a[0], anns_field="embedding"),
                                    AnnSearchRequest(data=b[0], anns_field="embedding_b")],
                             WeightedRanker(0.5, 0.3, 0.2))
    with pytest.raises(ValueError, match="'vector', 'fts' or 'hybrid'"):
        client.collection(name).search(a[0], query_type="fuzzy")


def test_langchain_retriever_in_hybrid_mode(corpus_uri):
    pytest.importorskip("langchain_core")
    from conftest import CORPUS_COLLECTION
    from lakebeam.langchain import LakebeamVectorStore

    plain = LakebeamVectorStore(corpus_uri, CORPUS_COLLECTION)
    hybrid = LakebeamVectorStore(corpus_uri, CORPUS_COLLECTION, hybrid_fields=["embedding"],
                                 hybrid_ranker=RRFRanker(60))
    try:
        query = "how long does an espresso shot take?"
        [expected] = plain.similarity_search(query, k=1)
        docs = hybrid.as_retriever(search_kwargs={"k": 3}).invoke(query)
        assert len(docs) == 3
        assert docs[0].page_content == expected.page_content  # one leg: RRF keeps its order
    finally:
        plain.close()
        hybrid.close()
