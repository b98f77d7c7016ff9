"""The Lakebeam client: PyMilvus-style calls over the Lakebeam Flight protocol."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.flight as flight

from lakebeam import once, protocol
from lakebeam.connection import Connection, PemSource
from lakebeam.context import ContextPackage
from lakebeam.errors import InvalidArgumentError
from lakebeam.reader import DEFAULT_MAX_WORKERS, ReadPlan
from lakebeam.results import QUERY_INDEX, split_by_query
from lakebeam.schema import to_schema_spec
from lakebeam.tables import conform_to_schema, to_arrow_table
from lakebeam.vectors import MAX_TEXTS_PER_TICKET, QueryTexts, QueryVectors, to_query

if TYPE_CHECKING:
    from lakebeam.collection import Collection

__all__ = ["DEFAULT_URI", "LakebeamClient"]

DEFAULT_URI = "grpc://127.0.0.1:8815"
"""Where ``lakebeam serve`` listens by default."""

_MAX_FLOATS_PER_TICKET = 100_000  # about 2 MB of JSON, well under gRPC's 4 MB message limit
_PUT_CHUNK_BYTES = 2 << 20


class LakebeamClient:
    """A connection to a Lakebeam server.

    Safe to share between threads. Close it with :meth:`close`, or use it as a context manager.

    Parameters
    ----------
    uri : str, default "grpc://127.0.0.1:8815"
        Server location; ``"host:port"`` means ``"grpc://host:port"``.
    token : str, optional
        Bearer token, for a server started with ``--token``; defaults to ``$LAKEBEAM_TOKEN``.
    timeout : float, optional
        Seconds each call may take; no limit when omitted.
    max_workers : int, default 8
        Endpoints :meth:`query` and :meth:`read_batches` read at once.
    tls_root_certs : str, bytes or path, optional
        For ``grpc+tls://``: PEM certificates to trust, as text or a file path (a server started
        with ``--tls-cert`` on a self-signed certificate needs it); the system's roots otherwise.
    cert_chain, private_key : str, bytes or path, optional
        This client's PEM certificate and key, for a server started with ``--tls-client-ca``.
    disable_server_verification : bool, default False
        Skip the server certificate check (testing only).

    Examples
    --------
    >>> import numpy as np
    >>> from lakebeam import LakebeamClient
    >>> with LakebeamClient("grpc://127.0.0.1:8815") as client:  # doctest: +SKIP
    ...     client.create_collection("docs", {"text": "string", "embedding": "float_vector(4)"})
    ...     client.insert("docs", {"text": ["a", "b"], "embedding": np.eye(2, 4)})
    ...     hits = client.search("docs", [1, 0, 0, 0], top_k=1, output_fields=["text"])
    ...     hits[0].column("text").to_pylist()
    ['a']
    """

    def __init__(
        self,
        uri: str = DEFAULT_URI,
        *,
        token: str | None = None,
        timeout: float | None = None,
        max_workers: int = DEFAULT_MAX_WORKERS,
        tls_root_certs: PemSource | None = None,
        cert_chain: PemSource | None = None,
        private_key: PemSource | None = None,
        disable_server_verification: bool = False,
    ) -> None:
        if token is None:
            token = os.environ.get("LAKEBEAM_TOKEN") or None
        self._max_workers = protocol.check_int(max_workers, what="max_workers", minimum=1)
        self._connection = Connection(
            uri,
            token=token,
            timeout=timeout,
            tls_root_certs=tls_root_certs,
            cert_chain=cert_chain,
            private_key=private_key,
            disable_server_verification=disable_server_verification,
        )

    @property
    def uri(self) -> str:
        """The server location this client talks to."""
        return self._connection.uri

    # Collections ---------------------------------------------------------------------------

    def list_collections(self) -> list[str]:
        """Return the names of all collections."""
        return list(self._connection.action("list_collections", {}).get("collections", []))

    def has_collection(self, collection_name: str) -> bool:
        """Return whether a collection of that name exists."""
        return (
            protocol.check_name(collection_name, what="collection name") in self.list_collections()
        )

    def describe_collection(self, collection_name: str) -> dict[str, Any]:
        """Return a collection's description.

        Returns
        -------
        dict
            ``collection``, ``external``, ``location``, ``snapshot_id``, ``row_count``,
            ``file_count``, ``schema`` (list of ``{name, type, nullable}``), ``vector_fields``
            (``{name: {dimension, metric, model}}``) and ``indexes``.

        Raises
        ------
        CollectionNotFoundError
            When there is no such collection.
        """
        return self._collection_action("describe_collection", collection_name)

    def create_collection(
        self,
        collection_name: str,
        schema: Mapping[str, str] | pa.Schema,
        *,
        metric: str = "cosine",
        if_not_exists: bool = False,
    ) -> dict[str, Any]:
        """Create an empty collection.

        Parameters
        ----------
        collection_name : str
            Name of the new collection.
        schema : dict of str to str, or pyarrow.Schema
            Column types: ``string``, ``int``, ``long``, ``float``, ``double``, ``bool``,
            ``timestamp``, ``timestamptz``, ``date``, ``binary`` or ``float_vector(d)``, each
            optionally followed by ``" not null"``; or an Arrow schema (``fixed_size_list<float32>[d]`` is a vector).
        metric : {"cosine", "dot", "l2"}, default "cosine"
            Similarity of the vector fields.
        if_not_exists : bool, default False
            Return the existing collection's description instead of failing when it exists.

        Returns
        -------
        dict
            The description, as :meth:`describe_collection` returns it.

        Raises
        ------
        AlreadyExistsError
            When the collection exists and ``if_not_exists`` is false.
        """
        return self._connection.action(
            "create_collection",
            {
                "collection": protocol.check_name(collection_name, what="collection name"),
                "schema": to_schema_spec(schema),
                "metric": protocol.check_metric(metric),
                "if_not_exists": bool(if_not_exists),
            },
        )

    def create_external_collection(
        self,
        collection_name: str,
        src: str | os.PathLike[str],
        *,
        schema: Mapping[str, str] | pa.Schema | None = None,
        metric: str = "cosine",
        strict: bool = False,
    ) -> dict[str, Any]:
        """Register existing Parquet files as a collection, without copying them.

        Parameters
        ----------
        collection_name : str
            Name of the new collection.
        src : str or path
            A local path or glob, or an object-store URI such as ``"s3://b/p/*.parquet"``,
            under a root the server allows (``lakebeam serve --allow-source``; default its
            warehouse), else ``InvalidArgumentError``.
        schema : dict or pyarrow.Schema, optional
            Column types; inferred from the files when omitted.
        metric : {"cosine", "dot", "l2"}, default "cosine"
            Similarity of the vector fields.
        strict : bool, default False
            Fail on the first file that does not fit instead of reporting it in ``rejected``.

        Returns
        -------
        dict
            ``collection``, ``added_files``, ``rejected`` (list of ``{file, reason}``), ``rows``.
        """
        body: dict[str, Any] = {
            "collection": protocol.check_name(collection_name, what="collection name"),
            "src": protocol.check_name(os.fspath(src), what="src"),
            "metric": protocol.check_metric(metric),
            "strict": bool(strict),
        }
        if schema is not None:
            body["schema"] = to_schema_spec(schema)
        return self._connection.action("create_external_collection", body)

    def refresh(self, collection_name: str) -> dict[str, Any]:
        """Pick up files added to or removed from the collection's table, and update its indexes.

        Returns
        -------
        dict
            ``added_files``, ``removed_files``, ``rejected`` and ``indexes`` (one entry per
            index: ``field``, ``mode`` (``incremental``, ``carried`` or ``metadata``),
            ``rows_indexed``, ``rows_built`` (vectors put into a new segment), ``rows_carried``
            (rows re-pointed to files a write-back rewrote, without re-indexing), ``rows_skipped``,
            ``segments``, ``snapshot_id``, ``seconds``).
        """
        return self._collection_action("refresh", collection_name)

    def drop_collection(self, collection_name: str, *, purge: bool = False) -> dict[str, Any]:
        """Drop a collection; ``purge=True`` deletes its data files too (never external ones)."""
        return self._collection_action("drop_collection", collection_name, purge=bool(purge))

    def collection(self, name: str) -> Collection:
        """Return a :class:`~lakebeam.Collection` handle for the fluent API (no call is made)."""
        from lakebeam.collection import Collection

        return Collection(self, protocol.check_name(name, what="collection name"))

    # Indexes -------------------------------------------------------------------------------

    def create_index(
        self,
        collection_name: str,
        field: str | None = None,
        *,
        index_type: str = "HNSW",
        metric: str | None = None,
        params: Mapping[str, Any] | None = None,
        analyzer: str | None = None,
    ) -> dict[str, Any]:
        """Build a vector index on ``field``, replacing any earlier one; with
        ``index_type="bm25"``, a BM25 text index on the string column ``field`` (``analyzer``:
        ``"standard"`` by default, ``"english"``, ``"german"``, ...; ``params``: ``k1``, ``b``).

        Parameters
        ----------
        collection_name : str
            The collection.
        field : str, optional
            Vector column; the collection's only vector column when omitted.
        index_type : {"HNSW", "DISKANN"}, default "HNSW"
            jVector's graph index (``DISKANN`` is a synonym).
        metric : {"cosine", "dot", "l2"}, optional
            Similarity; the field's own metric when omitted.
        params : dict, optional
            Build parameters, e.g. ``{"m": 16, "ef_construction": 100}``.

        Returns
        -------
        dict
            ``field``, ``mode``, ``rows_indexed``, ``rows_built``, ``rows_carried``,
            ``rows_skipped``, ``skipped``, ``segments``, ``seconds``, ``snapshot_id``.
        """
        name = protocol.check_name(collection_name, what="collection name")
        if str(index_type).lower() in ("bm25", "fts"):
            text_body: dict[str, Any] = {
                "collection": name,
                "field": protocol.check_name(field, what="field"),
                "index_type": "bm25",
            }
            if analyzer is not None:
                text_body["analyzer"] = analyzer
            if params is not None:
                text_body["params"] = dict(params)
            return self._connection.action("create_index", text_body)
        if analyzer is not None:
            raise ValueError("analyzer belongs to index_type='bm25'")
        if field is None or metric is None:
            field, field_metric = self._vector_field(name, field)
            metric = metric or field_metric
        body: dict[str, Any] = {
            "collection": name,
            "field": protocol.check_name(field, what="field"),
            "index_type": protocol.check_index_type(index_type),
            "metric": protocol.check_metric(metric),
        }
        if params is not None:
            body["params"] = dict(params)
        return self._connection.action("create_index", body)

    def drop_index(self, collection_name: str, field: str) -> dict[str, Any]:
        """Drop the index on ``field``; returns ``{"dropped": True}``."""
        return self._collection_action(
            "drop_index", collection_name, field=protocol.check_name(field, what="field")
        )

    def pin_collection(self, collection_name: str, pinned: bool = True) -> dict[str, Any]:
        """Keep a collection's indexes in the hot tier (full vectors in server memory, never
        demoted when the server's ``--memory`` budget is full), or unpin them with
        ``pinned=False``. Stored in the table, so every server honours it.

        >>> client.pin_collection("docs")
        {'collection': 'docs', 'pinned': True}
        """
        return self._collection_action("pin_collection", collection_name, pinned=bool(pinned))

    def server_status(self) -> dict[str, Any]:
        """Return the server's index memory budget, what the loaded indexes use, and how many
        segments were demoted to the warm tier to stay within it."""
        return dict(self._connection.action("server_status", {}))

    # Data ----------------------------------------------------------------------------------

    def insert(
        self,
        collection_name: str,
        data: Any,
        *,
        idempotency_key: str | None = None,
        retries: int = 3,
    ) -> dict[str, Any]:
        """Append rows to a collection, as one snapshot.

        Parameters
        ----------
        collection_name : str
            The collection.
        data : pyarrow.Table, pyarrow.RecordBatch, pandas.DataFrame, list of dict or dict of lists
            Rows whose columns are a subset of the collection's; missing optional columns are
            null. Vector columns may be 2-D numpy arrays or lists of lists; they are sent as
            ``list<float32>``, and every column is cast to the collection's type.
        idempotency_key : str, optional
            Names this write: a put whose key is already committed adds nothing and returns
            the first put's result. A fresh key is drawn per call when omitted.
        retries : int, default 3
            Resends after an ``UNAVAILABLE`` or ``DEADLINE_EXCEEDED`` error, with the same
            key, so a lost acknowledgement never duplicates rows.

        Returns
        -------
        dict
            ``rows``, ``snapshot_id``, ``data_files``.

        Raises
        ------
        ValueError
            When ``data`` is empty or a column is unknown or does not convert.
        InvalidArgumentError
            When the server rejects the rows, e.g. a vector of the wrong dimension.
        """
        name = protocol.check_name(collection_name, what="collection name")
        table = to_arrow_table(data)
        table = conform_to_schema(table, self._arrow_schema(name))
        key = once.new_key() if idempotency_key is None else once.check_key(idempotency_key)
        descriptor = flight.FlightDescriptor.for_command(
            protocol.encode(
                {
                    "v": protocol.PROTOCOL_VERSION,
                    "type": "insert",
                    "collection": name,
                    "idempotency_key": key,
                }
            )
        )
        rows_per_batch = max(1, _PUT_CHUNK_BYTES * table.num_rows // max(1, table.nbytes))
        return once.with_retries(
            lambda: self._connection.put(descriptor, table, max_chunksize=rows_per_batch),
            retries=retries,
        )

    def search(
        self,
        collection_name: str,
        data: Any,
        *,
        top_k: int = 10,
        output_fields: Sequence[str] | None = None,
        filter: str | None = None,
        anns_field: str | None = None,
        search_params: Mapping[str, Any] | None = None,
    ) -> list[pa.Table]:
        """Find the ``top_k`` nearest rows to each query vector.

        Parameters
        ----------
        collection_name : str
            The collection.
        data : list of float, list of list of float, numpy.ndarray, str or list of str
            One query vector (flat list, 1-D array) or several (list of lists, 2-D array); or
            one text or several, which the server embeds with the model recorded beside the
            searched vector field (e.g. ``data=["how do I rotate keys?"]``).
        top_k : int, default 10
            Results per query, 1 to 10000.
        output_fields : list of str, optional
            Scalar columns to return with each hit.
        filter : str, optional
            SQL-like predicate, e.g. ``"lang = 'en' AND year >= 2020"``; results are the
            nearest among matching rows.
        anns_field : str, optional
            Vector column; the collection's only one when omitted.
        search_params : dict, optional
            ``{"ef": 100}``: search breadth, at least ``top_k``.

        Returns
        -------
        list of pyarrow.Table
            One table per query vector, even for a single one, ordered by ``rank``: columns
            ``rank``, ``_score`` (higher is closer), ``_distance`` (smaller is closer),
            ``_file``, ``_pos``, then ``output_fields``.

        Raises
        ------
        ValueError
            For empty, ragged or 3-D ``data``, or ``top_k`` out of range.
        CollectionNotFoundError, InvalidArgumentError
            When the collection does not exist, or the server rejects the request.
        """
        vectors = to_query(data)
        table = self._search_table(
            collection_name,
            vectors,
            top_k=top_k,
            output_fields=output_fields,
            filter=filter,
            field=anns_field,
            ef=protocol.search_ef(search_params),
        )
        return split_by_query(table, num_queries=len(vectors))

    def hybrid_search(
        self,
        collection_name: str,
        reqs: Sequence[Any],
        rerank: Any = None,
        *,
        limit: int = 10,
        output_fields: Sequence[str] | None = None,
        filter: str | None = None,
        reranker: Any = None,
    ) -> list[pa.Table]:
        """Run several legs (vector fields, full text), fuse them and return ``limit`` hits.

        PyMilvus's form: ``reqs`` are :class:`~lakebeam.hybrid.AnnSearchRequest` (or
        :class:`~lakebeam.hybrid.TextSearchRequest`) legs, ``rerank`` a
        :class:`~lakebeam.hybrid.RRFRanker` (the default, k=60) or
        :class:`~lakebeam.hybrid.WeightedRanker`; ``filter`` applies to every leg; ``reranker``
        is an optional stage over the fused candidates (MMR, numeric field, cross-encoder).

        Returns
        -------
        list of pyarrow.Table
            One table per query: ``rank``, ``_score``, ``_fused_score``, ``_file``, ``_pos``,
            ``_rank_i``/``_score_i`` per leg (null when leg ``i`` missed the row), then
            ``output_fields``.

        Examples
        --------
        >>> from lakebeam.hybrid import AnnSearchRequest, WeightedRanker
        >>> client.hybrid_search("kb", [  # doctest: +SKIP
        ...     AnnSearchRequest(data=["rotate keys"], anns_field="embedding", limit=50),
        ...     AnnSearchRequest(data=["rotate keys"], anns_field="embedding_bge", limit=50)],
        ...     WeightedRanker(0.7, 0.3), limit=10, output_fields=["text"])
        """
        from lakebeam import hybrid

        ticket = hybrid.hybrid_request(
            collection=collection_name, reqs=reqs, rerank=rerank, limit=limit,
            output_fields=output_fields, filter=filter, reranker=reranker,
        )
        n = reqs[0].to_leg()[1]
        return split_by_query(hybrid.run_hybrid(self, ticket), num_queries=n)

    def query(
        self,
        collection_name: str,
        *,
        filter: str | None = None,
        output_fields: Sequence[str] | None = None,
        limit: int | None = None,
        splits: int | None = None,
    ) -> pa.Table:
        """Read rows of a collection: all of its endpoints in parallel, concatenated.

        Parameters
        ----------
        collection_name : str
            The collection.
        filter : str, optional
            SQL-like predicate on scalar columns.
        output_fields : list of str, optional
            Columns to return; all when omitted.
        limit : int, optional
            Most rows to return.
        splits : int, optional
            Most parallel endpoints to ask the server for.

        Returns
        -------
        pyarrow.Table
            Every matching row exactly once, in no particular order.
        """
        return self._read_plan(collection_name, filter, output_fields, limit, splits).to_table()

    def read_batches(
        self,
        collection_name: str,
        *,
        filter: str | None = None,
        output_fields: Sequence[str] | None = None,
        limit: int | None = None,
        splits: int | None = None,
    ) -> Iterator[pa.RecordBatch]:
        """Like :meth:`query`, but yield record batches as the parallel reads deliver them."""
        return self._read_plan(collection_name, filter, output_fields, limit, splits).batches()

    # Context packages ----------------------------------------------------------------------

    def context(
        self,
        name: str,
        *,
        topic: str,
        version: int | None = None,
        table: str | None = None,
    ) -> ContextPackage:
        """Return a context package: the latest version of ``topic``, or ``version``.

        Examples
        --------
        >>> pkg = client.context("support-kb", topic="key rotation", version=3)  # doctest: +SKIP
        >>> prompt = pkg.to_prompt("how do I rotate keys?")  # doctest: +SKIP
        """
        body: dict[str, Any] = {"name": name, "topic": topic}
        if version is not None:
            body["version"] = protocol.check_int(version, what="version", minimum=1)
        if table is not None:
            body["table"] = table
        return ContextPackage.from_dict(self._connection.action("get_context", body))

    def context_diff(
        self, name: str, *, topic: str, from_version: int, to_version: int,
        table: str | None = None,
    ) -> dict[str, Any]:
        """Return what changed between two versions of a package (citations added/removed)."""
        body: dict[str, Any] = {"name": name, "topic": topic, "from": from_version,
                                "to": to_version}
        if table is not None:
            body["table"] = table
        return self._connection.action("diff_context", body)

    # Lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()

    def __enter__(self) -> LakebeamClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"LakebeamClient({self.uri!r})"

    # Internals -----------------------------------------------------------------------------

    def _search_table(
        self,
        collection_name: str,
        vectors: QueryVectors | QueryTexts,
        *,
        top_k: int,
        output_fields: Sequence[str] | None,
        filter: str | None,
        field: str | None,
        ef: int | None,
    ) -> pa.Table:
        """Run a search and return the whole stream, ``query_index`` included."""
        if isinstance(vectors, QueryTexts):
            per_ticket = MAX_TEXTS_PER_TICKET
        else:
            per_ticket = max(1, _MAX_FLOATS_PER_TICKET // vectors.array.shape[1])
        parts = []
        for start in range(0, len(vectors), per_ticket):
            chunk = vectors.slice(start, start + per_ticket)
            request = protocol.search_request(
                collection=collection_name,
                vectors=chunk,
                top_k=top_k,
                field=field,
                output_fields=output_fields,
                filter=filter,
                ef=ef,
            )
            part = self._connection.read_all(flight.Ticket(protocol.encode(request)))
            if start and QUERY_INDEX in part.column_names:
                i = part.column_names.index(QUERY_INDEX)
                offset = pc.add(part.column(i), pa.scalar(start, pa.int32()))
                # keep the server's field (not null): a bare name would make it nullable
                part = part.set_column(i, part.schema.field(i), offset)
            parts.append(part)
        return _concat_parts(parts)

    def _read_plan(self, collection_name, filter, output_fields, limit, splits) -> ReadPlan:
        request = protocol.read_request(
            collection=collection_name,
            columns=output_fields,
            filter=filter,
            limit=limit,
            splits=splits,
        )
        return ReadPlan(self._connection, request, max_workers=self._max_workers)

    def _arrow_schema(self, collection_name: str) -> pa.Schema:
        """Return the collection's Arrow schema (``GetSchema`` of its path descriptor)."""
        return self._connection.get_schema(flight.FlightDescriptor.for_path(collection_name))

    def _collection_action(self, action: str, collection_name: str, **body: Any) -> dict[str, Any]:
        name = protocol.check_name(collection_name, what="collection name")
        return self._connection.action(action, {"collection": name, **body})

    def _vector_field(self, collection_name: str, field: str | None) -> tuple[str, str]:
        """Return ``field`` (or the only vector field) and its metric, from the description."""
        vector_fields = self.describe_collection(collection_name).get("vector_fields") or {}
        if field is None:
            if len(vector_fields) != 1:
                raise InvalidArgumentError(
                    f"Cannot choose the vector field of {collection_name!r}: it has "
                    f"{sorted(vector_fields) or 'none'}; pass field=...",
                    status=None,
                )
            field = next(iter(vector_fields))
        metric = (vector_fields.get(field) or {}).get("metric") or "cosine"
        return field, metric


def _concat_parts(parts: list[pa.Table]) -> pa.Table:
    """Join the streams of the tickets of one search, whose schemas may differ in nullability."""
    if len(parts) == 1:
        return parts[0]
    if all(p.schema.equals(parts[0].schema) for p in parts[1:]):
        return pa.concat_tables(parts)
    return pa.concat_tables(parts, promote_options="permissive")
