"""faiss ``IndexHNSWFlat`` (M=16, efConstruction=100, inner product on L2-normalised vectors).

The build uses all cores (OpenMP); searches run one query per call with OpenMP at one thread, so
that concurrency comes only from the client threads, as for every other system. faiss releases
the GIL while it searches.
"""

from __future__ import annotations

import os
import time

import numpy as np

M = 16
EF_CONSTRUCTION = 100


class FaissHnsw:
    name = "faiss-hnsw"
    breadth_name = "efSearch"

    def __init__(self, *, m: int = M, ef_construction: int = EF_CONSTRUCTION):
        try:
            import faiss
        except ImportError as e:  # pragma: no cover
            raise ImportError("faiss is missing: pip install faiss-cpu") from e
        self.faiss = faiss
        self.m, self.ef_construction = m, ef_construction
        self.index = None

    def build(self, vectors: np.ndarray) -> dict:
        faiss = self.faiss
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        index = faiss.IndexHNSWFlat(vectors.shape[1], self.m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = self.ef_construction
        t0 = time.perf_counter()
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        seconds = time.perf_counter() - t0
        self.index = index
        faiss.omp_set_num_threads(1)
        return {"build_s": round(seconds, 2), "build_vps": round(len(vectors) / seconds, 1),
                "build_threads": os.cpu_count(), "version": faiss.__version__,
                "params": {"M": self.m, "efConstruction": self.ef_construction,
                           "metric": "inner_product"}}

    def search(self, q: np.ndarray, k: int, breadth: int):
        params = self.faiss.SearchParametersHNSW(efSearch=max(k, breadth))
        _, ids = self.index.search(q.reshape(1, -1), k, params=params)
        return ids[0]

    def close(self) -> None:
        self.index = None
