"""JSON-path and geo filters through Flight: Lakebeam's rows equal a pandas evaluation.

A seeded table of 22,000 rows in five Parquet files (one region each, so geo filters can prune)
with a JSON string column, a struct column and points as a struct and as WKT text. Every
predicate is run as a read and as a vector search with a large top_k, and compared with the
same predicate evaluated row by row in pandas, following the documented semantics (a missing
path, a JSON null or a value of another type never matches a comparison; NOT flips).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lakebeam import InvalidArgumentError, protocol
from lakebeam.reader import ReadPlan
from sample_docs import unique_name

FILES = 5
ROWS = 4_400
DIM = 8
TOP_K = 10_000
R = 6_371_008.8
CENTRES = [(2.35, 48.85), (-74.0, 40.7), (179.6, -17.0), (139.7, 35.7), (13.4, 52.5)]
TAGS = ["red", "green", "blue", "x", "y"]
MISSING = object()


def make_meta(rng) -> str | None:
    u = rng.random()
    if u < 0.03:
        return None
    if u < 0.04:
        return '{"lang": "en", broken'
    m: dict = {}
    if rng.random() < 0.9:
        m["lang"] = str(rng.choice(["en", "de", "fr"]))
    kind = rng.random()
    if kind < 0.8:
        m["n"] = int(rng.integers(0, 100))
    elif kind < 0.9:
        m["n"] = str(int(rng.integers(0, 100)))  # a number as a string: never equals 42
    else:
        m["n"] = float(rng.integers(0, 100)) + 0.5
    m["x"] = round(float(rng.normal()), 6)
    if rng.random() < 0.7:
        m["ok"] = bool(rng.random() < 0.5)
    tags = [str(t) for t in rng.choice(TAGS, size=int(rng.integers(0, 4)), replace=False)]
    if rng.random() < 0.1:
        tags.append(7)
    m["tags"] = tags
    if rng.random() < 0.5:
        m["a"] = {"b": int(rng.integers(0, 10))}
    if rng.random() < 0.1:
        m["nil"] = None
    return json.dumps(m)


def write_files(folder) -> pd.DataFrame:
    rng = np.random.default_rng(16)
    frames = []
    for f, (clon, clat) in enumerate(CENTRES):
        ids = np.arange(f * ROWS, (f + 1) * ROWS, dtype=np.int64)
        lon = clon + (rng.random(ROWS) - 0.5) * 2.0
        lon = np.where(lon > 180, lon - 360, lon)
        lat = clat + (rng.random(ROWS) - 0.5) * 2.0
        attrs = [
            {
                "lang": str(rng.choice(["en", "de"])),
                "n": int(rng.integers(0, 20)),
                "tags": [str(t) for t in rng.choice(TAGS, size=2, replace=False)],
            }
            for _ in ids
        ]
        part = pa.table(
            {
                "id": ids,
                "cat": [str(c) for c in rng.choice(["a", "b", "c", "d"], size=ROWS)],
                "score": rng.random(ROWS),
                "meta": pa.array([make_meta(rng) for _ in ids], pa.string()),
                "attrs": pa.array(
                    attrs,
                    pa.struct(
                        [("lang", pa.string()), ("n", pa.int64()), ("tags", pa.list_(pa.string()))]
                    ),
                ),
                "loc": pa.StructArray.from_arrays(
                    [pa.array(lon), pa.array(lat)], names=["lon", "lat"]
                ),
                "wkt": [f"POINT({a!r} {b!r})" for a, b in zip(lon.tolist(), lat.tolist())],
                "embedding": pa.array(
                    list(rng.normal(size=(ROWS, DIM)).astype(np.float32)), pa.list_(pa.float32())
                ),
            }
        )
        pq.write_table(part, folder / f"region-{f}.parquet")
        frames.append(part.drop(["embedding"]).to_pandas())
    df = pd.concat(frames, ignore_index=True)

    def parse(s):
        try:
            return json.loads(s) if isinstance(s, str) else None
        except ValueError:
            return None

    df["meta_obj"] = df["meta"].map(parse)
    return df


# --- the reference semantics, row by row --------------------------------------------------


def at(value, *path):
    for step in path:
        if isinstance(step, str) and isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(step, int) and isinstance(value, list) and step < len(value):
            value = value[step]
        else:
            return MISSING
    return value


def cmp(v, op, lit) -> bool:
    if isinstance(lit, bool):
        ok = isinstance(v, bool)
    elif isinstance(lit, (int, float)):
        ok = isinstance(v, (int, float)) and not isinstance(v, bool)
    else:
        ok = isinstance(v, str)
    if not ok:
        return False
    return {
        "=": v == lit, "!=": v != lit, "<": v < lit, "<=": v <= lit, ">": v > lit, ">=": v >= lit,
    }[op]


def contains(v, lit) -> bool:
    return isinstance(v, list) and any(cmp(e, "=", lit) for e in v)


def haversine(lon1, lat1, lon2, lat2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    s1 = math.sin((p2 - p1) / 2)
    s2 = math.sin(math.radians(lon2 - lon1) / 2)
    h = s1 * s1 + math.cos(p1) * math.cos(p2) * s2 * s2
    return 2 * R * math.asin(math.sqrt(min(1.0, h)))


def dist(r, lon, lat) -> float:
    return haversine(lon, lat, r["loc"]["lon"], r["loc"]["lat"])


def in_box(r, a, b, c, d) -> bool:
    lon, lat = r["loc"]["lon"], r["loc"]["lat"]
    lon_ok = a <= lon <= c if a <= c else (lon >= a or lon <= c)
    return b <= lat <= d and lon_ok


def m(r, *path):
    return at(r["meta_obj"], *path)


PREDICATES = [
    ("meta[\"lang\"] = 'en'", lambda r: cmp(m(r, "lang"), "=", "en")),
    ("meta['lang'] != 'en'", lambda r: cmp(m(r, "lang"), "!=", "en")),
    ("NOT meta[\"lang\"] = 'en'", lambda r: not cmp(m(r, "lang"), "=", "en")),
    ("meta[\"n\"] = 42", lambda r: cmp(m(r, "n"), "=", 42)),
    ("meta[\"n\"] = '42'", lambda r: cmp(m(r, "n"), "=", "42")),
    ("meta[\"n\"] > 90.25", lambda r: cmp(m(r, "n"), ">", 90.25)),
    ("meta[\"n\"] BETWEEN 10 AND 12", lambda r: cmp(m(r, "n"), ">=", 10) and cmp(m(r, "n"), "<=", 12)),
    ("meta[\"n\"] IN (1, 2, 3.5)", lambda r: any(cmp(m(r, "n"), "=", x) for x in (1, 2, 3.5))),
    ("meta[\"x\"] < -1.5", lambda r: cmp(m(r, "x"), "<", -1.5)),
    ("meta[\"ok\"] = true", lambda r: cmp(m(r, "ok"), "=", True)),
    ("meta[\"ok\"] != false", lambda r: cmp(m(r, "ok"), "!=", False)),
    ("meta[\"a\"][\"b\"] >= 8", lambda r: cmp(m(r, "a", "b"), ">=", 8)),
    ("meta[\"tags\"][0] = 'red'", lambda r: cmp(m(r, "tags", 0), "=", "red")),
    ("meta[\"tags\"][2] IS NOT NULL", lambda r: m(r, "tags", 2) not in (MISSING, None)),
    ("meta[\"lang\"] IS NULL", lambda r: m(r, "lang") in (MISSING, None)),
    ("meta[\"nil\"] IS NULL AND EXISTS meta[\"nil\"]", lambda r: m(r, "nil") is None),
    ("NOT EXISTS meta[\"a\"]", lambda r: m(r, "a") is MISSING),
    ("meta[\"lang\"] LIKE 'f%'", lambda r: isinstance(m(r, "lang"), str) and m(r, "lang").startswith("f")),
    ("json_contains(meta[\"tags\"], 'x')", lambda r: contains(m(r, "tags"), "x")),
    ("json_contains(meta[\"tags\"], 7)", lambda r: contains(m(r, "tags"), 7)),
    ("json_contains_any(meta[\"tags\"], ['red', 'blue'])", lambda r: contains(m(r, "tags"), "red") or contains(m(r, "tags"), "blue")),
    ("json_contains_all(meta[\"tags\"], ['red', 'blue'])", lambda r: contains(m(r, "tags"), "red") and contains(m(r, "tags"), "blue")),
    ("NOT json_contains(meta[\"tags\"], 'green') AND cat = 'a'", lambda r: not contains(m(r, "tags"), "green") and r["cat"] == "a"),
    ("attrs[\"lang\"] = 'de' AND attrs[\"n\"] < 5", lambda r: r["attrs"]["lang"] == "de" and r["attrs"]["n"] < 5),
    ("array_contains(attrs[\"tags\"], 'blue') OR attrs[\"tags\"][0] = 'x'", lambda r: "blue" in list(r["attrs"]["tags"]) or r["attrs"]["tags"][0] == "x"),
    ("attrs.n >= 18", lambda r: r["attrs"]["n"] >= 18),
    ("st_dwithin(loc, POINT(2.35 48.85), 30000)", lambda r: dist(r, 2.35, 48.85) <= 30000),
    ("st_distance(loc, POINT(-74 40.7)) < 50000 AND score > 0.5", lambda r: dist(r, -74, 40.7) < 50000 and r["score"] > 0.5),
    ("st_distance(loc, POINT(139.7 35.7)) >= 80000", lambda r: dist(r, 139.7, 35.7) >= 80000),
    ("st_dwithin(wkt, POINT(13.4 52.5), 40000)", lambda r: dist(r, 13.4, 52.5) <= 40000),
    ("st_dwithin(loc, POINT(-179.9 -17), 60000)", lambda r: dist(r, -179.9, -17) <= 60000),
    ("st_within(loc, BBOX(179.8, -17.5, -179.6, -16.5))", lambda r: in_box(r, 179.8, -17.5, -179.6, -16.5)),
    ("st_within(wkt, BBOX(2, 48.5, 3, 49))", lambda r: in_box(r, 2, 48.5, 3, 49)),
    ("NOT st_within(loc, BBOX(-80, 0, 150, 60)) AND meta[\"lang\"] = 'de'", lambda r: not in_box(r, -80, 0, 150, 60) and cmp(m(r, "lang"), "=", "de")),
    ("(st_dwithin(loc, POINT(2.35 48.85), 40000) OR st_within(loc, BBOX(139, 35, 140, 36))) AND (json_contains(meta[\"tags\"], 'y') OR meta[\"n\"] < 10)", lambda r: (dist(r, 2.35, 48.85) <= 40000 or in_box(r, 139, 35, 140, 36)) and (contains(m(r, "tags"), "y") or cmp(m(r, "n"), "<", 10))),
]


@pytest.fixture(scope="module")
def geo_table(client, tmp_path_factory):
    folder = tmp_path_factory.mktemp("jsongeo")
    df = write_files(folder)
    name = unique_name("jsongeo")
    result = client.create_external_collection(name, str(folder / "*.parquet"))
    assert result["rows"] == FILES * ROWS
    client.create_index(name, "embedding")
    yield name, df.to_dict("records")
    client.drop_collection(name)


def expected_ids(rows, predicate) -> set[int]:
    return {r["id"] for r in rows if predicate(r)}


@pytest.mark.parametrize("text,predicate", PREDICATES, ids=[p[0] for p in PREDICATES])
def test_read_and_search_equal_pandas(client, geo_table, text, predicate):
    name, df = geo_table
    want = expected_ids(df, predicate)
    got = client.query(name, filter=text, output_fields=["id"]).column("id").to_pylist()
    assert len(got) == len(set(got))
    assert set(got) == want

    query = np.ones(DIM, dtype=np.float32)
    [hits] = client.search(name, query, top_k=TOP_K, filter=text, output_fields=["id"])
    found = set(hits.column("id").to_pylist())
    assert len(found) == min(TOP_K, len(want))
    assert found <= want


def test_there_are_enough_predicates_and_they_select_something():
    assert len(PREDICATES) >= 30


@pytest.mark.parametrize(
    "text,files",
    [
        ("st_dwithin(loc, POINT(2.35 48.85), 30000)", 1),
        ("st_within(loc, BBOX(179.8, -17.5, -179.6, -16.5))", 1),
        ("st_dwithin(loc, POINT(2.35 48.85), 30000) OR st_dwithin(loc, POINT(13.4 52.5), 9000)", 2),
        ("NOT st_within(loc, BBOX(-80, 0, 150, 60))", FILES),
        ("st_dwithin(wkt, POINT(13.4 52.5), 40000)", FILES),  # WKT text has no bounds
    ],
)
def test_geo_filters_prune_data_files(client, geo_table, text, files):
    name, _ = geo_table
    plan = ReadPlan(client._connection, protocol.read_request(collection=name, filter=text))
    planned = set()
    for endpoint in plan.endpoints:
        planned.update(json.loads(endpoint.ticket.ticket)["files"])
    assert len(planned) == files


@pytest.mark.parametrize(
    "text,message",
    [
        ('meta["lang" = 1', "position 13"),
        ("meta[] = 1", "invalid JSON path step"),
        ("jsn_contains(meta, 'x')", "unknown function 'jsn_contains'"),
        ("st_dwithin(loc, POINT(2 91), 10)", "latitude 91 is outside"),
        ("st_dwithin(loc, POINT(2), 10)", "latitude is missing"),
        ("st_dwithin(score, POINT(2 3), 10)", "geo functions take"),
    ],
)
def test_bad_filters_are_invalid_argument_with_the_position(client, geo_table, text, message):
    name, _ = geo_table
    with pytest.raises(InvalidArgumentError, match="position") as read_error:
        client.query(name, filter=text)
    assert message in str(read_error.value)
    with pytest.raises(InvalidArgumentError, match="position"):
        client.search(name, np.ones(DIM, dtype=np.float32), top_k=5, filter=text)
