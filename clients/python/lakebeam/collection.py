"""A handle on one collection, for the LanceDB-style fluent API."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from lakebeam.hybrid import HybridQuery
from lakebeam.query import SearchQuery
from lakebeam.text_search import TEXT_QUERY_TYPES, TextSearchQuery
from lakebeam.vectors import to_query

if TYPE_CHECKING:
    import pandas

    from lakebeam.client import LakebeamClient

__all__ = ["Collection"]


class Collection:
    """One collection of a :class:`~lakebeam.LakebeamClient`; cheap to create, holds no state.

    Parameters
    ----------
    client : LakebeamClient
        The client whose connection this handle uses.
    name : str
        Collection name.

    Examples
    --------
    >>> docs = client.collection("docs")  # doctest: +SKIP
    >>> docs.insert([{"text": "hello", "embedding": [0.1, 0.2, 0.3, 0.4]}])  # doctest: +SKIP
    >>> docs.create_index()  # doctest: +SKIP
    >>> docs.search([0.1, 0.2, 0.3, 0.4]).select(["text"]).limit(3).to_pandas()  # doctest: +SKIP
    """

    def __init__(self, client: LakebeamClient, name: str) -> None:
        self._client = client
        self.name = name

    def describe(self) -> dict[str, Any]:
        """Return the collection's description (see :meth:`LakebeamClient.describe_collection`)."""
        return self._client.describe_collection(self.name)

    def count_rows(self) -> int:
        """Return the number of rows at the current snapshot."""
        return int(self.describe().get("row_count", 0))

    @property
    def schema(self) -> pa.Schema:
        """The collection's Arrow schema (vector columns are ``list<float32>``)."""
        return self._client._arrow_schema(self.name)

    def insert(
        self, data: Any, *, idempotency_key: str | None = None, retries: int = 3
    ) -> dict[str, Any]:
        """Append rows, once per ``idempotency_key`` (see :meth:`LakebeamClient.insert`)."""
        return self._client.insert(
            self.name, data, idempotency_key=idempotency_key, retries=retries
        )

    def create_index(
        self,
        field: str | None = None,
        *,
        index_type: str = "HNSW",
        metric: str | None = None,
        params: Mapping[str, Any] | None = None,
        analyzer: str | None = None,
    ) -> dict[str, Any]:
        """Build a vector index, or with ``index_type="bm25"`` a text index over a string
        column (see :meth:`LakebeamClient.create_index`).

        >>> docs.create_index("text", index_type="bm25", analyzer="english")  # doctest: +SKIP
        """
        return self._client.create_index(
            self.name, field, index_type=index_type, metric=metric, params=params, analyzer=analyzer
        )

    def drop_index(self, field: str) -> dict[str, Any]:
        """Drop the index on ``field``."""
        return self._client.drop_index(self.name, field)

    def refresh(self) -> dict[str, Any]:
        """Bring new and removed files into the collection and its indexes."""
        return self._client.refresh(self.name)

    def search(
        self,
        vector: Any = None,
        query_type: str = "vector",
        *,
        text: str | None = None,
    ) -> SearchQuery | TextSearchQuery | HybridQuery:
        """Start a search, refined by ``where``, ``select``, ``limit`` (and ``ef``, ``field``).

        Parameters
        ----------
        vector : list of float, numpy.ndarray, list of such, str or list of str
            One query vector, or several (a list of lists or a 2-D array); or text that the
            server embeds with the field's recorded model; with ``query_type="fts"``, the
            text of a BM25 search (Lucene syntax: words, ``"phrases"``, ``+must -not``).
        query_type : {"vector", "fts", "hybrid"}, default "vector"
            ``"fts"`` (or ``"text"``) searches the BM25 text index built with
            ``create_index(field, index_type="bm25")``. ``"hybrid"`` returns a
            :class:`~lakebeam.hybrid.HybridQuery` over every vector field (or
            ``.vector_fields([...])``, plus ``.text_field("text")`` for a BM25 leg): a string
            query is embedded by the server with each field's model; pass ``text=`` with an
            explicit vector to set both.
        text : str, optional
            The query text of a hybrid search when ``vector`` is a vector.

        Returns
        -------
        SearchQuery, TextSearchQuery or HybridQuery
        """
        if query_type == "hybrid":
            if isinstance(vector, str):
                return HybridQuery(self._client, self.name, text=vector)
            return HybridQuery(self._client, self.name, text=text, vector=vector)
        if query_type in TEXT_QUERY_TYPES:
            if not isinstance(vector, str):
                raise TypeError(f"query_type={query_type!r} searches one string, got {type(vector).__name__}")
            return TextSearchQuery(self._client, self.name, vector)
        if query_type != "vector":
            raise ValueError(f"query_type must be 'vector', 'fts' or 'hybrid', got {query_type!r}")
        return SearchQuery(self._client, self.name, to_query(vector))

    def hybrid_search(self, reqs: Sequence[Any], rerank: Any = None, **kwargs: Any) -> list[pa.Table]:
        """PyMilvus-style hybrid search (see :meth:`LakebeamClient.hybrid_search`)."""
        return self._client.hybrid_search(self.name, reqs, rerank, **kwargs)

    def to_arrow(
        self,
        columns: Sequence[str] | None = None,
        filter: str | None = None,
        *,
        limit: int | None = None,
    ) -> pa.Table:
        """Read the collection, or the matching rows and chosen columns, as one table.

        Every endpoint is read in parallel; the whole result is held in memory. For tables
        larger than memory use :meth:`to_batches` or :meth:`to_reader`.
        """
        return self._client.query(self.name, filter=filter, output_fields=columns, limit=limit)

    def to_pandas(
        self,
        columns: Sequence[str] | None = None,
        filter: str | None = None,
        *,
        limit: int | None = None,
    ) -> pandas.DataFrame:
        """Read the collection as a pandas DataFrame (needs pandas); vectors are numpy arrays.

        Examples
        --------
        >>> docs = client.collection("docs")  # doctest: +SKIP
        >>> docs.to_pandas(["id", "lang"], "year >= 2020", limit=5)  # doctest: +SKIP
           id lang
        0   3   en
        """
        try:
            import pandas  # noqa: F401
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install 'lakebeam[pandas]'") from None
        return self.to_arrow(columns, filter, limit=limit).to_pandas()

    def to_batches(
        self,
        columns: Sequence[str] | None = None,
        filter: str | None = None,
        *,
        limit: int | None = None,
        splits: int | None = None,
    ) -> Iterator[pa.RecordBatch]:
        """Stream the collection's record batches, read from every endpoint in parallel.

        Nothing is materialised: at most a few batches per reading thread (4,096 rows each)
        wait in memory, so tables larger than memory stream through. Batches of different
        endpoints interleave; closing the iterator early cancels the reads.

        Examples
        --------
        >>> total = 0
        >>> for batch in client.collection("docs").to_batches(["id"]):  # doctest: +SKIP
        ...     total += batch.num_rows
        """
        return self._client.read_batches(
            self.name, filter=filter, output_fields=columns, limit=limit, splits=splits
        )

    def to_reader(
        self,
        columns: Sequence[str] | None = None,
        filter: str | None = None,
        *,
        limit: int | None = None,
        splits: int | None = None,
    ) -> pa.RecordBatchReader:
        """Stream the collection as a ``pyarrow.RecordBatchReader`` (see :meth:`to_batches`).

        DuckDB, Polars and ``pyarrow.dataset`` consume a reader without materialising it.

        Examples
        --------
        >>> import duckdb  # doctest: +SKIP
        >>> reader = client.collection("docs").to_reader(["lang", "year"])  # doctest: +SKIP
        >>> duckdb.sql("SELECT lang, count(*) FROM reader GROUP BY lang")  # doctest: +SKIP
        """
        plan = self._client._read_plan(self.name, filter, columns, limit, splits)
        return pa.RecordBatchReader.from_batches(plan.schema(), plan.batches())

    def __repr__(self) -> str:
        return f"Collection({self.name!r}, uri={self._client.uri!r})"
