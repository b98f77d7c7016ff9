"""Dict filters (the LangChain habit) turned into Lakebeam filter strings."""

import datetime as dt

import numpy as np
import pytest

from lakebeam.filters import to_filter


@pytest.mark.parametrize(
    "spec, expected",
    [
        (None, None),
        ({}, None),
        ("lang = 'en'", "lang = 'en'"),
        ({"lang": "en"}, "lang = 'en'"),
        ({"lang": "it's"}, "lang = 'it''s'"),
        ({"lang": ["en", "de"]}, "lang IN ('en', 'de')"),
        ({"year": {"$gte": 2020, "$lt": 2024}}, "year >= 2020 AND year < 2024"),
        ({"year": {"$nin": [1, 2]}, "ok": True}, "year NOT IN (1, 2) AND ok = true"),
        ({"note": None}, "note IS NULL"),
        ({"note": {"$ne": None}}, "note IS NOT NULL"),
        ({"score": np.float32(0.5)}, "score = 0.5"),
        ({"day": dt.date(2024, 1, 2)}, "day = '2024-01-02'"),
        ({"odd name": 1, "Not": 2, "order": 3}, "\"odd name\" = 1 AND \"Not\" = 2 AND order = 3"),
        ({"$or": [{"a": 1}, {"b": 2, "c": 3}]}, "(a = 1 OR b = 2 AND c = 3)"),
        ({"$and": [{"a": 1}, {"$or": [{"b": 2}, {"c": 3}]}]}, "(a = 1 AND (b = 2 OR c = 3))"),
    ],
)
def test_to_filter(spec, expected):
    assert to_filter(spec) == expected


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"a": {"$regex": "x"}}, "operator '\\$regex'"),
        ({"a": []}, "non-empty list"),
        ({"a": {"$gt": None}}, "only \\$eq and \\$ne take None"),
        ({"a": object()}, "use a string, number"),
        ({"a": float("nan")}, "only finite numbers"),
        ({"$or": []}, "non-empty list of dicts"),
        ({"$gt": 1}, "inside a field"),
        ({'a"b': 1}, "without double quotes"),
        (42, "give a string"),
    ],
)
def test_bad_filters_are_refused(spec, message):
    with pytest.raises(ValueError, match=message):
        to_filter(spec)


def test_json_and_geo_builders():
    from lakebeam.filters import json_path, st_dwithin, st_within

    assert json_path("meta", "a", "tags", 0) == 'meta["a"]["tags"][0]'
    assert st_dwithin("loc", 2.35, 48.85, 5000) == "st_dwithin(loc, POINT(2.35 48.85), 5000)"
    assert st_within("loc", 170, -20, -170, -10) == "st_within(loc, BBOX(170, -20, -170, -10))"
    with pytest.raises(ValueError, match="latitude"):
        st_dwithin("loc", 0, 95, 10)
    with pytest.raises(ValueError, match="index"):
        json_path("meta", -1)
