"""Lakebeam through its Arrow Flight server, from Python (``pyarrow.flight``, protocol v1).

>>> HOOK <<<  This is where Lakebeam enters the comparison. Given a running server
(``--lakebeam grpc://127.0.0.1:PORT``) or ``--lakebeam auto`` (starts
``/work/main/lakebeam serve --lakehouse <tmpdir> --port 0`` and waits for
``Lakebeam Flight server listening on grpc://...``), it

1. registers ``bench/data/corpus/*.parquet`` as an external collection
   (``create_external_collection``, metric cosine),
2. builds the HNSW (jVector) index with ``create_index`` (M=16, ef_construction=100), timing it
   from the client and recording the server's own ``seconds``,
3. searches, one client per client thread, either through the ``lakebeam`` Python package
   (``clients/python``: ``client.search(name, q, top_k=10, output_fields=["id"],
   search_params={"ef": ef})``; ``client="package"``, the default when it imports) or with raw
   ``DoGet`` search tickets from ``pyarrow.flight`` (``client="flight"``; the query packed as
   ``vectors_f32``, base64 of little-endian float32, as the package does).

See docs/flight-protocol.md for every message used here.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import sys
import threading
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LAUNCHER = os.path.join(ROOT, "lakebeam")
CLIENT_DIR = os.path.join(ROOT, "clients", "python")
READY = re.compile(r"listening on (grpc(?:\+tcp)?://[^\s]+)")
COLLECTION = "ann_bench"
M = 16
EF_CONSTRUCTION = 100


def start_server(launcher: str = LAUNCHER, timeout_s: float = 900, log=print):
    """Starts ``lakebeam serve`` on a temporary lakehouse; returns (process, uri, lakehouse).

    The launcher first builds the project when sources changed (minutes), hence the timeout.
    """
    if not os.path.exists(launcher):
        raise FileNotFoundError(f"Cannot start Lakebeam: {launcher} does not exist yet")
    lakehouse = tempfile.mkdtemp(prefix="lakebeam-bench-")
    corpora = os.environ.get("LAKEBEAM_BENCH_DATA", os.path.join(os.path.dirname(launcher), "bench", "data"))
    proc = subprocess.Popen([launcher, "serve", "--lakehouse", lakehouse, "--port", "0",
                             "--allow-source", corpora],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    found: list[str] = []
    lines: list[str] = []

    def pump():
        for line in proc.stdout:
            lines.append(line)
            m = READY.search(line)
            if m and not found:
                found.append(m.group(1))

    threading.Thread(target=pump, daemon=True).start()
    t0 = time.time()
    while not found:
        if proc.poll() is not None:
            raise RuntimeError("Cannot start Lakebeam: the server exited with "
                               f"{proc.returncode}:\n{''.join(lines[-30:])}")
        if time.time() - t0 > timeout_s:
            proc.kill()
            raise TimeoutError(f"Cannot start Lakebeam: not ready in {timeout_s}s:\n"
                               f"{''.join(lines[-30:])}")
        time.sleep(0.2)
    log(f"  Lakebeam server up at {found[0]} in {time.time() - t0:.1f}s (lakehouse {lakehouse})")
    return proc, found[0], lakehouse


class Lakebeam:
    name = "lakebeam"
    breadth_name = "ef"

    def __init__(self, uri: str = "auto", *, log=print, token: str | None = None,
                 client: str = "auto"):
        import pyarrow.flight as fl

        self.fl = fl
        self.package = None
        if client in ("auto", "package"):
            try:
                if CLIENT_DIR not in sys.path:
                    sys.path.insert(0, CLIENT_DIR)
                import lakebeam

                self.package = lakebeam
            except ImportError:
                if client == "package":
                    raise
        self.client_kind = "package" if self.package else "flight"
        self.token = token
        self.log = log
        self.proc = None
        self.lakehouse = None
        if uri == "auto":
            self.proc, uri, self.lakehouse = start_server(log=log)
        self.uri = uri
        headers = [(b"authorization", f"Bearer {token}".encode())] if token else []
        self.options = fl.FlightCallOptions(headers=headers)
        self.client = fl.connect(uri)
        self.local = threading.local()

    def action(self, name: str, body: dict) -> dict:
        res = list(self.client.do_action(self.fl.Action(name, json.dumps(body).encode()),
                                         self.options))
        return json.loads(res[0].body.to_pybytes()) if res else {}

    def build(self, corpus_glob: str, dim: int, *, reuse: bool = False) -> dict:
        existing = self.action("list_collections", {}).get("collections", [])
        if reuse and COLLECTION in existing:
            desc = self.action("describe_collection", {"collection": COLLECTION})
            if any(not i.get("stale") for i in desc.get("indexes", [])):
                self.log(f"  reusing the existing collection and index: {desc.get('indexes')}")
                return {"build_s": None, "build_vps": None, "reused_index": True,
                        "uri": self.uri, "client": self.client_kind, "describe": desc}
        if COLLECTION in existing:
            self.action("drop_collection", {"collection": COLLECTION, "purge": False})
        schema = {"id": "long", "text": "string", "source": "string", "lang": "string",
                  "year": "int", "embedding": f"float_vector({dim})"}
        t0 = time.perf_counter()
        reg = self.action("create_external_collection", {
            "collection": COLLECTION, "src": corpus_glob, "schema": schema, "metric": "cosine"})
        register_s = time.perf_counter() - t0
        self.log(f"  registered: {reg} in {register_s:.1f}s")
        t0 = time.perf_counter()
        idx = self.action("create_index", {
            "collection": COLLECTION, "field": "embedding", "index_type": "HNSW",
            "metric": "cosine", "params": {"m": M, "ef_construction": EF_CONSTRUCTION}})
        seconds = time.perf_counter() - t0
        rows = int(idx.get("rows_indexed", reg.get("rows", 0)))
        server_s = float(idx.get("seconds", seconds))
        self.log(f"  create_index: {idx}")
        return {"build_s": round(seconds, 2), "build_vps": round(rows / seconds, 1),
                "server_build_s": round(server_s, 2),
                "server_build_vps": round(rows / server_s, 1) if server_s else None,
                "register_s": round(register_s, 2), "rows_indexed": rows,
                "client": self.client_kind,
                "rows_skipped": idx.get("rows_skipped"), "uri": self.uri,
                "params": {"index_type": "HNSW (jVector)", "m": M,
                           "ef_construction": EF_CONSTRUCTION, "metric": "cosine"},
                "describe": self.action("describe_collection", {"collection": COLLECTION})}

    def _client(self):
        c = getattr(self.local, "client", None)
        if c is None:
            c = self.local.client = (self.package.connect(self.uri, token=self.token)
                                     if self.package else self.fl.connect(self.uri))
        return c

    def search(self, q: np.ndarray, k: int, breadth: int):
        if self.package is not None:
            (table,) = self._client().search(COLLECTION, q, top_k=k, output_fields=["id"],
                                             search_params={"ef": max(k, breadth)})
            return table.column("id").to_numpy()
        packed = base64.b64encode(np.ascontiguousarray(q, dtype="<f4").tobytes()).decode()
        ticket = json.dumps({"v": 1, "type": "search", "collection": COLLECTION,
                             "vectors_f32": packed, "dim": int(q.shape[0]), "top_k": k,
                             "ef": max(k, breadth), "output_fields": ["id"]}).encode()
        table = self._client().do_get(self.fl.Ticket(ticket), self.options).read_all()
        return table.column("id").to_numpy()

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # noqa: BLE001 - closing is best-effort
            pass
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.lakehouse:
            shutil.rmtree(self.lakehouse, ignore_errors=True)
