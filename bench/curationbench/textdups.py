"""Documents with known near-duplicates, shingled exactly as the Java transform does.

* ``documents``: real Debian text (passages of bench/data/passages_all.parquet, joined per source
  file into documents of 80-240 words);
* ``inject``: near-duplicate copies of some documents (word edits, sentence reorderings, a
  boilerplate header and footer, or boilerplate plus light edits), with a record of each;
* ``shingles``: lower-cased word 3-grams, words being maximal runs of letters or decimal digits
  (Java's ``Character.isLetterOrDigit`` over UTF-16 units, so code points beyond the BMP split
  words there too);
* ``similar_pairs``: every pair with exact shingle Jaccard >= t, by an exact prefix-filtered
  inverted-index join (no sampling, no hashing), the ground truth of the benchmark.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections import defaultdict

import pyarrow.parquet as pq

_WORD_CATEGORIES = {"Lu", "Ll", "Lt", "Lm", "Lo", "Nd"}
_WORD_RE: re.Pattern | None = None

HEADERS = [
    "This document is part of the Debian GNU/Linux documentation collection.",
    "Generated automatically from the package sources; do not edit by hand.",
    "Archived copy retrieved from the local documentation mirror of this machine.",
    "NOTICE: this page was converted from its original format and may contain errors.",
]
FOOTERS = [
    "Report bugs in this documentation to the Debian bug tracking system at bugs.debian.org.",
    "Copyright the respective authors. Distributed under the terms of the GNU General Public "
    "License, version 2 or later.",
    "Last updated by the documentation build; see the changelog for the full history.",
    "Back to the index of installed documentation | Search | Contact the maintainers",
]


def _word_re() -> re.Pattern:
    """A character class of the BMP code points that Java counts as letters or digits."""
    global _WORD_RE
    if _WORD_RE is None:
        ranges, start = [], None
        for c in range(0x10000):
            ok = not (0xD800 <= c <= 0xDFFF) and unicodedata.category(chr(c)) in _WORD_CATEGORIES
            if ok and start is None:
                start = c
            elif not ok and start is not None:
                ranges.append((start, c - 1))
                start = None
        cls = "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)
        _WORD_RE = re.compile(f"[{cls}]+")
    return _WORD_RE


def shingles(text: str, n: int = 3) -> frozenset[str]:
    """Distinct word n-grams (a text of fewer than n words is one shingle; no words, none)."""
    words = _word_re().findall(text.lower())
    if not words:
        return frozenset()
    count = max(1, len(words) - n + 1)
    return frozenset(" ".join(words[i:i + n]) for i in range(count))


def jaccard(a: frozenset, b: frozenset) -> float:
    inter = len(a & b)
    union = len(a) + len(b) - inter
    return 1.0 if union == 0 else inter / union


def documents(parquet: str, seed: int, min_words: int = 80, max_words: int = 240) -> list[str]:
    """Consecutive passages of one source file joined into documents of min..max words."""
    t = pq.read_table(parquet, columns=["source", "text"])
    rnd = random.Random(seed)
    docs, cur, cur_words, cur_source = [], [], 0, None
    target = rnd.randint(min_words, max_words)
    for source, text in zip(t.column("source").to_pylist(), t.column("text").to_pylist()):
        if source != cur_source or cur_words >= target:
            if cur_words >= min_words:
                docs.append(" ".join(cur))
            cur, cur_words, cur_source = [], 0, source
            target = rnd.randint(min_words, max_words)
        cur.append(text)
        cur_words += len(text.split())
    if cur_words >= min_words:
        docs.append(" ".join(cur))
    return docs


def _edit_words(text: str, rate: float, vocab: list[str], rnd: random.Random) -> str:
    words = text.split()
    for _ in range(max(1, round(rate * len(words)))):
        op, i = rnd.random(), rnd.randrange(len(words))
        if op < 0.5:
            words[i] = rnd.choice(vocab)
        elif op < 0.75 and len(words) > 2:
            del words[i]
        else:
            words.insert(i, rnd.choice(vocab))
    return " ".join(words)


def _reorder(text: str, rnd: random.Random) -> str:
    parts = re.split(r"(?<=[.!?;:])\s+", text)
    if len(parts) < 3:  # few sentences: cut at three word positions instead
        words = text.split()
        cuts = sorted(rnd.sample(range(1, len(words)), 3))
        parts = [" ".join(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)])]
    order = list(range(len(parts)))
    while order == sorted(order):
        rnd.shuffle(order)
    return " ".join(parts[i] for i in order)


def _boilerplate(text: str, rnd: random.Random) -> str:
    return f"{rnd.choice(HEADERS)} {text} {rnd.choice(FOOTERS)}"


def inject(base: list[str], copies: int, seed: int) -> tuple[list[str], list[dict]]:
    """Appends ``copies`` near-duplicates of random base documents, then shuffles everything.

    Returns the texts and one record per copy: ``{"copy", "original", "kind"}`` (indexes into the
    returned texts). Kinds cycle through word edits at a rate drawn from 1-5%, a reordering of
    sentences, a boilerplate header and footer, and boilerplate plus 1-2% word edits.
    """
    rnd = random.Random(seed)
    vocab = [w for d in rnd.sample(base, min(200, len(base))) for w in d.split()]
    texts, made = list(base), []
    for c in range(copies):
        orig = rnd.randrange(len(base))
        kind = ("edit", "reorder", "boilerplate", "boilerplate+edit")[c % 4]
        src = base[orig]
        if kind == "edit":
            new = _edit_words(src, rnd.uniform(0.01, 0.05), vocab, rnd)
        elif kind == "reorder":
            new = _reorder(src, rnd)
        elif kind == "boilerplate":
            new = _boilerplate(src, rnd)
        else:
            new = _boilerplate(_edit_words(src, rnd.uniform(0.01, 0.02), vocab, rnd), rnd)
        made.append({"copy": len(texts), "original": orig, "kind": kind})
        texts.append(new)
    order = list(range(len(texts)))
    rnd.shuffle(order)
    where = {old: new for new, old in enumerate(order)}
    for m in made:
        m["copy"], m["original"] = where[m["copy"]], where[m["original"]]
    return [texts[i] for i in order], made


def similar_pairs(sets: list[frozenset], t: float) -> dict[tuple[int, int], float]:
    """Every pair (i < j) with Jaccard >= t, exactly: prefix filtering over rarest-first tokens.

    Two sets with Jaccard >= t share a token among the first ``|x| - ceil(t |x|) + 1`` tokens of
    each (in one global order), so probing those prefixes finds every such pair; candidates are
    then checked exactly.
    """
    df: dict[str, int] = defaultdict(int)
    for s in sets:
        for tok in s:
            df[tok] += 1
    rank = {tok: r for r, tok in enumerate(sorted(df, key=lambda x: (df[x], x)))}
    ordered = [sorted(rank[tok] for tok in s) for s in sets]
    index: dict[int, list[int]] = defaultdict(list)
    out: dict[tuple[int, int], float] = {}
    for i in sorted(range(len(sets)), key=lambda x: len(sets[x])):
        toks = ordered[i]
        if not toks:
            continue
        size = len(toks)
        prefix = size - math.ceil(t * size - 1e-9) + 1
        seen = set()
        for tok in toks[:prefix]:
            for j in index[tok]:
                if j in seen or len(sets[j]) < t * size - 1e-9:
                    continue
                seen.add(j)
                sim = jaccard(sets[i], sets[j])
                if sim >= t:
                    out[(min(i, j), max(i, j))] = sim
            index[tok].append(i)
    return out
