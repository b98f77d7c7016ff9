"""BM25 full-text search: ``collection.search("words", query_type="fts").where(...).limit(k)``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.flight as flight

from lakebeam import protocol

if TYPE_CHECKING:
    import pandas

    from lakebeam.client import LakebeamClient

__all__ = ["TextSearchQuery", "text_search_request", "TEXT_QUERY_TYPES"]

#: Values of ``query_type`` that ask for a BM25 search (``fts`` is LanceDB's name).
TEXT_QUERY_TYPES = ("fts", "text")


def text_search_request(
    *,
    collection: str,
    text: str,
    top_k: int = 10,
    field: str | None = None,
    output_fields: Sequence[str] | None = None,
    filter: str | None = None,
) -> dict[str, Any]:
    """Build a text ``search`` ticket.

    Examples
    --------
    >>> text_search_request(collection="docs", text="release notes", top_k=3)
    {'v': 1, 'type': 'search', 'collection': 'docs', 'query_type': 'text', 'text': 'release notes', 'top_k': 3}
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a text search needs a non-empty query string")
    ticket: dict[str, Any] = {
        "v": 1,
        "type": "search",
        "collection": protocol.check_name(collection, what="collection name"),
        "query_type": "text",
        "text": text,
        "top_k": protocol.check_top_k(top_k),
    }
    if field is not None:
        ticket["field"] = protocol.check_name(field, what="field")
    if filter is not None:
        ticket["filter"] = protocol.check_filter(filter)
    if output_fields is not None:
        ticket["output_fields"] = list(protocol.check_columns(output_fields, what="columns"))
    return ticket


@dataclass(frozen=True)
class TextSearchQuery:
    """An immutable BM25 search; each refinement returns a new query.

    The text is Lucene query syntax over one field: words (ranked by BM25), ``"exact
    phrases"``, ``+must``, ``-must_not``, ``AND``/``OR``. Create one with
    :meth:`lakebeam.Collection.search` and ``query_type="fts"``.

    Examples
    --------
    >>> docs = client.collection("docs")  # doctest: +SKIP
    >>> (docs.search('"release notes" +bookworm', query_type="fts")  # doctest: +SKIP
    ...      .where("lang = 'en'").select(["text"]).limit(5).to_list())
    [{'rank': 0, '_score': 7.31, '_distance': -7.31, '_file': '...', '_pos': 3, 'text': '...'}, ...]
    """

    client: LakebeamClient
    collection_name: str
    text: str
    top_k: int = 10
    filter: str | None = None
    output_fields: tuple[str, ...] | None = None
    text_field: str | None = None

    def where(self, filter: str) -> TextSearchQuery:
        """Keep only rows matching ``filter``; the top k are chosen among them."""
        return replace(self, filter=protocol.check_filter(filter))

    def select(self, columns: Sequence[str]) -> TextSearchQuery:
        """Return these scalar columns with each hit (none by default)."""
        return replace(self, output_fields=tuple(protocol.check_columns(columns, what="columns")))

    def limit(self, k: int) -> TextSearchQuery:
        """Return at most ``k`` hits, 1 to 10000 (default 10)."""
        return replace(self, top_k=protocol.check_top_k(k))

    def field(self, name: str) -> TextSearchQuery:
        """Search the text index of column ``name`` (default: the collection's only one)."""
        return replace(self, text_field=protocol.check_name(name, what="field"))

    def to_arrow(self) -> pa.Table:
        """Run the search: ``rank``, ``_score`` (BM25, higher is better), ``_distance``
        (``-_score``), ``_file``, ``_pos`` and the selected columns."""
        request = text_search_request(
            collection=self.collection_name,
            text=self.text,
            top_k=self.top_k,
            field=self.text_field,
            output_fields=self.output_fields,
            filter=self.filter,
        )
        table = self.client._connection.read_all(flight.Ticket(protocol.encode(request)))
        if "query_index" in table.column_names:
            table = table.drop_columns(["query_index"])
        return table

    def to_pandas(self) -> pandas.DataFrame:
        """Run the search and return the hits as a pandas DataFrame (needs pandas)."""
        try:
            import pandas  # noqa: F401
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install pandas") from None
        return self.to_arrow().to_pandas()

    def to_list(self) -> list[dict[str, Any]]:
        """Run the search and return the hits as a list of dicts, one per row."""
        return self.to_arrow().to_pylist()
