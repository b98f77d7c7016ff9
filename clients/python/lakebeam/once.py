"""Exactly-once inserts: an idempotency key per insert call, reused on the client's retries.

The server records the key in the commit's snapshot summary; a put whose key is already
committed adds nothing and returns the first put's result. So a retry after a lost
acknowledgement (the connection dropped after the server committed) never duplicates rows.

Examples
--------
>>> key = new_key()
>>> len(key)
32
>>> check_key("ingest-2026-12-04-part-7")
'ingest-2026-12-04-part-7'
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from lakebeam.errors import LakebeamError

__all__ = ["MAX_KEY_LENGTH", "RETRIED_STATUSES", "check_key", "new_key", "with_retries"]

MAX_KEY_LENGTH = 256
"""Longest idempotency key the server accepts."""

RETRIED_STATUSES = frozenset({"UNAVAILABLE", "DEADLINE_EXCEEDED"})
"""Statuses after which the insert may or may not have committed, so it is retried."""

_T = TypeVar("_T")


def new_key() -> str:
    """Return a fresh random idempotency key (32 hex characters)."""
    return uuid.uuid4().hex


def check_key(key: str) -> str:
    """Return ``key`` if the server would accept it, else raise ``ValueError`` saying why."""
    if (
        not isinstance(key, str)
        or not key.strip()
        or len(key) > MAX_KEY_LENGTH
        or any(not " " <= ch <= "~" for ch in key)
    ):
        raise ValueError(
            f"Cannot use idempotency_key {key!r}: give 1 to {MAX_KEY_LENGTH} printable ASCII "
            "characters, e.g. a UUID, the same for every retry of one write"
        )
    return key


def with_retries(call: Callable[[], _T], *, retries: int, backoff: float = 0.25) -> _T:
    """Run ``call``; after an UNAVAILABLE or DEADLINE_EXCEEDED error run it again, at most
    ``retries`` more times, waiting ``backoff`` seconds, then twice as long each time."""
    if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
        raise ValueError(f"Cannot retry {retries!r} times: give an integer >= 0")
    for attempt in range(retries + 1):
        try:
            return call()
        except LakebeamError as exc:
            if exc.status not in RETRIED_STATUSES or attempt == retries:
                raise
        time.sleep(backoff * (2**attempt))
    raise AssertionError("unreachable")
