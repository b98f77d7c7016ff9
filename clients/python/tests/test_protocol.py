"""JSON requests built by the client (no server needed)."""

import base64
import json

import numpy as np

import pytest

from lakebeam import protocol
from lakebeam.vectors import to_query_vectors


def test_search_request_minimal():
    request = protocol.search_request(collection="docs", vectors=to_query_vectors([1, 0]))
    assert request == {
        "v": 1,
        "type": "search",
        "collection": "docs",
        "vectors_f32": "AACAPwAAAAA=",
        "dim": 2,
        "top_k": 10,
    }
    packed = base64.b64decode(request["vectors_f32"])
    assert np.frombuffer(packed, dtype="<f4").tolist() == [1.0, 0.0]


def test_search_request_with_every_option():
    request = protocol.search_request(
        collection="docs",
        vectors=to_query_vectors([[1, 0], [0, 1]]),
        top_k=5,
        field="embedding",
        output_fields=["text", "lang"],
        filter="lang = 'en'",
        ef=64,
    )
    assert request == {
        "v": 1,
        "type": "search",
        "collection": "docs",
        "vectors_f32": base64.b64encode(np.array([[1, 0], [0, 1]], "<f4").tobytes()).decode(),
        "dim": 2,
        "top_k": 5,
        "field": "embedding",
        "output_fields": ["text", "lang"],
        "filter": "lang = 'en'",
        "ef": 64,
    }


def test_single_output_field_string_becomes_a_list():
    request = protocol.search_request(
        collection="d", vectors=to_query_vectors([1]), output_fields="text"
    )
    assert request["output_fields"] == ["text"]


@pytest.mark.parametrize(
    ("top_k", "message"),
    [
        (0, "top_k 0: it must be at least 1"),
        (-3, "top_k -3: it must be at least 1"),
        (10_001, "top_k 10001: it must be at most 10000"),
        (2.5, "top_k 2.5: it must be an integer"),
        (True, "top_k True: it must be an integer"),
    ],
)
def test_top_k_out_of_range_is_rejected(top_k, message):
    with pytest.raises(ValueError, match=message):
        protocol.search_request(collection="d", vectors=to_query_vectors([1]), top_k=top_k)


def test_ef_below_top_k_is_rejected():
    with pytest.raises(ValueError, match="ef 5: it must be at least top_k \\(10\\)"):
        protocol.search_request(collection="d", vectors=to_query_vectors([1]), top_k=10, ef=5)


def test_filter_must_be_a_string():
    with pytest.raises(ValueError, match="filter"):
        protocol.search_request(collection="d", vectors=to_query_vectors([1]), filter=42)


@pytest.mark.parametrize("name", ["", "  ", None, 3])
def test_collection_name_must_be_a_non_empty_string(name):
    with pytest.raises(ValueError, match="collection name"):
        protocol.read_request(collection=name)


def test_read_request_leaves_unset_options_out():
    assert protocol.read_request(collection="docs") == {
        "v": 1,
        "type": "read",
        "collection": "docs",
    }


def test_read_request_with_every_option():
    request = protocol.read_request(
        collection="docs", columns=["id"], filter="year >= 2020", limit=100, splits=4
    )
    assert request == {
        "v": 1,
        "type": "read",
        "collection": "docs",
        "columns": ["id"],
        "filter": "year >= 2020",
        "limit": 100,
        "splits": 4,
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"limit": -1}, "limit -1: it must be at least 0"),
        ({"splits": 0}, "splits 0: it must be at least 1"),
    ],
)
def test_read_request_bounds(kwargs, message):
    with pytest.raises(ValueError, match=message):
        protocol.read_request(collection="docs", **kwargs)


@pytest.mark.parametrize(
    ("params", "ef"),
    [
        (None, None),
        ({}, None),
        ({"ef": 100}, 100),
        ({"params": {"ef": 64}}, 64),
    ],
)
def test_search_params_ef(params, ef):
    assert protocol.search_ef(params) == ef


def test_unknown_search_params_are_rejected():
    with pytest.raises(ValueError, match="unknown search_params \\['nprobe'\\]"):
        protocol.search_ef({"nprobe": 8})


def test_encode_is_compact_utf8_json():
    body = protocol.encode({"collection": "dócs", "vectors": [[1.0]]})
    assert body == '{"collection":"dócs","vectors":[[1.0]]}'.encode()
    assert json.loads(body) == {"collection": "dócs", "vectors": [[1.0]]}


def test_encode_refuses_nan():
    with pytest.raises(ValueError):
        protocol.encode({"x": float("nan")})


def test_decode_empty_body_is_empty_dict():
    assert protocol.decode(b"") == {}
    assert protocol.decode(b'{"dropped": true}') == {"dropped": True}


@pytest.mark.parametrize(
    ("metric", "expected"), [("cosine", "cosine"), ("L2", "l2"), ("Dot", "dot")]
)
def test_metric_is_normalised(metric, expected):
    assert protocol.check_metric(metric) == expected


def test_unknown_metric_is_rejected():
    with pytest.raises(ValueError, match="metric 'hamming'"):
        protocol.check_metric("hamming")


def test_index_type_is_checked():
    assert protocol.check_index_type("hnsw") == "HNSW"
    assert protocol.check_index_type("DiskANN") == "DISKANN"
    with pytest.raises(ValueError, match="index_type 'IVF_FLAT'"):
        protocol.check_index_type("IVF_FLAT")
