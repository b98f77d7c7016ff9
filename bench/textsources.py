"""Real text passages from the documentation installed on a Debian machine.

Sources, each read in a fixed (sorted) order so the output is repeatable on one machine:

* ``man``     roff man pages under /usr/share/man (all sections and languages), macros stripped;
* ``info``    GNU info manuals under /usr/share/info;
* ``doc``     READMEs, NEWS, changelogs, copyright files, *.txt/*.md/*.rst/*.html under
              /usr/share/doc, and /usr/share/common-licenses;
* ``pydoc``   docstrings of the Python files of the installed interpreters (module, class and
              function docstrings, joined per file).

Each document is split into paragraphs and cut into passages of ``MIN_WORDS``..``MAX_WORDS``
words at paragraph boundaries where possible. Passages that are mostly not letters (tables,
code, hex dumps) are dropped. Exact duplicates are removed by the caller.

Example::

    for source, text in iter_passages(max_files_per_source=50):
        print(source, text[:60])
"""

from __future__ import annotations

import ast
import glob
import gzip
import html
import os
import re
import unicodedata
import warnings
from typing import Iterator

# Sentence-sized passages (16-32 words, ~45 word pieces): on a 2-core machine shared with builds,
# MiniLM embeds ~15-40 passages/s at ~100 word pieces, too slow for 200k passages of 40-120 words.
MIN_WORDS = 16
TARGET_WORDS = 24
MAX_WORDS = 32
HARD_CUT_WORDS = 28

# ---------------------------------------------------------------------------------------------
# roff (man pages)

_ROFF_TEXT_MACROS = {
    "B", "I", "BR", "RB", "IR", "RI", "BI", "IB", "SM", "SB", "IP", "TQ", "UR", "MT", "OP",
    # mdoc
    "Nm", "Nd", "Fl", "Ar", "Op", "Oo", "Oc", "Cm", "Pa", "Xr", "Dq", "Sq", "Ql", "Em", "Sy",
    "Li", "Ev", "Va", "Fn", "Fa", "Ft", "Fd", "Dv", "Er", "Ic", "Lk", "Ms", "Tn", "Ux", "Bx",
    "Xo", "Xc", "Pq", "Aq", "Bq", "Qq", "Ns", "No", "Ad", "Cd", "An", "Lb", "Mt", "It",
}
_ROFF_BREAK_MACROS = {
    "SH", "SS", "PP", "P", "LP", "TP", "sp", "br", "Sh", "Ss", "Pp", "Lp", "Bl", "El", "Bd",
    "Ed", "HP", "RS", "RE", "EX", "EE", "nf", "fi", "in", "ti", "TH", "Dd", "Dt", "Os",
}
_ROFF_NAMED = {
    "em": "\u2014", "en": "\u2013", "aq": "'", "dq": '"', "lq": '"', "rq": '"', "oq": "'",
    "cq": "'", "bu": "\u2022", "co": "\u00a9", "rg": "\u00ae", "hy": "-", "mi": "-", "ga": "`",
    "ti": "~", "ha": "^", "rs": "\\", "sl": "/", "dg": "\u2020", "tm": "\u2122", "->": "->",
    "<-": "<-", "<=": "<=", ">=": ">=", "mu": "x", "pl": "+", "eq": "=", "fm": "'", "Fo": "<<",
    "Fc": ">>", "R": "\u00ae",
}
_RE_FONT = re.compile(r"\\f(\[[^\]]*\]|\(..|.)")
_RE_SIZE = re.compile(r"\\s[+-]?(\d+|\(\d\d|\[\d+\])")
_RE_NAMED2 = re.compile(r"\\\((..)")
_RE_NAMED_BR = re.compile(r"\\\[([^\]]*)\]")
_RE_STRING = re.compile(r"\\\*(\(..|\[[^\]]*\]|.)")
_RE_MISC_ARG = re.compile(r"\\[hvwlLoDXkzbnHSxNVYRZ]('[^']*'|\[[^\]]*\]|\(..|.)")
_RE_ESC_DROP = re.compile(r"\\[&,/|^)%cdu:{}~]")
_RE_QUOTES = re.compile(r'"')


_ACCENTS = {":": "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
            ",": "\u0327", "o": "\u030a", "v": "\u030c"}
_LETTERS = {"ss": "\u00df", "ae": "\u00e6", "AE": "\u00c6", "/o": "\u00f8", "/O": "\u00d8",
            "oe": "\u0153", "OE": "\u0152", "-D": "\u00d0", "Sd": "\u00f0", "TP": "\u00de",
            "Tp": "\u00fe", "r!": "\u00a1", "r?": "\u00bf", "Fo": "\u00ab", "Fc": "\u00bb"}


def _glyph(name: str) -> str:
    """A groff special character name (``:u``, ``'e``, ``ss``, ``u00FC``, ``em``) as text."""
    if name in _ROFF_NAMED:
        return _ROFF_NAMED[name]
    if name in _LETTERS:
        return _LETTERS[name]
    if len(name) == 2 and name[0] in _ACCENTS and name[1].isalpha():
        return unicodedata.normalize("NFC", name[1] + _ACCENTS[name[0]])
    if re.fullmatch(r"u[0-9A-Fa-f]{4,6}(_[0-9A-Fa-f]{4,6})*", name):
        return unicodedata.normalize("NFC", "".join(chr(int(h, 16)) for h in name[1:].split("_")))
    return ""


def _roff_inline(s: str) -> str:
    s = _RE_FONT.sub("", s)
    s = _RE_SIZE.sub("", s)
    s = _RE_NAMED2.sub(lambda m: _glyph(m.group(1)), s)
    s = _RE_NAMED_BR.sub(lambda m: _glyph(m.group(1)), s)
    s = _RE_STRING.sub("", s)
    s = _RE_MISC_ARG.sub("", s)
    s = _RE_ESC_DROP.sub("", s)
    s = s.replace("\\-", "-").replace("\\e", "\\").replace("\\ ", " ").replace("\\0", " ")
    s = s.replace("\\'", "'").replace("\\`", "`").replace("\\.", ".")
    return s.replace("\\", "")


def roff_to_paragraphs(src: str) -> list[str]:
    """Strips roff/mdoc markup; returns paragraphs of plain text (empty for `.so` links)."""
    paras: list[str] = []
    cur: list[str] = []
    skip_until: str | None = None

    def brk() -> None:
        if cur:
            paras.append(" ".join(cur))
            cur.clear()

    for line in src.splitlines():
        if skip_until is not None:
            if line.startswith(skip_until):
                skip_until = None
            continue
        if line.startswith((".\\\"", "'\\\"", '.\\"', "\\\"", ".\\#")):
            continue
        if line.startswith((".", "'")) and len(line) > 1:
            parts = line[1:].strip().split(None, 1)
            if not parts:
                brk()
                continue
            name, arg = parts[0], (parts[1] if len(parts) > 1 else "")
            if name == "so":
                return []
            if name in ("de", "de1", "am", "ig"):
                skip_until = ".."
                continue
            if name == "TS":
                skip_until = ".TE"
                continue
            if name == "EQ":
                skip_until = ".EN"
                continue
            if name in _ROFF_BREAK_MACROS:
                brk()
                continue
            if name in _ROFF_TEXT_MACROS and arg:
                if name in ("IP", "TQ"):
                    brk()
                if name == "IP":  # .IP "tag" indent: keep the tag only
                    m = re.match(r'\s*"([^"]*)"|\s*(\S+)', arg)
                    arg = (m.group(1) or m.group(2) or "") if m else ""
                text = _roff_inline(_RE_QUOTES.sub("", arg)).strip()
                if text:
                    cur.append(text)
                continue
            continue  # any other request or macro: dropped
        if not line.strip():
            brk()
            continue
        text = _roff_inline(line).strip()
        if text:
            cur.append(text)
    brk()
    return paras


# ---------------------------------------------------------------------------------------------
# other formats

_RE_TAG = re.compile(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", re.S | re.I)
_RE_BLANK = re.compile(r"\n\s*\n")


def plain_to_paragraphs(src: str) -> list[str]:
    return [p for p in (" ".join(b.split()) for b in _RE_BLANK.split(src)) if p]


def html_to_paragraphs(src: str) -> list[str]:
    src = re.sub(r"(?i)<(p|br|div|h\d|li|tr|pre|dt|dd)\b", "\n\n<", src)
    return plain_to_paragraphs(html.unescape(_RE_TAG.sub(" ", src)))


def info_to_paragraphs(src: str) -> list[str]:
    keep = []
    for line in src.replace("\x1f", "\n").splitlines():
        if line.startswith(("File: ", "Tag Table:", "End Tag Table", "Node: ", "* Menu:")):
            keep.append("")
            continue
        keep.append(line)
    return plain_to_paragraphs("\n".join(keep))


def python_docstrings(src: str) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = ast.parse(src)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node)
            if doc:
                out.extend(plain_to_paragraphs(doc))
    return out


# ---------------------------------------------------------------------------------------------
# chunking


def chunk_paragraphs(paras: list[str], words: tuple[int, int, int, int] | None = None
                     ) -> Iterator[str]:
    """Greedy cut at paragraph boundaries into min..max-word passages.

    ``words`` is ``(min, target, max, hard_cut)``; the default is the module's sentence-sized
    ``(MIN_WORDS, TARGET_WORDS, MAX_WORDS, HARD_CUT_WORDS)``. A passage is emitted once it reaches
    ``target`` words; a paragraph that would push it past ``max`` starts a new one, and text
    longer than ``max`` is cut every ``hard_cut`` words.
    """
    min_words, target_words, max_words, hard_cut = words or (
        MIN_WORDS, TARGET_WORDS, MAX_WORDS, HARD_CUT_WORDS)
    cur: list[str] = []
    for para in paras:
        words_ = para.split()
        if len(cur) + len(words_) > max_words:
            if len(cur) >= min_words:
                yield " ".join(cur)
                cur = []
            cur = cur + words_
            while len(cur) > max_words:
                yield " ".join(cur[:hard_cut])
                cur = cur[hard_cut:]
        else:
            cur = cur + words_
        if len(cur) >= target_words:
            yield " ".join(cur)
            cur = []
    if len(cur) >= min_words:
        yield " ".join(cur)


def is_prose(text: str) -> bool:
    """True when most characters are letters and words look like words (not code or tables)."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return False
    letters = sum(c.isalpha() for c in chars)
    if letters / len(chars) < 0.7:
        return False
    words = text.split()
    return sum(len(w) for w in words) / len(words) < 12


# ---------------------------------------------------------------------------------------------
# walking the machine

DOC_NAMES = re.compile(
    r"(?i)(^|/)(readme[^/]*|news[^/]*|changelog[^/]*|changes[^/]*|copyright|authors[^/]*"
    r"|todo[^/]*|faq[^/]*|[^/]*\.txt(\.gz)?|[^/]*\.md(\.gz)?|[^/]*\.rst(\.gz)?"
    r"|[^/]*\.html?(\.gz)?)$"
)
MAX_FILE_BYTES = 8 << 20


def _read(path: str) -> str | None:
    try:
        if os.path.islink(path) and not os.path.exists(path):
            return None
        if os.path.getsize(path) > MAX_FILE_BYTES:
            return None
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES * 4)
    except (OSError, EOFError, gzip.BadGzipFile):
        return None
    if b"\x00" in raw[:4096]:
        return None
    text = raw.decode("utf-8", errors="replace")
    if text.count("\ufffd") > len(text) / 200:
        text = raw.decode("latin-1")
    return text


def _files(pattern_roots: list[str], predicate) -> list[str]:
    out = []
    for root in pattern_roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                if predicate(path) and os.path.isfile(path):
                    out.append(path)
    return out


def python_roots() -> list[str]:
    roots = sorted(glob.glob("/root/.pyenv/versions/3.*/lib/python3.*"))
    roots += [p for p in ("/usr/lib/python3", "/usr/lib/python3.11") if os.path.isdir(p)]
    return [r for r in roots if os.path.isdir(r)]


def source_files() -> dict[str, list[str]]:
    """The files of each source, in a fixed order."""
    return {
        "man": _files(["/usr/share/man"], lambda p: p.endswith(".gz") or re.search(r"\.\d\w*$", p)),
        "info": _files(["/usr/share/info"], lambda p: ".info" in p),
        "doc": _files(["/usr/share/doc", "/usr/share/common-licenses"],
                      lambda p: p.startswith("/usr/share/common-licenses") or DOC_NAMES.search(p)),
        "pydoc": _files(python_roots(), lambda p: p.endswith(".py")),
    }


def paragraphs_of(kind: str, path: str) -> list[str]:
    text = _read(path)
    if not text:
        return []
    try:
        if kind == "man":
            return roff_to_paragraphs(text)
        if kind == "info":
            return info_to_paragraphs(text)
        if kind == "pydoc":
            return python_docstrings(text)
        if re.search(r"\.html?(\.gz)?$", path):
            return html_to_paragraphs(text)
        return plain_to_paragraphs(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []


def passages_of(job: tuple) -> list[tuple[str, str]]:
    """(source, passage) pairs of one file: source is ``kind:path``.

    ``job`` is ``(kind, path)`` or ``(kind, path, words)`` with ``words`` as in
    :func:`chunk_paragraphs`.
    """
    kind, path = job[0], job[1]
    words = job[2] if len(job) > 2 else None
    return [(f"{kind}:{path}", p) for p in chunk_paragraphs(paragraphs_of(kind, path), words)
            if is_prose(p)]


def iter_passages(max_files_per_source: int | None = None, workers: int = 1,
                  words: tuple[int, int, int, int] | None = None
                  ) -> Iterator[tuple[str, str]]:
    """Yields (source, passage) in a fixed order; passages are prose of min..max words.

    ``max_files_per_source`` takes that many files spread evenly over each source's sorted
    list; ``words`` sets the passage size (see :func:`chunk_paragraphs`).
    """
    jobs = []
    for kind, files in source_files().items():
        if max_files_per_source is not None:
            step = max(1, len(files) // max_files_per_source)
            files = files[::step][:max_files_per_source]
        jobs.extend((kind, path, words) for path in files)
    if workers <= 1:
        for job in jobs:
            yield from passages_of(job)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for pairs in pool.imap(passages_of, jobs, chunksize=32):
            yield from pairs
