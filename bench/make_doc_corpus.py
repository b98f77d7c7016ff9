#!/usr/bin/env python3
"""Builds a corpus of real documents for the end-to-end ingest benchmark (ingest_bench.py).

The documents are what Debian installs: man pages (troff, and rendered to plain text with groff),
HTML manuals, PDFs, EPUBs, READMEs/changelogs/Markdown/reStructuredText, e-mail messages (CPython's
``test_email`` data) and the odd DOCX/ODT. Nothing is synthetic unless ``--smoke`` finds too
little on the machine (then documents are assembled from ``textsources.py`` passages).

Sources:

* the running system: /usr/share/man, /usr/share/doc, /usr/share/common-licenses, the Python
  installations of ``textsources.python_roots()``;
* full mode only: the documentation packages of ``DOC_PACKAGES``, fetched with
  ``apt-get download`` and unpacked with ``dpkg-deb -x`` under bench/data/debs/ (nothing is
  installed, no root needed; ``--no-debs`` skips them).

Selection is deterministic on one machine: every pool is sorted, then shuffled with ``--seed``;
files with the same content are kept once (sha256 of what is written). Rare formats (PDF, EPUB,
e-mail, office) are all taken (up to a tenth of the corpus each), the rest is split between HTML
(40%), plain text (20%) and man pages (20% troff, 20% rendered to text); no package gives more
than a quarter of a kind while others have files left (gcloud alone installs 17,500 man pages).

Output (all gitignored, under bench/data/):

* ``docs/`` (or ``docs-smoke/``): ``<kind>/<NNNNN>-<original name>``, one document per file,
  ``.gz`` sources decompressed; nothing else in the folder, so files in == documents;
* ``docs-MANIFEST.tsv`` (beside the folder, not in it): path, bytes, sha256, package, kind, source;
* ``docs-bad/``: deliberately broken files (empty, random bytes, truncated PDF, truncated DOCX),
  the same on every machine, for the in = out + failures check; ``docs-bad-MANIFEST.tsv``.

Usage::

    python3 bench/make_doc_corpus.py --smoke           # 50 documents, seconds, no apt (CI)
    nice python3 bench/make_doc_corpus.py               # 12,000 documents (fetches DOC_PACKAGES)
    nice python3 bench/make_doc_corpus.py --max-kb 16 --out bench/data/docs-16k   # small files
    python3 bench/make_doc_corpus.py --size 20000 --no-debs --out /tmp/docs
"""

from __future__ import annotations

import argparse
import collections
import glob
import gzip
import hashlib
import html
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
sys.path.insert(0, HERE)
import textsources  # noqa: E402

# Debian documentation packages fetched (not installed) in full mode, and what they bring.
DOC_PACKAGES = [
    "debian-handbook",                # HTML, 25 languages (~3,300 pages)
    "octave-doc",                     # HTML (~2,900 pages) + 5 PDFs
    "sqlite3-doc",                    # HTML (~770)
    "gnuplot-doc",                    # HTML (~650)
    "python3.11-doc",                 # HTML (~530) + reST sources as .txt (~500)
    "git-doc",                        # HTML (~240) + AsciiDoc .txt (~290)
    "debian-policy",                  # HTML + text
    "developers-reference",           # HTML + text
    "debian-faq",                     # HTML
    "debian-reference-en",            # HTML + 1 PDF
    "debian-history",                 # HTML, text, 10 PDFs, 10 EPUBs
    "asymptote-doc",                  # HTML + 10 PDFs
    "r-doc-pdf",                      # 17 PDF manuals
    "texlive-latex-recommended-doc",  # ~155 PDFs (LaTeX package manuals)
    "python3-docx",                   # one real .docx (its default template)
]
SYSTEM_ROOTS = ["/usr/share/man", "/usr/share/doc", "/usr/share/common-licenses"]

RARE = ["pdf", "epub", "office", "email"]          # every one found is taken
WEIGHTS = {"html": 40, "text": 20, "man-roff": 20, "man-txt": 20}
SMOKE_SIZE = 50
MAX_BYTES = 64 << 20                                # larger files are left out
SMOKE_MAX_BYTES = (32 << 10, 256 << 10)             # smoke: (common, rare kinds): few chunks
RARE_MIN_CAP = 512 << 10                            # --max-kb keeps rare kinds up to this
MAN_RE = re.compile(r"/man/(?:[^/]+/)?man\w+/[^/]+\.\d\w*(\.gz)?$")
TEXT_RE = re.compile(
    r"(?i)(^|/)(readme[^/]*|news[^/]*|changelog[^/]*|changes[^/]*|copyright|authors[^/]*"
    r"|todo[^/]*|faq[^/]*|[^/]*\.(txt|md|markdown|rst))(\.gz)?$")
EXT_KIND = {".pdf": "pdf", ".epub": "epub", ".html": "html", ".htm": "html", ".xhtml": "html",
            ".docx": "office", ".odt": "office", ".ods": "office", ".odp": "office",
            ".xlsx": "office", ".pptx": "office", ".rtf": "office", ".eml": "email"}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# sources


def fetch_debs(debs_dir: str) -> dict[str, str]:
    """apt-get download + dpkg-deb -x each DOC_PACKAGES entry; returns {package: version}."""
    cache = os.path.join(debs_dir, "_deb")
    os.makedirs(cache, exist_ok=True)
    have = {os.path.basename(p).split("_")[0]: p for p in glob.glob(os.path.join(cache, "*.deb"))}
    missing = [p for p in DOC_PACKAGES if p not in have]
    if missing:
        log(f"apt-get download {' '.join(missing)}")
        r = subprocess.run(["apt-get", "download", *missing], cwd=cache, capture_output=True,
                           text=True)
        if r.returncode != 0:
            log(f"WARNING: apt-get download failed ({r.stderr.strip()[-300:]}); run "
                "'apt-get update' first? Going on with what is there.")
    versions = {}
    for deb in sorted(glob.glob(os.path.join(cache, "*.deb"))):
        pkg, ver = subprocess.run(["dpkg-deb", "-f", deb, "Package", "Version"], check=True,
                                  capture_output=True, text=True).stdout.split("\n")[:2]
        pkg, ver = pkg.split(": ", 1)[1], ver.split(": ", 1)[1]
        root = os.path.join(debs_dir, pkg)
        stamp = os.path.join(root, ".version")
        if not (os.path.exists(stamp) and open(stamp).read() == ver):
            shutil.rmtree(root, ignore_errors=True)
            subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
            with open(stamp, "w") as f:
                f.write(ver)
        versions[pkg] = ver
    return versions


def dpkg_owners() -> dict[str, str]:
    """{installed file path: package} from dpkg's file lists."""
    owners = {}
    for lst in glob.glob("/var/lib/dpkg/info/*.list"):
        pkg = os.path.basename(lst)[:-5].split(":")[0]
        with open(lst, errors="replace") as f:
            for line in f:
                owners.setdefault(line.rstrip("\n"), pkg)
    return owners


def walk(root: str) -> list[str]:
    """Regular files (no symlinks) under root, sorted."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if not os.path.islink(path) and os.path.isfile(path):
                out.append(path)
    return out


def size_of(path: str) -> int:
    """Bytes of the document: for .gz the uncompressed size (mod 4 GiB) from the gzip trailer."""
    size = os.path.getsize(path)
    if path.endswith(".gz") and size >= 18:
        with open(path, "rb") as f:
            f.seek(-4, os.SEEK_END)
            return int.from_bytes(f.read(4), "little")
    return size


def kind_of(path: str) -> str | None:
    if re.search(r"/test_email/data/msg_\d+\.txt$", path):
        return "email"
    if MAN_RE.search(path):
        return "man"
    base = path[:-3] if path.endswith(".gz") else path
    kind = EXT_KIND.get(os.path.splitext(base)[1].lower())
    if kind:
        return kind
    return "text" if TEXT_RE.search(path) else None


def pools(roots: list[tuple[str, str | None]], owners: dict[str, str],
          limit: dict[str, int]) -> dict[str, list]:
    """{kind: [(path, package)]} over (root, package-or-None-for-dpkg) pairs, sorted; files
    over limit[kind] bytes are left out."""
    found: dict[str, list] = collections.defaultdict(list)
    for root, pkg in roots:
        for path in walk(root) if os.path.isdir(root) else []:
            kind = kind_of(path)
            if kind and 0 < size_of(path) <= limit[kind]:
                found[kind].append((path, pkg or owners.get(path, "-")))
    return {k: sorted(v) for k, v in found.items()}


def python_extras() -> list[tuple[str, str]]:
    """CPython's test_email messages and office files shipped inside Python packages."""
    out = []
    for root in textsources.python_roots():
        tag = "python:" + (re.search(r"versions/([^/]+)", root) or re.search(r"(python3[.\d]*)",
                                                                              root)).group(1)
        for pattern in ("test/test_email/data/msg_*.txt", "**/*.odt", "**/*.docx"):
            out += [(p, tag) for p in sorted(glob.glob(os.path.join(root, pattern),
                                                       recursive=True))]
    return out


# ---------------------------------------------------------------------------------------------
# turning a source file into a corpus document


def read_source(path: str) -> bytes:
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        return f.read()


def render_man(path: str) -> bytes | None:
    """Plain UTF-8 text of a man page (groff -mandoc -Tutf8, no overstrikes), None if it fails."""
    try:
        src = read_source(path)
    except (OSError, EOFError):
        return None
    if re.match(rb"(\.\\\".*\n)*\.so ", src):    # an alias of another page
        return None
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")
    try:
        r = subprocess.run(["groff", "-k", "-t", "-mandoc", "-Tutf8", "-P-cbou"], input=src,
                           capture_output=True, env=env, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = r.stdout.strip()
    return text + b"\n" if r.returncode == 0 and len(text) > 200 else None


def convert(job: tuple[str, str]) -> bytes | None:
    """(kind, path) -> the bytes of the corpus document, None to skip the file."""
    kind, path = job
    if kind == "man-txt":
        return render_man(path)
    try:
        data = read_source(path)
    except (OSError, EOFError, gzip.BadGzipFile):
        return None
    if kind == "man-roff" and re.match(rb"(\.\\\".*\n)*\.so ", data):
        return None
    return data if data.strip() else None


def out_name(kind: str, path: str) -> str:
    base = os.path.basename(path[:-3] if path.endswith(".gz") else path)
    base = re.sub(r"[^\w.+-]", "_", base)
    if kind == "man-txt":
        return base + ".txt"
    if kind == "email":
        return os.path.splitext(base)[0] + ".eml"
    return base


# ---------------------------------------------------------------------------------------------
# selection


def quotas(avail: dict[str, int], size: int) -> dict[str, int]:
    """Rare kinds up to a tenth of the corpus each, the rest by WEIGHTS; a kind short of its
    share passes it on to the kinds after it."""
    q = {k: min(avail.get(k, 0), max(2, size // 10)) for k in RARE}
    left = max(0, size - sum(q.values()))
    kinds = sorted(WEIGHTS, key=lambda k: avail.get(k, 0) / WEIGHTS[k])
    wleft = sum(WEIGHTS.values())
    for k in kinds:
        q[k] = min(avail.get(k, 0), round(left * WEIGHTS[k] / wleft))
        left, wleft = left - q[k], wleft - WEIGHTS[k]
    return q


def converted(kind: str, items: list, pool, batch: int = 32):
    """Yields (path, package, bytes) of the items that convert; man pages render in the pool."""
    for s in range(0, len(items), batch):
        part = items[s:s + batch]
        jobs = [(kind, path) for path, _ in part]
        datas = pool.map(convert, jobs) if kind == "man-txt" else map(convert, jobs)
        for (path, pkg), data in zip(part, datas):
            if data is not None:
                yield path, pkg, data


def package_capped(items: list, cap: int) -> list:
    """The same items, those past the first `cap` of their package moved to the back (stable)."""
    seen: collections.Counter = collections.Counter()
    ranked = []
    for i, (path, pkg) in enumerate(items):
        ranked.append((seen[pkg] >= cap, i, (path, pkg)))
        seen[pkg] += 1
    return [item for *_, item in sorted(ranked)]


def select(found: dict[str, list], size: int, seed: int, workers: int) -> list[tuple]:
    """(kind, source path, package, bytes, sha256) of up to `size` unique documents."""
    rng = random.Random(seed)
    cand = {k: list(found.get(k, [])) for k in RARE + ["html", "text", "man"]}
    for items in cand.values():
        rng.shuffle(items)
    man = cand.pop("man")
    cand["man-roff"], cand["man-txt"] = man[0::2], man[1::2]
    q = quotas({k: len(v) for k, v in cand.items()}, size)
    log("quotas: " + ", ".join(f"{k} {n}" for k, n in q.items()))
    for kind, items in cand.items():        # no package gets more than a quarter of a kind
        cand[kind] = package_capped(items, max(2, q[kind] // 4))
    seen: set[str] = set()
    docs: list[tuple] = []
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        gens = {k: converted(k, items, pool) for k, items in cand.items()}

        def take(kind: str, n: int) -> None:
            got = 0
            for path, pkg, data in gens[kind]:
                digest = hashlib.sha256(data).hexdigest()
                if digest not in seen:
                    seen.add(digest)
                    docs.append((kind, path, pkg, data, digest))
                    got += 1
                if got >= n:
                    return

        for kind in cand:
            if q[kind]:
                take(kind, q[kind])
        for kind in WEIGHTS:              # top up kinds that lost files to duplicates
            if len(docs) < size:
                take(kind, size - len(docs))
    return docs


def generated_docs(n: int, seed: int):
    """Fallback for machines without documentation: docs of 20 real passages each."""
    passages = [t for _, t in textsources.iter_passages(max_files_per_source=40)]
    random.Random(seed).shuffle(passages)
    for i in range(n):
        paras = passages[i * 20:(i + 1) * 20] or ["(no text found on this machine)"]
        fmt = ("txt", "html", "md")[i % 3]
        if fmt == "html":
            body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
            text = f"<!DOCTYPE html>\n<html><head><title>doc {i}</title></head><body>\n" \
                   f"<h1>Document {i}</h1>\n{body}\n</body></html>\n"
        elif fmt == "md":
            text = f"# Document {i}\n\n" + "\n\n".join(paras) + "\n"
        else:
            text = "\n\n".join(paras) + "\n"
        yield "generated", f"generated-{i:05d}.{fmt}", "generated:textsources", text.encode()


# ---------------------------------------------------------------------------------------------
# output


def write_docs(out: str, manifest: str, docs) -> list[tuple]:
    shutil.rmtree(out, ignore_errors=True)
    rows = []
    for i, (kind, src, pkg, data, digest) in enumerate(docs):
        rel = os.path.join(kind, f"{i:05d}-{out_name(kind, src)}")
        os.makedirs(os.path.join(out, kind), exist_ok=True)
        with open(os.path.join(out, rel), "wb") as f:
            f.write(data)
        rows.append((rel, len(data), digest, pkg, kind, src))
    with open(manifest, "w") as f:
        f.write("path\tbytes\tsha256\tpackage\tkind\tsource\n")
        f.writelines("\t".join(map(str, r)) + "\n" for r in rows)
    return rows


def mime_types(out: str, rels: list[str]) -> list[str]:
    """`file --mime-type` of each document (what a content sniffer sees)."""
    mimes = []
    for s in range(0, len(rels), 500):
        r = subprocess.run(["file", "-b", "--mime-type", *rels[s:s + 500]], cwd=out,
                           capture_output=True, text=True)
        mimes += r.stdout.splitlines() if r.returncode == 0 else ["?"] * len(rels[s:s + 500])
    return mimes


def summary(out: str, rows: list[tuple]) -> None:
    mb = sum(r[1] for r in rows) / 1e6
    print(f"\n{len(rows)} documents, {mb:.1f} MB in {out}")
    by_kind = collections.Counter(r[4] for r in rows)
    bytes_kind = collections.Counter()
    for r in rows:
        bytes_kind[r[4]] += r[1]
    print("\nkind          docs       MB")
    for k, n in by_kind.most_common():
        print(f"{k:<12} {n:>5} {bytes_kind[k] / 1e6:>8.2f}")
    exts = collections.Counter((os.path.splitext(r[0])[1] or "(none)").lower() for r in rows)
    print("\nextension: " + ", ".join(f"{e} {n}" for e, n in exts.most_common()))
    if shutil.which("file"):
        mimes = collections.Counter(mime_types(out, [r[0] for r in rows]))
        print("mime (file --mime-type): " + ", ".join(f"{m} {n}" for m, n in mimes.most_common()))
    pkgs = collections.Counter(r[3] for r in rows)
    print(f"packages: {len(pkgs)}; most documents from: "
          + ", ".join(f"{p} {n}" for p, n in pkgs.most_common(12)))


def write_bad(out: str, seed: int) -> None:
    """Broken files that an ingest must count as failures (or skips), never lose. They do not
    depend on the machine: the PDF and the DOCX are made here, valid, then cut."""
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    rng = random.Random(seed)
    pdf, docx = small_pdf(), small_docx()
    files = {
        "empty.txt": b"",
        "junk.bin": bytes(rng.getrandbits(8) for _ in range(64 << 10)),
        "truncated.pdf": pdf[: len(pdf) // 2],
        "truncated.docx": docx[: len(docx) // 2],
    }
    with open(out.rstrip("/") + "-MANIFEST.tsv", "w") as f:
        f.write("path\tbytes\tsha256\tpackage\tkind\tsource\n")
        for name, data in sorted(files.items()):
            with open(os.path.join(out, name), "wb") as doc:
                doc.write(data)
            f.write(f"{name}\t{len(data)}\t{hashlib.sha256(data).hexdigest()}\t-\tbad\tmade\n")
    log(f"wrote {len(files)} broken files to {out}")


def small_pdf() -> bytes:
    """A valid one-page PDF; the catalog, xref and trailer come last, so half of it has none."""
    lines = "".join(f"BT /F1 10 Tf 40 {800 - 12 * i} Td (Line {i} of a PDF cut in half.) Tj ET\n"
                    for i in range(60)).encode()
    objs = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length %d >>\nstream\n" % len(lines) + lines + b"endstream",
            b"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 595 842] /Contents 2 0 R "
            b"/Resources << /Font << /F1 1 0 R >> >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Catalog /Pages 4 0 R >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def small_docx() -> bytes:
    """A small valid DOCX (zip of WordprocessingML), so that its truncation is a real DOCX's."""
    import io
    import zipfile

    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
        '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
        'main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
        'org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '</Relationships>',
        "word/document.xml": '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxml'
        'formats.org/wordprocessingml/2006/main"><w:body>' + "".join(
            f"<w:p><w:r><w:t>Paragraph {i} of a document cut in half.</w:t></w:r></w:p>"
            for i in range(200)) + "</w:body></w:document>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), text)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--size", type=int, default=12_000, help="documents (default 12000)")
    p.add_argument("--smoke", action="store_true", help=f"{SMOKE_SIZE} documents, no apt")
    p.add_argument("--out", help="corpus folder (default bench/data/docs[-smoke])")
    p.add_argument("--no-debs", action="store_true", help="do not fetch DOC_PACKAGES")
    p.add_argument("--seed", type=int, default=20261127)
    p.add_argument("--workers", type=int, default=2, help="processes rendering man pages")
    p.add_argument("--max-kb", type=int, help="leave out files over K KiB (PDF/EPUB/office/"
                   "e-mail: over max(K, 512)); default 64 MiB, smoke 32 KiB (rare kinds 256)")
    a = p.parse_args(argv)
    if a.smoke:
        a.size = SMOKE_SIZE if a.size == 12_000 else a.size
    out = os.path.abspath(a.out or os.path.join(DATA, "docs-smoke" if a.smoke else "docs"))
    t0 = time.time()

    roots: list[tuple[str, str | None]] = [(r, None) for r in SYSTEM_ROOTS]
    versions = {}
    if not (a.smoke or a.no_debs):
        versions = fetch_debs(os.path.join(DATA, "debs"))
        roots += [(os.path.join(DATA, "debs", pkg), f"{pkg}={v}") for pkg, v in versions.items()]
        log("packages: " + " ".join(f"{k}={v}" for k, v in versions.items()))
    common, rare = MAX_BYTES, MAX_BYTES
    if a.max_kb:
        common, rare = a.max_kb << 10, max(a.max_kb << 10, RARE_MIN_CAP)
    elif a.smoke:
        common, rare = SMOKE_MAX_BYTES
    limit = collections.defaultdict(lambda: common, {k: rare for k in RARE})
    found = pools(roots, dpkg_owners(), limit)
    for path, tag in python_extras():
        if size_of(path) <= limit[kind_of(path) or "office"]:
            found.setdefault(kind_of(path) or "office", []).append((path, tag))
    log("candidates: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(found.items())))

    docs = select(found, a.size, a.seed, a.workers)
    if len(docs) < a.size:
        if not a.smoke:
            raise SystemExit(f"Cannot build {a.size} documents: only {len(docs)} unique ones "
                             "found (fetch DOC_PACKAGES, or lower --size)")
        log(f"only {len(docs)} documents on this machine: generating {a.size - len(docs)}")
        seen = {d[4] for d in docs}
        for kind, src, pkg, data in generated_docs(a.size - len(docs), a.seed):
            if hashlib.sha256(data).hexdigest() not in seen:
                docs.append((kind, src, pkg, data, hashlib.sha256(data).hexdigest()))
    rows = write_docs(out, out.rstrip("/") + "-MANIFEST.tsv", docs)
    summary(out, rows)
    write_bad(os.path.join(os.path.dirname(out), "docs-bad"), a.seed)
    log(f"done in {time.time() - t0:.1f}s; manifest {out.rstrip('/')}-MANIFEST.tsv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
