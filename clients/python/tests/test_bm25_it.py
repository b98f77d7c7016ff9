"""BM25 full-text search against a real server: create_index(index_type="bm25"), the fluent
``search(text, query_type="fts")`` with where/select/limit, and bad input."""

import pyarrow as pa
import pytest

from lakebeam import LakebeamClient
from lakebeam.errors import InvalidArgumentError

from sample_docs import unique_name

WORDS = ["kernel", "release", "notes", "package", "debian", "upgrade", "network", "driver",
         "security", "update", "install", "system", "boot", "loader", "python", "shell"]


def _rows(n, seed):
    import random

    rnd = random.Random(seed)
    texts = [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 25))) for _ in range(n)]
    texts[7] = "the quick brown fox jumps over the lazy dog"
    return pa.table({
        "id": pa.array(range(n), pa.int64()),
        "lang": pa.array([("en", "de", "fr")[i % 3] for i in range(n)]),
        "text": pa.array(texts),
    })


@pytest.fixture(scope="module")
def docs_name(lakebeam_uri):
    name = unique_name("bm25")
    with LakebeamClient(lakebeam_uri) as client:
        client.create_collection(name, {"id": "long", "lang": "string", "text": "string"})
        rows = _rows(1500, 3)
        client.insert(name, rows.slice(0, 800))
        client.insert(name, rows.slice(800))
        built = client.collection(name).create_index("text", index_type="bm25", analyzer="english")
        assert built["rows_indexed"] == 1500
    return name


def test_fluent_text_search_ranks_by_bm25_within_the_filter(lakebeam_uri, docs_name):
    with LakebeamClient(lakebeam_uri) as client:
        coll = client.collection(docs_name)
        hits = coll.search("kernel security", query_type="fts").where("lang = 'de'").select(
            ["id", "lang"]).limit(7).to_arrow()
        assert hits.num_rows == 7
        assert set(hits.column("lang").to_pylist()) == {"de"}
        scores = hits.column("_score").to_pylist()
        assert scores == sorted(scores, reverse=True) and scores[0] > 0
        assert hits.column_names[:2] == ["rank", "_score"]
        unfiltered = coll.search("kernel security", query_type="fts").select(["id"]).limit(
            1500).to_list()
        expected = [r["_score"] for r in unfiltered if r["id"] % 3 == 1][:7]
        assert scores == expected
        # phrases and boolean operators; the english analyzer stems "jumping"
        phrase = coll.search('"lazy dog" +jumping', query_type="fts").select(["id"]).to_list()
        assert [r["id"] for r in phrase] == [7]


def test_bad_text_searches_say_what_to_do(lakebeam_uri, docs_name):
    with LakebeamClient(lakebeam_uri) as client:
        coll = client.collection(docs_name)
        with pytest.raises(InvalidArgumentError, match="Cannot parse text query"):
            coll.search('"unclosed', query_type="fts").to_arrow()
        with pytest.raises(InvalidArgumentError, match="--type bm25"):
            coll.search("kernel", query_type="fts").field("lang").to_arrow()
        with pytest.raises(InvalidArgumentError, match="known analyzers"):
            coll.create_index("text", index_type="bm25", analyzer="quenya")
        with pytest.raises(TypeError):
            coll.search([0.1, 0.2], query_type="fts")
