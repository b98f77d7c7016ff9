"""Context packages: versioned, reproducible context for RAG and agents, served over Flight.

A package is built by ``lakebeam context build SPEC.yaml`` (one per topic) and fetched with
:meth:`lakebeam.LakebeamClient.context`; see ``docs/context-packages.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Citation", "ContextPackage"]


@dataclass(frozen=True)
class Citation:
    """Where passage ``[ref]`` of a package comes from."""

    ref: int
    uri: str
    doc_id: str | None = None
    ordinal: int | None = None
    char_start: int | None = None
    char_end: int | None = None
    score: float = 0.0

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Citation:
        return cls(**{k: d.get(k) for k in
                      ("ref", "uri", "doc_id", "ordinal", "char_start", "char_end", "score")})

    def __str__(self) -> str:
        span = "" if self.char_start is None else f" (chars {self.char_start}-{self.char_end})"
        return f"[{self.ref}] {self.uri}{span}"


@dataclass(frozen=True)
class ContextPackage:
    """One version of a context package: text for a prompt, citations, and what it pins.

    Examples
    --------
    >>> p = ContextPackage.from_dict({"name": "kb", "topic": "t", "version": 3,
    ...     "text": "[1] Rotate keys yearly.",
    ...     "citations": [{"ref": 1, "uri": "file:///kb/keys.md", "char_start": 0,
    ...                    "char_end": 22, "score": 0.8}]})
    >>> print(p.to_prompt("How often?"))
    Answer from the context below and cite passages as [n].
    <BLANKLINE>
    Context:
    [1] Rotate keys yearly.
    <BLANKLINE>
    Sources:
    [1] file:///kb/keys.md (chars 0-22)
    <BLANKLINE>
    Question: How often?
    """

    name: str
    topic: str
    version: int
    text: str
    citations: list[Citation]
    token_count: int | None = None
    content_hash: str | None = None
    spec_hash: str | None = None
    source_snapshot_id: int | None = None
    model: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ContextPackage:
        return cls(
            name=d["name"],
            topic=d["topic"],
            version=d["version"],
            text=d["text"],
            citations=[Citation.from_dict(c) for c in d.get("citations") or []],
            token_count=d.get("token_count"),
            content_hash=d.get("content_hash"),
            spec_hash=d.get("spec_hash"),
            source_snapshot_id=d.get("source_snapshot_id"),
            model=d.get("model"),
            raw=d,
        )

    def to_prompt(self, question: str | None = None) -> str:
        """Return the package as a prompt: instructions, context, sources, and the question."""
        parts = ["Answer from the context below and cite passages as [n].", "",
                 "Context:", self.text, "", "Sources:"]
        parts += [str(c) for c in self.citations]
        if question:
            parts += ["", f"Question: {question}"]
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.text
