"""LangChain integration: a ``VectorStore`` (and so a retriever) over a Lakebeam collection.

Needs ``langchain-core``: ``pip install 'lakebeam[langchain]'``.

Text queries are embedded by the server, with the model recorded beside the vector field (as
``lakebeam ingest documents`` records it), so no embedding model runs in Python. Filters are
Lakebeam filter strings or LangChain-style dicts (:func:`lakebeam.filters.to_filter`).

Examples
--------
>>> from lakebeam.langchain import LakebeamVectorStore
>>> store = LakebeamVectorStore("grpc://127.0.0.1:8815", "kb.chunks")  # doctest: +SKIP
>>> only_new = {"uri": {"$ne": "x.md"}}
>>> store.similarity_search("how do I rotate keys?", k=3, filter=only_new)  # doctest: +SKIP
[Document(id='...', metadata={'uri': '.../key-rotation.md', ...}, page_content='# Rotating ...')]
>>> search_kwargs = {"k": 5, "filter": "ordinal = 0"}
>>> retriever = store.as_retriever(search_kwargs=search_kwargs)  # doctest: +SKIP
>>> retriever.invoke("sleeper trains to Vienna")  # doctest: +SKIP
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

try:
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_core.vectorstores import VectorStore
except ImportError as exc:  # pragma: no cover - exercised by test_optional_extras
    raise ImportError(
        "lakebeam.langchain needs langchain-core: pip install 'lakebeam[langchain]' "
        f"(or pip install langchain-core); import failed with: {exc}"
    ) from None

import pyarrow as pa

from lakebeam.client import LakebeamClient
from lakebeam.filters import to_filter
from lakebeam.mmr import maximal_marginal_relevance, vectors_of

__all__ = ["LakebeamVectorStore"]

_ID_FIELD_GUESSES = ("chunk_id", "id")


class LakebeamVectorStore(VectorStore):
    """A LangChain vector store backed by one Lakebeam collection.

    Parameters
    ----------
    client : LakebeamClient or str
        A client, or a server URI (the store then owns a client; close it with :meth:`close`).
    collection_name : str
        The collection, e.g. ``"kb.chunks"``.
    text_field : str, default "text"
        Column that becomes ``Document.page_content``.
    vector_field : str, optional
        Vector column; the collection's only one when omitted.
    metadata_fields : list of str, optional
        Columns that go into ``Document.metadata``; every other scalar column when omitted.
    id_field : str, optional
        Column that becomes ``Document.id``; ``chunk_id`` or ``id`` when the collection has one.
    embedding : Embeddings, optional
        Embeds texts for :meth:`add_texts`, and queries when the vector field records no model.
        When the field records a model, text queries are embedded by the server.
    token : str, optional
        Bearer token when ``client`` is a URI.
    hybrid_fields : list of str, optional
        Hybrid mode: search these vector fields (each embeds the query with its own model)
        and fuse them on the server; ``vector_field`` defaults to the first.
    full_text_field : str, optional
        Hybrid mode: add a full-text (BM25) leg on this text column.
    hybrid_ranker : RRFRanker or WeightedRanker, optional
        How the legs are fused (default reciprocal rank fusion, k=60).

    Raises
    ------
    CollectionNotFoundError, ServerUnavailableError, AuthenticationError
        At construction, when the collection does not exist or the server cannot be used.
    ValueError
        When a named column does not exist, or the vector field cannot be chosen.

    Examples
    --------
    >>> store = LakebeamVectorStore(client, "kb.chunks")  # doctest: +SKIP
    >>> pairs = store.similarity_search_with_score("espresso extraction", k=2)  # doctest: +SKIP
    >>> for doc, score in pairs:  # doctest: +SKIP
    ...     print(round(score, 2), doc.metadata["uri"])
    0.71 file:/docs/espresso.txt
    0.70 file:/docs/espresso-notes.txt
    >>> store.max_marginal_relevance_search("espresso", k=2, fetch_k=10)  # doctest: +SKIP
    """

    def __init__(
        self,
        client: LakebeamClient | str,
        collection_name: str,
        *,
        text_field: str = "text",
        vector_field: str | None = None,
        metadata_fields: Sequence[str] | None = None,
        id_field: str | None = None,
        embedding: Embeddings | None = None,
        token: str | None = None,
        hybrid_fields: Sequence[str] | None = None,
        full_text_field: str | None = None,
        hybrid_ranker: Any = None,
    ) -> None:
        self._owns_client = isinstance(client, str)
        self.client = LakebeamClient(client, token=token) if isinstance(client, str) else client
        self.collection_name = collection_name
        description = self.client.describe_collection(collection_name)
        columns = {c["name"]: c["type"] for c in description.get("schema", [])}
        vectors = description.get("vector_fields") or {}
        self.hybrid_fields = None
        if hybrid_fields is not None or full_text_field is not None:
            self.hybrid_fields = [
                _choose_vector_field(collection_name, vectors, f) for f in hybrid_fields or []
            ]
            if vector_field is None and self.hybrid_fields:
                vector_field = self.hybrid_fields[0]
        self.full_text_field = full_text_field
        self.hybrid_ranker = hybrid_ranker
        self.vector_field = _choose_vector_field(collection_name, vectors, vector_field)
        self.metric = (vectors[self.vector_field] or {}).get("metric") or "cosine"
        self.model = (vectors[self.vector_field] or {}).get("model")
        self.text_field = _check_column(collection_name, columns, text_field, "text_field")
        if id_field is None:
            id_field = next((c for c in _ID_FIELD_GUESSES if c in columns), None)
        self.id_field = (
            None
            if id_field is None
            else _check_column(collection_name, columns, id_field, "id_field")
        )
        if metadata_fields is None:
            metadata_fields = [
                name
                for name in columns
                if name not in (self.text_field, self.id_field) and name not in vectors
            ]
        self.metadata_fields = [
            _check_column(collection_name, columns, f, "metadata_fields") for f in metadata_fields
        ]
        self._columns = columns
        self._embedding = embedding
        self._output_fields = list(
            dict.fromkeys([self.text_field, *self.metadata_fields, *filter(None, [self.id_field])])
        )

    @property
    def embeddings(self) -> Embeddings | None:
        """The client-side embedding model, if given (the server embeds text queries)."""
        return self._embedding

    # Search --------------------------------------------------------------------------------

    def similarity_search(
        self, query: str, k: int = 4, filter: str | Mapping[str, Any] | None = None, **kwargs: Any
    ) -> list[Document]:
        """Return the ``k`` documents nearest to ``query``, among those matching ``filter``.

        Parameters
        ----------
        query : str
            The text; embedded by the server with the field's recorded model.
        k : int, default 4
            How many documents.
        filter : str or dict, optional
            ``"uri LIKE 'file:/docs/%'"`` or ``{"uri": ["a.md", "b.md"]}``.
        **kwargs
            ``ef``: search breadth, at least ``k``.
        """
        return [doc for doc, _ in self.similarity_search_with_score(query, k, filter, **kwargs)]

    def similarity_search_with_score(
        self, query: str, k: int = 4, filter: str | Mapping[str, Any] | None = None, **kwargs: Any
    ) -> list[tuple[Document, float]]:
        """Like :meth:`similarity_search`, with each document's similarity (higher is closer).

        The score is Lakebeam's ``_score``: cosine similarity for ``cosine`` fields, the dot
        product for ``dot``, ``1/(1+d²)`` for ``l2``.
        """
        hits = self._search(self._query(query), k, filter, kwargs.get("ef"), self._output_fields)
        return self._documents(hits)

    def similarity_search_by_vector(
        self,
        embedding: list[float],
        k: int = 4,
        filter: str | Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        """Return the ``k`` documents nearest to the vector ``embedding``."""
        hits = self._search(embedding, k, filter, kwargs.get("ef"), self._output_fields)
        return [doc for doc, _ in self._documents(hits)]

    def similarity_search_with_score_by_vector(
        self,
        embedding: list[float],
        k: int = 4,
        filter: str | Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> list[tuple[Document, float]]:
        """Like :meth:`similarity_search_by_vector`, with each document's similarity."""
        return self._documents(
            self._search(embedding, k, filter, kwargs.get("ef"), self._output_fields)
        )

    def max_marginal_relevance_search(
        self,
        query: str,
        k: int = 4,
        fetch_k: int = 20,
        lambda_mult: float = 0.5,
        filter: str | Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        """Return ``k`` documents that are relevant to ``query`` and differ from each other.

        Fetches the ``fetch_k`` nearest documents with their vectors, then reranks them with
        :func:`lakebeam.mmr.maximal_marginal_relevance`: relevance is the server's ``_score``,
        redundancy the cosine similarity between candidates.

        Parameters
        ----------
        query : str
            The text; embedded by the server.
        k : int, default 4
            How many documents to return.
        fetch_k : int, default 20
            How many candidates to rerank, at least ``k``.
        lambda_mult : float, default 0.5
            1 is plain similarity order, 0 is maximal diversity.
        filter : str or dict, optional
            As in :meth:`similarity_search`.
        """
        return self._mmr(self._query(query), k, fetch_k, lambda_mult, filter, kwargs.get("ef"))

    def max_marginal_relevance_search_by_vector(
        self,
        embedding: list[float],
        k: int = 4,
        fetch_k: int = 20,
        lambda_mult: float = 0.5,
        filter: str | Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        """Like :meth:`max_marginal_relevance_search`, from a query vector."""
        return self._mmr(embedding, k, fetch_k, lambda_mult, filter, kwargs.get("ef"))

    def get_by_ids(self, ids: Sequence[str], /) -> list[Document]:
        """Return the documents whose ``id_field`` is one of ``ids`` (in no particular order)."""
        if not ids:
            return []
        if self.id_field is None:
            raise ValueError(
                f"Cannot get documents by id: {self.collection_name!r} has no id column; "
                "pass id_field=... when creating the store"
            )
        table = self.client.query(
            self.collection_name,
            filter=to_filter({self.id_field: list(ids)}),
            output_fields=self._output_fields,
        )
        return [self._document(row) for row in table.to_pylist()]

    # Writes --------------------------------------------------------------------------------

    def add_texts(
        self,
        texts: Iterable[str],
        metadatas: list[dict[str, Any]] | None = None,
        *,
        ids: list[str] | None = None,
        **kwargs: Any,
    ) -> list[str]:
        """Embed ``texts`` with the store's ``embedding`` and append them, as one snapshot.

        Metadata keys must be columns of the collection. Returns the ids written (new UUIDs
        where ``ids`` is omitted), or an empty list when the collection has no id column.

        Raises
        ------
        ValueError
            Without an ``embedding`` (the server embeds queries, not inserted rows; ingest
            documents with ``lakebeam ingest documents`` instead), or when lengths differ.
        """
        texts = list(texts)
        if self._embedding is None:
            raise ValueError(
                f"Cannot add texts to {self.collection_name!r}: the store has no embedding "
                "model (the server embeds queries only); pass embedding=... or ingest files "
                "with './lakebeam ingest documents'"
            )
        metadatas = metadatas or [{} for _ in texts]
        if len(metadatas) != len(texts) or (ids is not None and len(ids) != len(texts)):
            raise ValueError(
                f"Cannot add texts: {len(texts)} texts, {len(metadatas)} metadatas and "
                f"{'no' if ids is None else len(ids)} ids; give one of each per text"
            )
        if not texts:
            return []
        if self.id_field is not None and ids is None:
            ids = [str(uuid.uuid4()) for _ in texts]
        rows = []
        vectors = self._embedding.embed_documents(texts)
        for i, (text, metadata, vector) in enumerate(zip(texts, metadatas, vectors, strict=True)):
            row = {**metadata, self.text_field: text, self.vector_field: list(vector)}
            if self.id_field is not None:
                row[self.id_field] = ids[i]
            rows.append(row)
        self.client.insert(self.collection_name, rows)
        return list(ids) if self.id_field is not None else []

    @classmethod
    def from_texts(
        cls,
        texts: list[str],
        embedding: Embeddings,
        metadatas: list[dict[str, Any]] | None = None,
        *,
        client: LakebeamClient | str,
        collection_name: str,
        ids: list[str] | None = None,
        metric: str = "cosine",
        **kwargs: Any,
    ) -> LakebeamVectorStore:
        """Create the collection if needed (``id``, ``text``, metadata columns, ``vector``),
        embed ``texts`` with ``embedding`` and add them.

        Metadata column types are taken from the first text's values (str, int, float, bool).
        """
        lb = LakebeamClient(client) if isinstance(client, str) else client
        if not lb.has_collection(collection_name):
            dimension = len(embedding.embed_query(texts[0] if texts else "dimension probe"))
            schema = {"id": "string", "text": "string"}
            for key, value in ((metadatas or [{}])[0] or {}).items():
                schema[key] = _column_type(key, value)
            schema["vector"] = f"float_vector({dimension})"
            lb.create_collection(collection_name, schema, metric=metric)
        store = cls(lb, collection_name, embedding=embedding, **kwargs)
        store._owns_client = isinstance(client, str)
        store.add_texts(texts, metadatas, ids=ids)
        return store

    def close(self) -> None:
        """Close the client, when the store created it from a URI."""
        if self._owns_client:
            self.client.close()

    # Internals -----------------------------------------------------------------------------

    def _select_relevance_score_fn(self) -> Callable[[float], float]:
        if self.metric == "dot":
            return lambda score: self._max_inner_product_relevance_score_fn(-score)
        return lambda score: score  # cosine similarity, or 1/(1+d²) for l2: already in [0, 1]

    def _query(self, query: str) -> Any:
        """The query as the server takes it: the text itself, or a vector when embedded here."""
        if self.model is None and self._embedding is not None:
            return self._embedding.embed_query(query)
        if not isinstance(query, str):
            raise ValueError(f"Cannot search with query {query!r}: give a string")
        return query

    def _search(
        self, query: Any, k: int, filter: Any, ef: int | None, fields: list[str]
    ) -> pa.Table:
        if self.hybrid_fields is not None:
            return self._hybrid(query, k, filter, ef, fields)
        [hits] = self.client.search(
            self.collection_name,
            [query] if isinstance(query, str) else query,
            top_k=k,
            output_fields=fields,
            filter=to_filter(filter),
            anns_field=self.vector_field,
            search_params=None if ef is None else {"ef": ef},
        )
        return hits

    def _hybrid(
        self, query: Any, k: int, filter: Any, ef: int | None, fields: list[str]
    ) -> pa.Table:
        """One hybrid search: a leg per vector field (and full text), fused on the server."""
        from lakebeam.hybrid import AnnSearchRequest, TextSearchRequest

        param = None if ef is None else {"ef": ef}
        reqs: list[Any] = [
            AnnSearchRequest(data=[query] if isinstance(query, str) else query,
                             anns_field=f, param=param)
            for f in self.hybrid_fields or []
        ]
        if self.full_text_field is not None:
            if not isinstance(query, str):
                raise ValueError("Cannot run a full-text leg with a vector query: give text")
            reqs.append(TextSearchRequest(query, self.full_text_field))
        [hits] = self.client.hybrid_search(
            self.collection_name, reqs, self.hybrid_ranker, limit=k, output_fields=fields,
            filter=to_filter(filter),
        )
        return hits

    def _mmr(self, query, k, fetch_k, lambda_mult, filter, ef) -> list[Document]:
        if fetch_k < k:
            raise ValueError(f"Cannot use fetch_k {fetch_k}: it must be at least k ({k})")
        fields = [*self._output_fields, self.vector_field]
        hits = self._search(query, fetch_k, filter, ef, fields)
        relevance = hits.column("_score").to_numpy()
        picked = maximal_marginal_relevance(
            relevance, vectors_of(hits.column(self.vector_field)), k=k, lambda_mult=lambda_mult
        )
        rows = hits.drop_columns([self.vector_field]).take(pa.array(picked, pa.int64()))
        return [doc for doc, _ in self._documents(rows)]

    def _documents(self, hits: pa.Table) -> list[tuple[Document, float]]:
        return [(self._document(row), float(row["_score"])) for row in hits.to_pylist()]

    def _document(self, row: Mapping[str, Any]) -> Document:
        doc_id = row.get(self.id_field) if self.id_field is not None else None
        return Document(
            id=None if doc_id is None else str(doc_id),
            page_content=row.get(self.text_field) or "",
            metadata={name: row.get(name) for name in self.metadata_fields},
        )

    def __repr__(self) -> str:
        return f"LakebeamVectorStore({self.collection_name!r}, uri={self.client.uri!r})"


def _choose_vector_field(collection: str, vectors: Mapping[str, Any], field: str | None) -> str:
    if field is None:
        if len(vectors) != 1:
            raise ValueError(
                f"Cannot choose the vector field of {collection!r}: it has "
                f"{sorted(vectors) or 'none'}; pass vector_field=..."
            )
        return next(iter(vectors))
    if field not in vectors:
        raise ValueError(
            f"Cannot use vector_field {field!r}: {collection!r} has vector fields {sorted(vectors)}"
        )
    return field


def _check_column(collection: str, columns: Mapping[str, str], name: str, what: str) -> str:
    if name not in columns:
        raise ValueError(
            f"Cannot use {what} {name!r}: {collection!r} has no such column; its columns are "
            f"{list(columns)}"
        )
    return name


def _column_type(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    raise ValueError(
        f"Cannot store metadata {key!r} = {value!r}: use str, int, float or bool values"
    )
