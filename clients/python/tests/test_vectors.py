"""Normalisation of search inputs (no server needed)."""

import numpy as np
import pyarrow as pa
import pytest

from lakebeam.vectors import to_query, to_query_vectors


@pytest.mark.parametrize(
    ("data", "shape", "single"),
    [
        ([0.1, 0.2, 0.3], (1, 3), True),
        ([1, 2, 3], (1, 3), True),
        ([[0.1, 0.2], [0.3, 0.4]], (2, 2), False),
        ([[0.1, 0.2]], (1, 2), False),
        (np.arange(4, dtype=np.float64), (1, 4), True),
        (np.ones((5, 3), dtype=np.float32), (5, 3), False),
        (np.ones((2, 3), dtype=np.int64), (2, 3), False),
        ([np.ones(3), np.zeros(3)], (2, 3), False),
        (np.array([np.ones(3), np.zeros(3)], dtype=object), (2, 3), False),
        (pa.array([[1.0, 2.0], [3.0, 4.0]], pa.list_(pa.float32())), (2, 2), False),
        ((0.5, 0.5), (1, 2), True),
    ],
)
def test_accepted_inputs_become_float32_rows(data, shape, single):
    vectors = to_query_vectors(data)
    assert vectors.array.shape == shape
    assert vectors.array.dtype == np.float32
    assert vectors.single is single
    assert len(vectors) == shape[0]


def test_to_json_gives_plain_floats():
    payload = to_query_vectors(np.array([1, 2], dtype=np.int32)).to_json()
    assert payload == [[1.0, 2.0]]
    assert all(type(x) is float for x in payload[0])


def test_three_dimensional_array_is_rejected():
    with pytest.raises(ValueError, match="3-D array of shape \\(2, 2, 2\\)"):
        to_query_vectors(np.zeros((2, 2, 2)))


@pytest.mark.parametrize("data", [[], np.zeros((0, 3)), np.zeros((3, 0)), [[]]])
def test_empty_data_is_rejected(data):
    with pytest.raises(ValueError, match="empty"):
        to_query_vectors(data)


def test_ragged_lists_are_rejected():
    with pytest.raises(ValueError, match="equal length"):
        to_query_vectors([[1.0, 2.0], [1.0]])


def test_scalar_is_rejected():
    with pytest.raises(ValueError, match="scalar"):
        to_query_vectors(3.0)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_values_are_rejected(bad):
    with pytest.raises(ValueError, match="NaN or infinite"):
        to_query_vectors([0.1, bad])


def test_non_numeric_values_are_rejected():
    with pytest.raises(ValueError, match="Cannot search"):
        to_query_vectors([[0.1, None], [0.2, "x"]])


@pytest.mark.parametrize("text", ["hello", ["hello", "world"]])
def test_text_is_not_turned_into_vectors_on_the_client(text):
    with pytest.raises(TypeError, match="pass text to search"):
        to_query_vectors(text)


def test_text_queries_are_sent_for_the_server_to_embed():
    single = to_query("how do I rotate keys?")
    assert single.single and single.to_packed() == {"texts": ["how do I rotate keys?"]}
    several = to_query(["a", "b"])
    assert not several.single and len(several) == 2


@pytest.mark.parametrize("bad", ["", "   ", ["ok", ""], ["ok", 1]])
def test_empty_or_mixed_texts_are_rejected(bad):
    with pytest.raises(ValueError, match="Cannot search"):
        to_query(bad)
