"""Context packages end to end: ingest documents, build packages with ``lakebeam context build``
(a Beam pipeline), fetch them over Flight with ``client.context``, rebuild after a change.

The CLI is ``<repo>/lakebeam`` unless ``LAKEBEAM_CLI`` gives another command line (for example
``java -cp ... io.lakebeam.cli.Main``), which also serves the lakehouse.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess

import pytest

from conftest import REPO_ROOT, START_TIMEOUT_S, ServerProcess
from lakebeam import LakebeamClient
from lakebeam.context import ContextPackage
from lakebeam.errors import NotFoundError

pytestmark = pytest.mark.integration

DOCS = {
    "keys.md": "# Rotating encryption keys\n\nTo rotate keys, create a new key version and mark it"
    " primary. Re-encrypt the data keys with it.\n\nDisable the old key version after a grace"
    " period of seven days.\n",
    "espresso.txt": "Pulling a good espresso shot takes finely ground coffee, 9 bars of pressure"
    " and about 25 seconds of extraction.\n",
    "trains.html": "<html><head><title>Night trains</title></head><body><h1>Night trains</h1>"
    "<p>Sleeper trains connect Vienna, Zurich and Hamburg overnight.</p></body></html>",
}
UPDATE = {
    "rotation-checklist.md": "# Key rotation checklist\n\nRotate keys with the rotate-key command:"
    " it creates the new key version and re-encrypts data keys in one step.\n",
}
SPEC = """
name: support-kb
source: {collection: kb.chunks, field: embedding, snapshot: latest}
queries:
  - {topic: "key rotation", text: "how do I rotate keys?"}
  - {topic: "coffee", text: "how long should an espresso shot take?"}
retrieve: {top_k: 3}
rerank: {method: mmr, lambda: 0.7}
compress: {token_budget: 120, dedup: true, order: relevance}
"""


def _cli() -> list[str]:
    command = os.environ.get("LAKEBEAM_CLI")
    return shlex.split(command) if command else [str(REPO_ROOT / "lakebeam")]


def _run(*args) -> dict:
    run = subprocess.run([*_cli(), *map(str, args)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def _write(folder, docs):
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def kb(tmp_path_factory, lakebeam_uri):
    """(client, lakehouse, docs dir, spec path, first build summary), with a server of its own."""
    lakehouse = tmp_path_factory.mktemp("ctx-lakehouse")
    docs = tmp_path_factory.mktemp("ctx-docs")
    _write(docs, DOCS)
    _run("ingest", "documents", docs, "--into", "kb", "--lakehouse", lakehouse)
    spec = tmp_path_factory.mktemp("ctx-spec") / "support-kb.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    summary = _run("context", "build", spec, "--lakehouse", lakehouse)
    server = ServerProcess([*_cli(), "serve", "--lakehouse", str(lakehouse), "--port", "0"])
    try:
        uri = server.wait_ready(START_TIMEOUT_S)
        with LakebeamClient(uri, timeout=120) as client:
            yield client, lakehouse, docs, spec, summary
    finally:
        server.stop()


def test_build_makes_one_package_per_topic(kb):
    _, _, _, _, summary = kb
    assert summary["built"] == 2 and summary["versions_added"] == 2 and summary["failed"] == 0


def test_a_package_comes_back_with_text_and_citations(kb):
    client, *_ = kb
    pkg = client.context("support-kb", topic="key rotation")
    assert isinstance(pkg, ContextPackage)
    assert pkg.version == 1
    assert pkg.text.startswith("[1] ")
    assert pkg.citations[0].uri.endswith("keys.md")
    assert pkg.citations[0].char_end > pkg.citations[0].char_start
    assert pkg.token_count <= 120
    assert pkg.model.startswith("all-MiniLM-L6-v2@")
    prompt = pkg.to_prompt("how do I rotate keys?")
    assert "Sources:\n[1] " in prompt and prompt.endswith("Question: how do I rotate keys?")


def test_a_changed_source_adds_a_version_and_keeps_the_old_one(kb):
    client, lakehouse, docs, spec, _ = kb
    _write(docs, UPDATE)
    _run("ingest", "documents", docs, "--into", "kb", "--lakehouse", lakehouse)
    changed = _run("context", "build", spec, "--lakehouse", lakehouse)
    assert changed["versions_added"] >= 1

    latest = client.context("support-kb", topic="key rotation")
    assert latest.version == 2
    assert any(c.uri.endswith("rotation-checklist.md") for c in latest.citations)
    first = client.context("support-kb", topic="key rotation", version=1)
    assert not any(c.uri.endswith("rotation-checklist.md") for c in first.citations)
    diff = client.context_diff("support-kb", topic="key rotation", from_version=1, to_version=2)
    assert diff["source_snapshot_changed"] is True
    assert any(c["uri"].endswith("rotation-checklist.md") for c in diff["citations_added"])

    rebuilt = _run("context", "rebuild", "support-kb", "--topic", "key rotation", "--version", 1,
                   "--lakehouse", lakehouse)
    assert rebuilt["identical"] is True


def test_unknown_topic_is_not_found(kb):
    client, *_ = kb
    with pytest.raises(NotFoundError, match="has no topic 'tea'"):
        client.context("support-kb", topic="tea")
