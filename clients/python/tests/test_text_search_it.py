"""Documents ingested with ``lakebeam ingest documents`` are searchable by text through Flight.

A server of its own serves a lakehouse into which the CLI ingests a handful of real text
documents (Tika extraction, chunking, MiniLM embeddings, index build); a second ingest adds a
document, refreshes the index, and a text query embedded by the server finds it.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import REPO_ROOT, START_TIMEOUT_S, ServerProcess
from lakebeam import LakebeamClient
from lakebeam.errors import InvalidArgumentError

pytestmark = pytest.mark.integration

FIRST_BATCH = {
    "gardening.md": "# Growing tomatoes\n\nTomatoes need full sun, rich soil and regular watering."
    " Stake the plants early and pinch the side shoots.\n",
    "espresso.txt": "Pulling a good espresso shot takes finely ground coffee, 9 bars of pressure"
    " and about 25 seconds of extraction.\n",
    "trains.html": "<html><head><title>Night trains</title></head><body><h1>Night trains</h1>"
    "<p>Sleeper trains connect Vienna, Zurich and Hamburg overnight.</p></body></html>",
}
SECOND_BATCH = {
    "key-rotation.md": "# Rotating encryption keys\n\nTo rotate keys, create a new key version,"
    " re-encrypt the data keys with it, then disable the old version after every reader has"
    " switched. Rotate signing keys on a fixed schedule.\n",
}


def _ingest(lakehouse, docs_dir):
    run = subprocess.run(
        [str(REPO_ROOT / "lakebeam"), "ingest", "documents", str(docs_dir), "--into", "kb",
         "--lakehouse", str(lakehouse)],
        capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def _write(folder, docs):
    folder.mkdir(exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def kb(tmp_path_factory, lakebeam_uri):
    """(client, lakehouse, docs dir) after the first ingest, with a server of its own."""
    lakehouse = tmp_path_factory.mktemp("kb-lakehouse")
    docs = tmp_path_factory.mktemp("kb-docs")
    _write(docs, FIRST_BATCH)
    summary = _ingest(lakehouse, docs)
    assert summary["documents"] == 3 and summary["failures"] == 0
    server = ServerProcess(
        [str(REPO_ROOT / "lakebeam"), "serve", "--lakehouse", str(lakehouse), "--port", "0"]
    )
    try:
        uri = server.wait_ready(START_TIMEOUT_S)
        with LakebeamClient(uri, timeout=120) as client:
            yield client, lakehouse, docs
    finally:
        server.stop()


def test_text_query_is_embedded_by_the_server(kb):
    client, _, _ = kb
    [hits] = client.search("kb.chunks", data="how long should an espresso extraction take?",
                           top_k=1, output_fields=["uri", "text"])
    assert hits.column("uri")[0].as_py().endswith("espresso.txt")


def test_new_documents_are_found_after_an_incremental_ingest(kb):
    client, lakehouse, docs = kb
    _write(docs, SECOND_BATCH)
    summary = _ingest(lakehouse, docs)
    assert summary["documents"] == 1 and summary["skipped"] == 3
    assert summary["index"]["action"] == "refreshed"
    [hits] = client.search("kb.chunks", data=["how do I rotate keys?"], top_k=1,
                           output_fields=["uri", "doc_version"])
    assert hits.column("uri")[0].as_py().endswith("key-rotation.md")
    assert hits.column("doc_version")[0].as_py().startswith("sha256:")


def test_several_texts_give_one_table_each(kb):
    client, _, _ = kb
    results = client.search("kb.chunks", data=["sleeper trains", "tomato plants"], top_k=2,
                            output_fields=["uri"])
    assert [r.column("uri")[0].as_py().rsplit("/", 1)[-1] for r in results] == [
        "trains.html", "gardening.md"]


def test_text_query_on_a_field_without_a_model_is_refused(client, collection_name):
    client.create_collection(collection_name, {"v": "float_vector(3)"})
    client.insert(collection_name, [{"v": [0.1, 0.2, 0.3]}])
    with pytest.raises(InvalidArgumentError, match="records no embedding model"):
        client.search(collection_name, data="anything")
