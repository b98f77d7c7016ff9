"""Metadata filters given as dicts (the LangChain habit), turned into Lakebeam filter strings.

Lakebeam filters are SQL-like predicates (``"lang = 'en' AND year >= 2020"``, see
``docs/flight-protocol.md``); integrations that receive a ``dict`` translate it here.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["to_filter", "json_path", "st_dwithin", "st_within"]

_BARE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_COMPARISONS = {"$eq": "=", "$ne": "!=", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
_KEYWORDS = {"and", "or", "not", "in", "is", "null", "like", "true", "false"}


def to_filter(value: str | Mapping[str, Any] | None) -> str | None:
    """Return a Lakebeam filter string for ``value``.

    Parameters
    ----------
    value : str, dict or None
        A filter string (returned as it is), or a dict: ``{"lang": "en"}`` (equality),
        ``{"lang": ["en", "de"]}`` (``IN``), ``{"year": {"$gte": 2020, "$lt": 2024}}``
        (``$eq $ne $gt $gte $lt $lte $in $nin``), ``None`` values (``IS NULL``), and
        ``{"$and": [...]}`` / ``{"$or": [...]}`` of such dicts. Keys are ANDed.

    Returns
    -------
    str or None
        ``None`` for ``None`` or an empty dict.

    Raises
    ------
    ValueError
        For an unknown operator, an empty list, or a value that is not a string, number,
        boolean, date or ``None``.

    Examples
    --------
    >>> to_filter({"lang": "en", "year": {"$gte": 2020}})
    "lang = 'en' AND year >= 2020"
    >>> to_filter({"$or": [{"uri": ["a.md", "b.md"]}, {"note": None}]})
    "(uri IN ('a.md', 'b.md') OR note IS NULL)"
    >>> to_filter("stars > 4")
    'stars > 4'
    """
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, Mapping):
        raise ValueError(
            f"Cannot use filter {value!r}: give a string such as \"lang = 'en'\" or a dict "
            "such as {'lang': 'en'}"
        )
    clause = _conjunction(value)
    return clause or None


def _conjunction(spec: Mapping[str, Any]) -> str:
    parts = []
    for key, condition in spec.items():
        if key in ("$and", "$or"):
            parts.append(_combine(key, condition))
        elif isinstance(key, str) and key.startswith("$"):
            raise ValueError(f"Cannot use filter operator {key!r} here: use it inside a field")
        else:
            parts.append(_field(key, condition))
    return " AND ".join(p for p in parts if p)


def _combine(op: str, clauses: Any) -> str:
    if not isinstance(clauses, Sequence) or isinstance(clauses, str) or not clauses:
        raise ValueError(f"Cannot use filter {op}: it takes a non-empty list of dicts")
    joined = f" {op[1:].upper()} ".join(f"{_conjunction(c)}" for c in clauses)
    return f"({joined})"


def _field(name: str, condition: Any) -> str:
    column = _column(name)
    if isinstance(condition, Mapping):
        parts = []
        for op, operand in condition.items():
            if op in ("$in", "$nin"):
                parts.append(_membership(column, operand, negate=op == "$nin"))
            elif op in _COMPARISONS:
                parts.append(_compare(column, _COMPARISONS[op], operand))
            else:
                known = sorted([*_COMPARISONS, "$in", "$nin"])
                raise ValueError(
                    f"Cannot use filter operator {op!r} on {name!r}: use one of {known}"
                )
        return " AND ".join(parts)
    if isinstance(condition, (list, tuple, set, frozenset)):
        return _membership(column, condition, negate=False)
    return _compare(column, "=", condition)


def _compare(column: str, op: str, operand: Any) -> str:
    if operand is None:
        if op not in ("=", "!="):
            raise ValueError(f"Cannot compare {column} {op} None: only $eq and $ne take None")
        return f"{column} IS {'NOT ' if op == '!=' else ''}NULL"
    return f"{column} {op} {_literal(operand)}"


def _membership(column: str, values: Any, *, negate: bool) -> str:
    if isinstance(values, str) or not isinstance(values, (Sequence, set, frozenset)) or not values:
        raise ValueError(f"Cannot filter {column} by membership: give a non-empty list of values")
    literals = ", ".join(_literal(v) for v in values)
    return f"{column} {'NOT IN' if negate else 'IN'} ({literals})"


def _column(name: Any) -> str:
    if not isinstance(name, str) or not name or '"' in name:
        raise ValueError(f"Cannot filter on column {name!r}: give a name without double quotes")
    if _BARE_NAME.match(name) and name.lower() not in _KEYWORDS:
        return name
    return f'"{name}"'


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"Cannot filter with {value!r}: only finite numbers")
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, (_dt.datetime, _dt.date)):
        return "'" + value.isoformat() + "'"
    if hasattr(value, "item"):  # numpy scalars
        return _literal(value.item())
    raise ValueError(
        f"Cannot filter with {value!r} ({type(value).__name__}): use a string, number, "
        "boolean, date or None"
    )


def json_path(column: str, *steps: str | int) -> str:
    """Return a JSON path into ``column`` for a filter: keys are strings, array indexes ints.

    Examples
    --------
    >>> json_path("meta", "a", "tags", 0)
    'meta["a"]["tags"][0]'
    """
    parts = [_column(column)]
    for step in steps:
        if isinstance(step, bool) or not isinstance(step, (str, int)):
            raise ValueError(f"Cannot use JSON path step {step!r}: give a str key or an int index")
        if isinstance(step, int):
            if step < 0:
                raise ValueError(f"Cannot use JSON path index {step}: indexes start at 0")
            parts.append(f"[{step}]")
        else:
            parts.append('["' + step.replace('"', '""') + '"]')
    return "".join(parts)


def st_dwithin(column: str, lon: float, lat: float, meters: float) -> str:
    """Return ``st_dwithin(column, POINT(lon lat), meters)``: haversine metres, WGS84 mean radius.

    Examples
    --------
    >>> st_dwithin("loc", 2.35, 48.85, 5000)
    'st_dwithin(loc, POINT(2.35 48.85), 5000)'
    """
    _check_point(lon, lat)
    if not math.isfinite(meters) or meters < 0:
        raise ValueError(f"Cannot filter within {meters!r} m: give a finite distance, 0 or more")
    return f"st_dwithin({_column(column)}, POINT({_literal(lon)} {_literal(lat)}), {_literal(meters)})"


def st_within(column: str, min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> str:
    """Return ``st_within(column, BBOX(...))``; ``min_lon > max_lon`` crosses the antimeridian.

    Examples
    --------
    >>> st_within("loc", 2, 48, 3, 49)
    'st_within(loc, BBOX(2, 48, 3, 49))'
    """
    _check_point(min_lon, min_lat)
    _check_point(max_lon, max_lat)
    if min_lat > max_lat:
        raise ValueError(f"Cannot filter by a box with min_lat {min_lat} above max_lat {max_lat}")
    box = ", ".join(_literal(v) for v in (min_lon, min_lat, max_lon, max_lat))
    return f"st_within({_column(column)}, BBOX({box}))"


def _check_point(lon: float, lat: float) -> None:
    if not -180 <= lon <= 180 or not -90 <= lat <= 90:
        raise ValueError(
            f"Cannot use point ({lon!r}, {lat!r}): longitude is in [-180, 180], latitude in [-90, 90]"
        )
