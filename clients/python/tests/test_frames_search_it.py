"""Search a frames collection made by ``lakebeam ingest media`` over Flight (issue 6).

Solid-colour pictures are ingested with the CLI and a tiny ONNX image encoder (tiny_media.py);
each frame's embedding is its CLIP-normalised colour, so a colour query must find its picture.
"""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from conftest import REPO_ROOT, START_TIMEOUT_S, ServerProcess
from tiny_media import COLOURS, expected_embedding, write_png, write_tiny_encoder

from lakebeam import LakebeamClient

pytestmark = pytest.mark.integration

FRAMES = "drives.frames"


@pytest.fixture(scope="module")
def frames_uri(tmp_path_factory):
    """A server of its own over a lakehouse holding ``drives.frames`` (one row per picture)."""
    launcher = REPO_ROOT / "lakebeam"
    if not launcher.exists():
        pytest.skip(f"no launcher at {launcher}: the frames are ingested with the CLI")
    media = tmp_path_factory.mktemp("media")
    for name, rgb in COLOURS.items():
        write_png(media / f"{name}.png", rgb)
    model = write_tiny_encoder(tmp_path_factory.mktemp("model") / "tiny.onnx", 16)
    lakehouse = tmp_path_factory.mktemp("frames-lakehouse")
    run = subprocess.run(
        [str(launcher), "ingest", "media", str(media), "--into", "drives",
         "--lakehouse", str(lakehouse), "--image-model", str(model), "--image-size", "16",
         "--image-norm", "clip"],
        capture_output=True, text=True, timeout=600, cwd=REPO_ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["frames"] == len(COLOURS), summary
    server = ServerProcess(
        [str(launcher), "serve", "--lakehouse", str(lakehouse), "--port", "0"]
    )
    try:
        yield server.wait_ready(START_TIMEOUT_S)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def frames_client(frames_uri):
    with LakebeamClient(frames_uri, timeout=120) as c:
        yield c


def test_frame_rows_hold_the_encoder_embedding_and_the_media_reference(frames_client):
    rows = frames_client.query(
        FRAMES, output_fields=["uri", "media_type", "thumbnail_uri", "phash", "embedding"]
    ).to_pylist()
    assert len(rows) == len(COLOURS)
    for row in rows:
        name = row["uri"].rsplit("/", 1)[-1].removesuffix(".png")
        assert row["media_type"] == "image"
        assert row["thumbnail_uri"].endswith(".jpg")
        np.testing.assert_allclose(
            row["embedding"], expected_embedding(COLOURS[name]), atol=0.03
        )


def test_a_colour_query_finds_its_picture_first(frames_client):
    names = list(COLOURS)
    queries = np.stack([expected_embedding(COLOURS[n]) for n in names])
    results = frames_client.search(
        FRAMES, queries, top_k=3, output_fields=["uri", "timestamp_ms", "thumbnail_uri"]
    )
    assert len(results) == len(names)
    for name, hits in zip(names, results, strict=True):
        assert hits.num_rows == 3
        assert hits.column("uri")[0].as_py().endswith(f"/{name}.png"), hits.to_pylist()
        assert hits.column("_score")[0].as_py() > 0.99
        assert hits.column("_score")[1].as_py() < 0.99
        assert hits.column("timestamp_ms")[0].as_py() == 0


def test_a_filtered_search_keeps_only_matching_frames(frames_client):
    uris = frames_client.query(FRAMES, output_fields=["uri"]).column("uri").to_pylist()
    wanted = [u for u in uris if u.endswith(("/blue.png", "/cyan.png"))]
    quoted = ", ".join("'" + u.replace("'", "''") + "'" for u in wanted)
    [hits] = frames_client.search(
        FRAMES,
        expected_embedding(COLOURS["red"]),
        top_k=5,
        filter=f"uri IN ({quoted})",
        output_fields=["uri"],
    )
    uris = sorted(u.rsplit("/", 1)[-1] for u in hits.column("uri").to_pylist())
    assert uris == ["blue.png", "cyan.png"]
