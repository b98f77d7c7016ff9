"""Hybrid search requests: PyMilvus-style legs and rankers, and LanceDB's fluent hybrid query.

Examples
--------
>>> from lakebeam.hybrid import AnnSearchRequest, RRFRanker, hybrid_request
>>> legs = [AnnSearchRequest(data=[[1.0, 0.0]], anns_field="embedding", limit=50),
...         AnnSearchRequest(data=[[0.0, 1.0]], anns_field="embedding_bge", limit=50)]
>>> t = hybrid_request(collection="docs", reqs=legs, rerank=RRFRanker(60), limit=10)
>>> t["ranker"], len(t["legs"])
({'type': 'rrf', 'k': 60}, 2)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from lakebeam import protocol
from lakebeam.results import QUERY_INDEX, split_by_query
from lakebeam.vectors import to_query

if TYPE_CHECKING:
    import pandas

    from lakebeam.client import LakebeamClient

__all__ = [
    "AnnSearchRequest",
    "TextSearchRequest",
    "RRFRanker",
    "WeightedRanker",
    "MMRReranker",
    "NumericReranker",
    "CrossEncoderReranker",
    "HybridQuery",
    "hybrid_request",
]


@dataclass(frozen=True)
class AnnSearchRequest:
    """One vector leg of a hybrid search (PyMilvus's ``AnnSearchRequest``).

    Parameters
    ----------
    data : vectors or texts
        One query vector or several; or text(s) the server embeds with ``anns_field``'s model.
    anns_field : str
        The vector column; it needs an index (``collection.create_index(field)``).
    param : dict, optional
        ``{"ef": 100}`` (or ``{"params": {"ef": 100}}``): the leg's search breadth.
    limit : int, optional
        Candidates of this leg; default ``max(4 * limit, 50)`` of the hybrid search.
    """

    data: Any
    anns_field: str
    param: Mapping[str, Any] | None = None
    limit: int | None = None

    def to_leg(self) -> tuple[dict[str, Any], int]:
        """Return the ticket's leg and its number of queries."""
        query = to_query(self.data)
        leg: dict[str, Any] = {"field": protocol.check_name(self.anns_field, what="anns_field")}
        leg.update(query.to_packed())
        if self.limit is not None:
            leg["top_k"] = protocol.check_top_k(self.limit)
        ef = protocol.search_ef(self.param)
        if ef is not None:
            leg["ef"] = protocol.check_int(ef, what="ef", minimum=1)
        return leg, len(query)


@dataclass(frozen=True)
class TextSearchRequest:
    """One full-text (BM25) leg: ``text`` matched against the text index of ``field``."""

    text: str | Sequence[str]
    field: str = "text"
    limit: int | None = None

    def to_leg(self) -> tuple[dict[str, Any], int]:
        texts = [self.text] if isinstance(self.text, str) else list(self.text)
        if not texts or not all(isinstance(t, str) and t.strip() for t in texts):
            raise ValueError("Cannot run a text leg: give one or more non-empty strings")
        leg: dict[str, Any] = {"field": protocol.check_name(self.field, what="field"),
                               "match": texts}
        if self.limit is not None:
            leg["top_k"] = protocol.check_top_k(self.limit)
        return leg, len(texts)


@dataclass(frozen=True)
class RRFRanker:
    """Reciprocal rank fusion: ``sum over legs of 1 / (k + rank)``, ranks from 1."""

    k: int = 60

    def to_json(self) -> dict[str, Any]:
        return {"type": "rrf", "k": protocol.check_int(self.k, what="k", minimum=1)}


class WeightedRanker:
    """Weighted score fusion, one weight per leg: ``sum of w_i * minmax_i(score)``."""

    def __init__(self, *weights: float) -> None:
        if not weights:
            raise ValueError("WeightedRanker needs one weight per leg, e.g. WeightedRanker(0.7, 0.3)")
        self.weights = tuple(float(w) for w in weights)

    def to_json(self) -> dict[str, Any]:
        return {"type": "weighted", "weights": list(self.weights)}

    def __repr__(self) -> str:
        return f"WeightedRanker{self.weights}"


@dataclass(frozen=True)
class MMRReranker:
    """Maximal marginal relevance over ``field`` (diversity); ``lambda_`` 1 keeps fused order."""

    field: str
    lambda_: float = 0.5

    def to_json(self) -> dict[str, Any]:
        return {"type": "mmr", "field": self.field, "lambda": float(self.lambda_)}


@dataclass(frozen=True)
class NumericReranker:
    """Reorder by a numeric column: ``order`` ``"desc"``, ``"asc"`` or ``"boost"`` (by ``weight``)."""

    field: str
    order: str = "desc"
    weight: float = 0.1

    def to_json(self) -> dict[str, Any]:
        return {"type": "numeric", "field": self.field, "order": self.order,
                "weight": float(self.weight)}


@dataclass(frozen=True)
class CrossEncoderReranker:
    """A cross-encoder ONNX model on the server (a path there) over ``text_field``."""

    model: str
    text_field: str = "text"
    tokenizer: str | None = None
    queries: Sequence[str] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "cross_encoder", "model": self.model,
                               "text_field": self.text_field}
        if self.tokenizer is not None:
            out["tokenizer"] = self.tokenizer
        if self.queries is not None:
            out["queries"] = list(self.queries)
        return out


def hybrid_request(
    *,
    collection: str,
    reqs: Sequence[AnnSearchRequest | TextSearchRequest],
    rerank: RRFRanker | WeightedRanker | None = None,
    limit: int = 10,
    output_fields: Sequence[str] | None = None,
    filter: str | None = None,
    reranker: MMRReranker | NumericReranker | CrossEncoderReranker | None = None,
) -> dict[str, Any]:
    """Build a ``hybrid`` ticket (see docs/flight-protocol.md, *Hybrid search*)."""
    if not reqs:
        raise ValueError("Cannot run a hybrid search without legs: pass AnnSearchRequest(...)s")
    if isinstance(rerank, WeightedRanker) and len(rerank.weights) != len(reqs):
        raise ValueError(
            f"Cannot fuse {len(reqs)} legs with {len(rerank.weights)} weights: give one per leg"
        )
    legs = []
    counts = set()
    for r in reqs:
        leg, n = r.to_leg()
        legs.append(leg)
        counts.add(n)
    if len(counts) != 1:
        raise ValueError("Cannot run a hybrid search: every leg needs the same number of queries")
    ticket: dict[str, Any] = {
        "v": protocol.PROTOCOL_VERSION,
        "type": "hybrid",
        "collection": protocol.check_name(collection, what="collection name"),
        "legs": legs,
        "top_k": protocol.check_top_k(limit),
    }
    if rerank is not None:
        ticket["ranker"] = rerank.to_json()
    if reranker is not None:
        ticket["rerank"] = reranker.to_json()
    if output_fields is not None:
        ticket["output_fields"] = protocol.check_columns(output_fields, what="output_fields")
    if filter is not None:
        ticket["filter"] = protocol.check_filter(filter)
    return ticket


def run_hybrid(client: LakebeamClient, ticket: dict[str, Any]) -> pa.Table:
    """Send a hybrid ticket and return the whole stream (``query_index`` included)."""
    from pyarrow import flight

    return client._connection.read_all(flight.Ticket(protocol.encode(ticket)))


@dataclass(frozen=True)
class HybridQuery:
    """A fluent hybrid search (LanceDB's ``search(q, query_type="hybrid")``); immutable.

    The query text is embedded by the server for each vector field (with the field's recorded
    model), unless an explicit ``vector`` is given; a ``text_field`` adds a full-text leg.

    Examples
    --------
    >>> (docs.search("rotate keys", query_type="hybrid")  # doctest: +SKIP
    ...      .vector_fields(["embedding", "embedding_bge"]).where("lang = 'en'")
    ...      .rerank(RRFRanker(60)).limit(10).to_list())
    """

    client: LakebeamClient
    collection_name: str
    text: str | None = None
    vector: Any = None
    fields: tuple[str, ...] | None = None
    text_field_name: str | None = None
    top_k: int = 10
    filter: str | None = None
    output_fields: tuple[str, ...] | None = None
    ranker: Any = None
    reranker: Any = None
    leg_limit: int | None = None

    def where(self, filter: str) -> HybridQuery:
        """Apply ``filter`` to every leg."""
        return replace(self, filter=protocol.check_filter(filter))

    def select(self, columns: Sequence[str]) -> HybridQuery:
        return replace(self, output_fields=tuple(protocol.check_columns(columns, what="columns")))

    def limit(self, k: int) -> HybridQuery:
        return replace(self, top_k=protocol.check_top_k(k))

    def vector_fields(self, names: Sequence[str]) -> HybridQuery:
        """The vector fields to search (default: every vector field of the collection)."""
        return replace(self, fields=tuple(protocol.check_name(n, what="field") for n in names))

    def text_field(self, name: str) -> HybridQuery:
        """Add a full-text (BM25) leg on ``name``."""
        return replace(self, text_field_name=protocol.check_name(name, what="field"))

    def rerank(self, ranker: Any) -> HybridQuery:
        """Fuse with ``RRFRanker``/``WeightedRanker``, or add an MMR/numeric/cross-encoder stage."""
        if isinstance(ranker, (RRFRanker, WeightedRanker)):
            return replace(self, ranker=ranker)
        return replace(self, reranker=ranker)

    def candidates(self, n: int) -> HybridQuery:
        """Candidates per leg (default ``max(4 * limit, 50)``)."""
        return replace(self, leg_limit=protocol.check_top_k(n))

    def _requests(self) -> list[Any]:
        fields = self.fields
        if fields is None:
            described = self.client.describe_collection(self.collection_name)
            fields = tuple(sorted((described.get("vector_fields") or {}).keys()))
        if self.vector is None and self.text is None:
            raise ValueError("Cannot run a hybrid search without a query: pass text or vector=")
        data = self.vector if self.vector is not None else self.text
        reqs: list[Any] = [AnnSearchRequest(data=data, anns_field=f, limit=self.leg_limit)
                           for f in fields]
        if self.text_field_name is not None:
            if self.text is None:
                raise ValueError("Cannot run a text leg without text: pass the query text")
            reqs.append(TextSearchRequest(self.text, self.text_field_name, self.leg_limit))
        return reqs

    def to_arrow(self) -> pa.Table:
        """Run the search: ``rank``, ``_score``, ``_fused_score``, ``_file``, ``_pos``, per-leg
        ``_rank_i``/``_score_i`` and the selected columns."""
        ticket = hybrid_request(
            collection=self.collection_name, reqs=self._requests(), rerank=self.ranker,
            limit=self.top_k, output_fields=self.output_fields, filter=self.filter,
            reranker=self.reranker,
        )
        table = run_hybrid(self.client, ticket)
        return split_by_query(table, num_queries=1)[0] if QUERY_INDEX in table.column_names else table

    def to_pandas(self) -> pandas.DataFrame:
        try:
            import pandas  # noqa: F401
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install pandas") from None
        return self.to_arrow().to_pandas()

    def to_list(self) -> list[dict[str, Any]]:
        return self.to_arrow().to_pylist()
