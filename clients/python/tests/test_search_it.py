"""Vector search against a real server: exact, indexed, filtered, batched, fluent."""

import numpy as np
import pytest

from lakebeam import LakebeamClient

from sample_docs import SCHEMA, exact_cosine, make_docs, queries, unique_name

N = 2000
TOP_K = 10
HIT_COLUMNS = ["rank", "_score", "_distance", "_file", "_pos"]


@pytest.fixture(scope="module")
def docs():
    return make_docs(N, seed=42)


def _load(uri, docs, *, index: bool) -> str:
    name = unique_name("search_indexed" if index else "search_exact")
    with LakebeamClient(uri) as client:
        client.create_collection(name, SCHEMA)
        client.insert(name, docs.iloc[: N // 2])
        client.insert(name, docs.iloc[N // 2 :])
        if index:
            result = client.create_index(
                name, "embedding", params={"m": 16, "ef_construction": 100}
            )
            assert result["field"] == "embedding"
            assert result["rows_indexed"] == N
    return name


@pytest.fixture(scope="module")
def exact_name(lakebeam_uri, docs):
    return _load(lakebeam_uri, docs, index=False)


@pytest.fixture(scope="module")
def indexed_name(lakebeam_uri, docs):
    return _load(lakebeam_uri, docs, index=True)


def ids_of(table):
    return table.column("id").to_pylist()


def test_exact_search_before_index_matches_numpy(client, docs, exact_name):
    for query in queries(5, seed=1):
        [hits] = client.search(exact_name, query, top_k=TOP_K, output_fields=["id"])
        expected_ids, expected_scores = exact_cosine(docs, query, TOP_K)
        assert hits.num_rows == TOP_K
        assert hits.column("rank").to_pylist() == list(range(TOP_K))
        np.testing.assert_allclose(hits.column("_score").to_numpy(), expected_scores, atol=1e-4)
        np.testing.assert_allclose(
            hits.column("_distance").to_numpy(), 1 - expected_scores, atol=1e-4
        )
        assert len(set(ids_of(hits)) & set(expected_ids)) >= TOP_K - 1  # near-ties may swap


def test_indexed_search_recall(client, docs, indexed_name):
    description = client.describe_collection(indexed_name)
    assert [ix["field"] for ix in description["indexes"]] == ["embedding"]
    found = 0
    for query in queries(20, seed=2):
        [hits] = client.search(
            indexed_name, query, top_k=TOP_K, output_fields=["id"], search_params={"ef": 100}
        )
        found += len(set(ids_of(hits)) & set(exact_cosine(docs, query, TOP_K)[0]))
    assert found / (20 * TOP_K) >= 0.9


@pytest.mark.parametrize("top_k", [1, 3, 25])
def test_top_k_is_honoured(client, indexed_name, top_k):
    [hits] = client.search(indexed_name, queries(1, seed=3)[0], top_k=top_k)
    assert hits.num_rows == top_k
    assert hits.column_names == HIT_COLUMNS
    scores = hits.column("_score").to_numpy()
    assert np.all(np.diff(scores) <= 1e-6)


def test_output_fields_come_in_the_requested_order(client, docs, indexed_name):
    [hits] = client.search(
        indexed_name, queries(1, seed=4)[0], top_k=5, output_fields=["year", "text", "id"]
    )
    assert hits.column_names == HIT_COLUMNS + ["year", "text", "id"]
    by_id = docs.set_index("id")
    for row in hits.to_pylist():
        assert row["text"] == by_id.at[row["id"], "text"]
        assert row["year"] == by_id.at[row["id"], "year"]


@pytest.mark.parametrize("which", ["exact", "indexed"])
def test_filter_returns_the_nearest_matching_rows(client, docs, exact_name, indexed_name, which):
    name = exact_name if which == "exact" else indexed_name
    mask = ((docs["lang"] == "en") & (docs["year"] >= 2020)).to_numpy()
    overlap = 0
    for query in queries(5, seed=5):
        [hits] = client.search(
            name,
            query,
            top_k=TOP_K,
            filter="lang = 'en' AND year >= 2020",
            output_fields=["id", "lang", "year"],
            search_params={"ef": 200},
        )
        assert hits.num_rows == TOP_K
        assert set(hits.column("lang").to_pylist()) == {"en"}
        assert min(hits.column("year").to_pylist()) >= 2020
        overlap += len(set(ids_of(hits)) & set(exact_cosine(docs, query, TOP_K, mask)[0]))
    assert overlap >= (5 * TOP_K - 5 if which == "exact" else 0.9 * 5 * TOP_K)


def test_filter_with_few_matches_returns_all_of_them(client, docs, exact_name):
    wanted = docs["id"].iloc[[3, 500, 1500]].tolist()
    [hits] = client.search(
        exact_name,
        queries(1, seed=6)[0],
        top_k=TOP_K,
        output_fields=["id"],
        filter=f"id IN ({', '.join(map(str, wanted))})",
    )
    assert sorted(ids_of(hits)) == sorted(wanted)


def test_batch_search_with_2d_array(client, docs, indexed_name):
    batch = queries(6, seed=7)
    results = client.search(indexed_name, batch, top_k=4, output_fields=["id"])
    assert len(results) == 6
    for query, hits in zip(batch, results, strict=True):
        assert hits.num_rows == 4
        assert "query_index" not in hits.column_names
        assert ids_of(hits)[0] == exact_cosine(docs, query, 1)[0][0]


def test_search_with_an_existing_row_finds_it_first(client, docs, indexed_name):
    row = docs.iloc[777]
    [hits] = client.search(indexed_name, row["embedding"].tolist(), top_k=1, output_fields=["id"])
    assert ids_of(hits) == [777]
    assert hits.column("_score")[0].as_py() == pytest.approx(1.0, abs=1e-4)


def test_fluent_search(client, docs, indexed_name):
    coll = client.collection(indexed_name)
    query = queries(1, seed=8)[0]
    q = coll.search(query).where("lang = 'de'").select(["id", "lang"]).limit(5).ef(64)
    table = q.to_arrow()
    assert table.column_names == HIT_COLUMNS + ["id", "lang"]
    assert table.num_rows == 5 and set(table.column("lang").to_pylist()) == {"de"}
    assert [r["id"] for r in q.to_list()] == ids_of(table)
    assert q.to_pandas()["id"].tolist() == ids_of(table)

    batch = coll.search(queries(3, seed=9)).limit(2).field("embedding").to_arrow()
    assert batch.column_names[0] == "query_index"
    assert batch.column("query_index").to_pylist() == [0, 0, 1, 1, 2, 2]


def test_new_rows_are_searchable_before_refresh(client):
    name = unique_name("search_fresh")
    client.create_collection(name, SCHEMA)
    client.insert(name, make_docs(200, seed=10))
    client.create_index(name)
    extra = make_docs(1, seed=11, start_id=N + 1)
    client.insert(name, extra)
    [hits] = client.search(name, extra["embedding"].iloc[0], top_k=1, output_fields=["id"])
    assert ids_of(hits) == [N + 1]
    assert client.describe_collection(name)["indexes"][0]["stale"] is True
    refreshed = client.refresh(name)
    assert [ix["field"] for ix in refreshed["indexes"]] == ["embedding"]
    assert client.describe_collection(name)["indexes"][0]["stale"] is False
    [hits] = client.search(name, extra["embedding"].iloc[0], top_k=1, output_fields=["id"])
    assert ids_of(hits) == [N + 1]
    assert client.drop_index(name, "embedding") == {"dropped": True}
    assert client.describe_collection(name)["indexes"] == []
