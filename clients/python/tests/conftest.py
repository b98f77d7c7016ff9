"""Fixtures: a real Lakebeam server for the integration tests.

The real server is started once per session with ``<repo>/lakebeam serve --lakehouse <tmp>
--port 0`` (which builds the Java code first if needed), unless ``LAKEBEAM_TEST_SERVER`` names
one already running. Tests marked ``integration`` are skipped when neither is available.
"""

from __future__ import annotations

import collections
import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from lakebeam import LakebeamClient  # noqa: E402


REPO_ROOT = Path(__file__).resolve().parents[3]
LISTENING = re.compile(r"Lakebeam Flight server listening on (grpc(?:\+tls)?://\S+)")
START_TIMEOUT_S = float(os.environ.get("LAKEBEAM_TEST_SERVER_TIMEOUT", "180"))
TEST_TOKEN = "s3cret"


class ServerProcess:
    """A ``lakebeam serve`` child process whose output is drained by a thread."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.output: collections.deque[str] = collections.deque(maxlen=200)
        self.uri: str | None = None
        self._ready = threading.Event()
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            bufsize=1,
            start_new_session=True,
            cwd=REPO_ROOT,
        )
        self._drainer = threading.Thread(
            target=self._drain, daemon=True, name="lakebeam-server-out"
        )
        self._drainer.start()

    def _drain(self) -> None:
        for line in self.process.stdout:
            self.output.append(line.rstrip("\n"))
            match = LISTENING.search(line)
            if match and self.uri is None:
                self.uri = match.group(1)
                self._ready.set()
        self._ready.set()  # the process ended: stop waiting

    def wait_ready(self, timeout: float) -> str:
        if not self._ready.wait(timeout) or self.uri is None:
            code = self.process.poll()
            state = (
                f"exited with {code}" if code is not None else f"not ready after {timeout:.0f} s"
            )
            self.stop()
            tail = "\n".join(self.output)
            raise RuntimeError(f"Lakebeam server {state}: {' '.join(self.command)}\n{tail}")
        return self.uri

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)


def _launch(tmp_path_factory, *extra_args: str):
    launcher = REPO_ROOT / "lakebeam"
    if not launcher.exists():
        pytest.skip(f"no server launcher at {launcher}; set LAKEBEAM_TEST_SERVER=grpc://host:port")
    lakehouse = tmp_path_factory.mktemp("lakehouse")
    # tests register Parquet files they write under their own tmp_path
    sources = ["--allow-source", str(tmp_path_factory.getbasetemp())]
    return ServerProcess(
        [str(launcher), "serve", "--lakehouse", str(lakehouse), "--port", "0", *sources,
         *extra_args]
    )


@pytest.fixture(scope="session")
def lakebeam_uri(tmp_path_factory):
    """URI of a real Lakebeam server for the whole session."""
    external = os.environ.get("LAKEBEAM_TEST_SERVER")
    if external:
        yield external
        return
    server = _launch(tmp_path_factory)
    try:
        yield server.wait_ready(START_TIMEOUT_S)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def token_server_uri(tmp_path_factory, lakebeam_uri):
    """URI of a second real server, started with ``--token s3cret`` (built by the first)."""
    if os.environ.get("LAKEBEAM_TEST_SERVER"):
        pytest.skip("starts its own server with --token; not with LAKEBEAM_TEST_SERVER")
    server = _launch(tmp_path_factory, "--token", TEST_TOKEN)
    try:
        yield server.wait_ready(START_TIMEOUT_S)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def client(lakebeam_uri):
    """A client of the real server, shared by the session."""
    with LakebeamClient(lakebeam_uri, timeout=120) as shared:
        yield shared


_counter = itertools.count()


@pytest.fixture
def collection_name(request):
    """A collection name no other test uses."""
    base = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower()).strip("_")[:40]
    return f"t_{base}_{next(_counter)}_{uuid.uuid4().hex[:6]}"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "lakebeam_uri" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.integration)


# The ingested corpus (LangChain, Ray and notebook tests) -------------------------------------

CORPUS_COLLECTION = "kb.chunks"


def ingest_corpus(lakehouse: Path, docs: Path) -> dict:
    """Ingest ``tests/corpus_docs.py`` into ``kb`` of ``lakehouse`` with the CLI; its summary."""
    import json

    from corpus_docs import DOCS, write_corpus

    launcher = REPO_ROOT / "lakebeam"
    if not launcher.exists():
        pytest.skip(f"no launcher at {launcher}: the corpus is ingested with the CLI")
    write_corpus(docs)
    run = subprocess.run(
        [str(launcher), "ingest", "documents", str(docs), "--into", "kb",
         "--lakehouse", str(lakehouse)],
        capture_output=True, text=True, timeout=600, cwd=REPO_ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["documents"] == len(DOCS) and summary["failures"] == 0, summary
    return summary


@pytest.fixture(scope="session")
def corpus_uri(tmp_path_factory):
    """URI of a server of its own over ``kb``: ``tests/corpus_docs.py`` ingested with the CLI.

    ``kb.chunks`` holds one chunk per document with MiniLM vectors (the model recorded, so text
    queries are embedded by the server) and an index. Tests must not change ``kb.chunks``.
    """
    lakehouse = tmp_path_factory.mktemp("corpus-lakehouse")
    ingest_corpus(lakehouse, tmp_path_factory.mktemp("corpus-docs"))
    server = ServerProcess(
        [str(REPO_ROOT / "lakebeam"), "serve", "--lakehouse", str(lakehouse), "--port", "0"]
    )
    try:
        yield server.wait_ready(START_TIMEOUT_S)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def ray_session():
    """One local Ray cluster (2 CPUs, no dashboard) for every Ray test and the Ray notebook."""
    ray = pytest.importorskip("ray")
    import ray.data

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             configure_logging=False)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    try:
        yield ray
    finally:
        ray.shutdown()
