"""The fluent search builder: ``collection.search(v).where(...).select(...).limit(k)``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from lakebeam import protocol
from lakebeam.results import QUERY_INDEX
from lakebeam.vectors import QueryTexts, QueryVectors

if TYPE_CHECKING:
    import pandas

    from lakebeam.client import LakebeamClient

__all__ = ["SearchQuery"]


@dataclass(frozen=True)
class SearchQuery:
    """An immutable vector search; each refinement returns a new query.

    Nothing is sent until :meth:`to_arrow`, :meth:`to_pandas` or :meth:`to_list`. Create one
    with :meth:`lakebeam.Collection.search`.

    Examples
    --------
    >>> docs = client.collection("docs")  # doctest: +SKIP
    >>> (docs.search([0.1, 0.2, 0.3, 0.4])  # doctest: +SKIP
    ...      .where("lang = 'en'").select(["text"]).limit(5).ef(64).to_list())
    [{'rank': 0, '_score': 0.98, '_distance': 0.02, '_file': '...', '_pos': 3, 'text': '...'}, ...]
    """

    client: LakebeamClient
    collection_name: str
    vectors: QueryVectors | QueryTexts
    top_k: int = 10
    filter: str | None = None
    output_fields: tuple[str, ...] | None = None
    search_ef: int | None = None
    vector_field: str | None = None

    def where(self, filter: str) -> SearchQuery:
        """Keep only rows matching ``filter``, e.g. ``"lang = 'en' AND year >= 2020"``."""
        return replace(self, filter=protocol.check_filter(filter))

    def select(self, columns: Sequence[str]) -> SearchQuery:
        """Return these scalar columns with each hit (none by default)."""
        return replace(self, output_fields=tuple(protocol.check_columns(columns, what="columns")))

    def limit(self, k: int) -> SearchQuery:
        """Return at most ``k`` hits per query vector, 1 to 10000 (default 10)."""
        return replace(self, top_k=protocol.check_top_k(k))

    def ef(self, n: int) -> SearchQuery:
        """Search breadth, at least the limit; larger is slower and more exact."""
        return replace(self, search_ef=protocol.check_int(n, what="ef", minimum=1))

    def field(self, name: str) -> SearchQuery:
        """Search the vector column ``name`` (default: the collection's only one)."""
        return replace(self, vector_field=protocol.check_name(name, what="field"))

    def to_arrow(self) -> pa.Table:
        """Run the search and return the hits as one table.

        Returns
        -------
        pyarrow.Table
            ``rank``, ``_score``, ``_distance``, ``_file``, ``_pos`` and the selected columns;
            for several query vectors, a leading ``query_index`` column says which one each
            row answers.
        """
        if self.search_ef is not None:
            protocol.check_ef(self.search_ef, top_k=self.top_k)
        table = self.client._search_table(
            self.collection_name,
            self.vectors,
            top_k=self.top_k,
            output_fields=list(self.output_fields) if self.output_fields is not None else None,
            filter=self.filter,
            field=self.vector_field,
            ef=self.search_ef,
        )
        if self.vectors.single and QUERY_INDEX in table.column_names:
            table = table.drop_columns([QUERY_INDEX])
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
