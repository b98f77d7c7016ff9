"""LanceDB (embedded) on the same vectors: IVF_HNSW_SQ or IVF_PQ with cosine distance.

The table is written from the corpus (``id`` and the embedding as ``fixed_size_list<float32>``,
which LanceDB indexes), the index is built, and each query goes through the public query
builder: ``tbl.search(q).distance_type("cosine").nprobes(n)[.ef(e)|.refine_factor(r)]``.

Breadth settings are tuples: ``(nprobes, ef)`` for IVF_HNSW_SQ, ``(nprobes, refine_factor)`` for
IVF_PQ; the harness labels each with a single integer index into the list.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import time

import numpy as np
import pyarrow as pa


os.environ.setdefault("LANCE_LOG", "error")  # silences a per-query deprecation warning


class LanceDb:
    breadth_name = "setting"

    def __init__(self, *, index_type: str = "IVF_HNSW_SQ", num_partitions: int | None = None):
        try:
            import lancedb
        except ImportError as e:  # pragma: no cover
            raise ImportError("lancedb is missing: pip install lancedb") from e
        self.lancedb = lancedb
        self.index_type = index_type
        self.num_partitions = num_partitions
        self.name = f"lancedb-{index_type.lower().replace('_', '-')}"
        self.dir = tempfile.mkdtemp(prefix="lancedb-bench-")
        self.table = None
        self.settings: list[tuple[int, int]] = []

    def default_settings(self, n: int) -> list[tuple[int, int]]:
        if self.index_type == "IVF_PQ":
            return [(p, r) for p in (10, 20, 40, 80) for r in (1, 5, 10, 30)]
        return [(p, e) for p in (1, 2, 4, 8) for e in (16, 32, 64, 128)]

    def build(self, ids: np.ndarray, vectors: np.ndarray) -> dict:
        n, dim = vectors.shape
        vec = pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1), pa.float32()), dim)
        data = pa.table({"id": pa.array(ids, pa.int64()), "vector": vec})
        db = self.lancedb.connect(self.dir)
        t0 = time.perf_counter()
        tbl = db.create_table("bench", data=data, mode="overwrite")
        load_s = time.perf_counter() - t0
        parts = self.num_partitions or max(1, int(round(math.sqrt(n) / 2)))
        if self.index_type == "IVF_HNSW_SQ":
            parts = self.num_partitions or max(1, n // 50_000)
        kwargs = dict(metric="cosine", vector_column_name="vector", index_type=self.index_type,
                      num_partitions=parts)
        if self.index_type == "IVF_PQ":
            kwargs["num_sub_vectors"] = dim // 8
        else:
            kwargs.update(m=16, ef_construction=100)
        t0 = time.perf_counter()
        tbl.create_index(**kwargs)
        seconds = time.perf_counter() - t0
        self.table = tbl
        self.settings = self.default_settings(n)
        return {"build_s": round(seconds, 2), "build_vps": round(n / seconds, 1),
                "load_s": round(load_s, 2), "version": self.lancedb.__version__,
                "params": {k: v for k, v in kwargs.items() if k != "vector_column_name"}}

    def search(self, q: np.ndarray, k: int, breadth: int):
        nprobes, second = self.settings[breadth]
        b = self.table.search(q).distance_type("cosine").nprobes(nprobes).limit(k).select(["id"])
        b = b.refine_factor(second) if self.index_type == "IVF_PQ" else b.ef(max(k, second))
        return b.to_arrow().column("id").to_numpy()

    def describe(self, breadth: int) -> str:
        nprobes, second = self.settings[breadth]
        return f"nprobes={nprobes}," + ("refine" if self.index_type == "IVF_PQ" else "ef") + \
            f"={second}"

    def close(self) -> None:
        self.table = None
        shutil.rmtree(self.dir, ignore_errors=True)
