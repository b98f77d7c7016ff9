"""The REST/JSON API of a real ``lakebeam serve --rest-port 0``, called with urllib and curl.

Every reply is checked against what the Flight client gets from the same server.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request

import numpy as np
import pytest

from conftest import START_TIMEOUT_S, TEST_TOKEN, ServerProcess, REPO_ROOT
from lakebeam import LakebeamClient

REST_LINE = re.compile(r"Lakebeam REST API listening on (https?://\S+)")
DIM = 8
ROWS = 300

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """(REST base URL, Flight URI) of one server started with --rest-port 0 and a token."""
    lakehouse = tmp_path_factory.mktemp("rest-lakehouse")
    server = ServerProcess(
        [str(REPO_ROOT / "lakebeam"), "serve", "--lakehouse", str(lakehouse), "--port", "0",
         "--rest-port", "0", "--token", TEST_TOKEN]
    )
    try:
        flight = server.wait_ready(START_TIMEOUT_S)
        rest = next(m.group(1) for line in list(server.output) if (m := REST_LINE.search(line)))
        yield rest, flight
    finally:
        server.stop()


def post(base: str, path: str, body, token: str | None = TEST_TOKEN) -> tuple[int, dict]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=120) as reply:
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.fixture(scope="module")
def docs(servers):
    rest, _ = servers
    rng = np.random.default_rng(17)
    vectors = rng.standard_normal((ROWS, DIM)).astype(np.float32)
    status, reply = post(rest, "/v2/vectordb/collections/create", {
        "collectionName": "restdocs",
        "schema": {"id": "long", "lang": "string", "vector": f"float_vector({DIM})"}})
    assert status == 200 and reply["code"] == 0, reply
    rows = [{"id": i, "lang": ["en", "de"][i % 2], "vector": vectors[i].tolist()}
            for i in range(ROWS)]
    for start in range(0, ROWS, 100):
        status, reply = post(rest, "/v2/vectordb/entities/insert",
                             {"collectionName": "restdocs", "data": rows[start:start + 100]})
        assert status == 200 and reply["data"]["insertCount"] == 100, reply
    return vectors


def test_search_matches_the_flight_client(servers, docs):
    rest, flight = servers
    query = docs[5] + 0.01
    status, reply = post(rest, "/v2/vectordb/entities/search", {
        "collectionName": "restdocs", "data": [query.tolist()], "limit": 5,
        "filter": "lang = 'de'", "outputFields": ["id"]})
    assert status == 200 and reply["code"] == 0, reply
    with LakebeamClient(flight, token=TEST_TOKEN) as client:
        table = client.search("restdocs", query, top_k=5, filter="lang = 'de'",
                              output_fields=["id"])[0]
    assert [h["id"] for h in reply["data"]] == table.column("id").to_pylist()
    assert reply["data"][0]["id"] == 5
    assert [h["rank"] for h in reply["data"]] == [0, 1, 2, 3, 4]


def test_query_get_and_describe(servers, docs):
    rest, _ = servers
    status, reply = post(rest, "/v2/vectordb/entities/query", {
        "collectionName": "restdocs", "filter": "id < 10 AND lang = 'en'",
        "outputFields": ["id"], "limit": 50})
    assert status == 200
    assert sorted(r["id"] for r in reply["data"]) == [0, 2, 4, 6, 8]
    status, reply = post(rest, "/v2/vectordb/entities/get",
                         {"collectionName": "restdocs", "id": [7], "outputFields": ["lang"]})
    assert status == 200 and reply["data"] == [{"lang": "de"}]
    status, reply = post(rest, "/v2/vectordb/collections/describe",
                         {"collectionName": "restdocs"})
    assert status == 200 and "vector" in json.dumps(reply["data"])


def test_errors_are_json_with_the_http_status(servers, docs):
    rest, _ = servers
    status, reply = post(rest, "/v2/vectordb/entities/search",
                         {"collectionName": "restdocs", "data": [[0.0] * DIM], "limt": 3})
    assert status == 400 and reply["code"] == 400 and "did you mean 'limit'?" in reply["message"]
    status, reply = post(rest, "/v2/vectordb/entities/search", b"{not json")
    assert status == 400 and "not a JSON object" in reply["message"]
    status, reply = post(rest, "/v2/vectordb/collections/describe", {"collectionName": "nope"})
    assert status == 404 and reply["code"] == 404
    status, reply = post(rest, "/v2/vectordb/collections/list", {}, token=None)
    assert status == 401 and "Bearer" in reply["message"]


def test_curl_and_the_openapi_document(servers, docs):
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("no curl on PATH")
    rest, _ = servers
    out = subprocess.run(
        [curl, "-s", "-H", f"Authorization: Bearer {TEST_TOKEN}",
         "-d", json.dumps({"collectionName": "restdocs", "data": [[0.1] * DIM], "limit": 3}),
         rest + "/v2/vectordb/entities/search"],
        capture_output=True, text=True, timeout=60, check=True)
    reply = json.loads(out.stdout)
    assert reply["code"] == 0 and len(reply["data"]) == 3
    out = subprocess.run(
        [curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H",
         f"Authorization: Bearer {TEST_TOKEN}", "-d", '{"collectionName": 1}',
         rest + "/v2/vectordb/entities/query"],
        capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout == "400"
    doc = json.loads(subprocess.run([curl, "-s", rest + "/openapi.json"], capture_output=True,
                                    text=True, timeout=60, check=True).stdout)
    assert doc["openapi"].startswith("3.") and "/v2/vectordb/entities/search" in doc["paths"]
