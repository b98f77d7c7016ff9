"""JSON and geo filter throughput: a filtered Lakebeam read (through Flight) against pyarrow
reading the same Parquet files plus pandas/numpy evaluating the same predicate, in one run.
Prints rows scanned per second, matching rows (which must agree) and the ratio.

    bench/.venv/bin/python bench/filters_bench.py [--files 10] [--rows 20000] [--repeat 3]
    bench/.venv/bin/python bench/filters_bench.py --smoke

Geo is measured twice: on a struct<lon, lat> column, whose column bounds let Lakebeam skip data
files (one region per file), and on the same points as WKT text, which cannot be pruned.
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
from lakebeam import LakebeamClient  # noqa: E402

R = 6_371_008.8


def write_files(folder: str, files: int, rows: int) -> None:
    rng = np.random.default_rng(16)
    for f in range(files):
        clon, clat = -170 + 340 * f / max(1, files - 1), -50 + 100 * ((f * 7) % files) / files
        lon = clon + (rng.random(rows) - 0.5) * 2
        lat = clat + (rng.random(rows) - 0.5) * 2
        langs = rng.choice(["en", "de", "fr"], size=rows)
        ns = rng.integers(0, 100, size=rows)
        tags = [["red", "x"], ["blue"], ["green", "y", "x"], []]
        meta = [
            json.dumps({"lang": str(l), "n": int(n), "tags": tags[i % 4], "pad": "p" * 40})
            for i, (l, n) in enumerate(zip(langs, ns))
        ]
        table = pa.table(
            {
                "id": np.arange(f * rows, (f + 1) * rows, dtype=np.int64),
                "meta": meta,
                "loc": pa.StructArray.from_arrays([pa.array(lon), pa.array(lat)], names=["lon", "lat"]),
                "wkt": [f"POINT({a!r} {b!r})" for a, b in zip(lon.tolist(), lat.tolist())],
                "embedding": pa.array(list(rng.normal(size=(rows, 4)).astype(np.float32)), pa.list_(pa.float32())),
            }
        )
        pq.write_table(table, os.path.join(folder, f"region-{f:03d}.parquet"))


def haversine(lon, lat, plon, plat):
    p1, p2 = np.radians(lat), np.radians(plat)
    s1 = np.sin((p2 - p1) / 2)
    s2 = np.sin(np.radians(plon - lon) / 2)
    h = s1 * s1 + np.cos(p1) * np.cos(p2) * s2 * s2
    return 2 * R * np.arcsin(np.sqrt(np.minimum(1.0, h)))


def pandas_json(files):
    df = pd.concat([pq.read_table(f, columns=["id", "meta"]).to_pandas() for f in files])
    objs = df["meta"].map(json.loads)
    mask = objs.map(lambda m: m.get("lang") == "en" and isinstance(m.get("n"), int) and m["n"] > 50
                    and "x" in m.get("tags", []))
    return len(df), int(mask.sum())


def pandas_geo_struct(files, lon, lat, meters):
    t = pa.concat_tables([pq.read_table(f, columns=["id", "loc"]) for f in files])
    loc = t.column("loc").combine_chunks()
    d = haversine(lon, lat, loc.field("lon").to_numpy(), loc.field("lat").to_numpy())
    return t.num_rows, int((d <= meters).sum())


def pandas_geo_wkt(files, lon, lat, meters):
    df = pd.concat([pq.read_table(f, columns=["id", "wkt"]).to_pandas() for f in files])
    xy = df["wkt"].str.extract(r"POINT\(([-0-9.e]+) ([-0-9.e]+)\)").astype(float)
    d = haversine(lon, lat, xy[0].to_numpy(), xy[1].to_numpy())
    return len(df), int((d <= meters).sum())


def best_of(repeat, fn):
    best, out = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--rows", type=int, default=20_000, help="rows per file")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--smoke", action="store_true", help="4 files x 5,000 rows, one repeat")
    args = ap.parse_args()
    if args.smoke:
        args.files, args.rows, args.repeat = 4, 5_000, 1
    data = tempfile.mkdtemp(prefix="lakebeam-filters-bench-")
    write_files(data, args.files, args.rows)
    files = sorted(glob.glob(os.path.join(data, "*.parquet")))
    lakehouse = tempfile.mkdtemp(prefix="lakebeam-filters-lake-")
    proc = subprocess.Popen([os.path.join(ROOT, "lakebeam"), "serve", "--lakehouse", lakehouse, "--port", "0",
                             "--allow-source", data], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        uri = None
        for line in proc.stdout:
            m = re.search(r"listening on (grpc://\S+)", line)
            if m:
                uri = m.group(1)
                break
        if uri is None:
            sys.exit("Cannot run: the Lakebeam server exited before listening")
        client = LakebeamClient(uri)
        client.create_external_collection("filters_bench", os.path.join(data, "*.parquet"))
        c_lon, c_lat = -170 + 340 * 3 / max(1, args.files - 1), -50 + 100 * ((3 * 7) % args.files) / args.files
        meters = 50_000
        cases = [
            ("JSON path + json_contains",
             "meta[\"lang\"] = 'en' AND meta[\"n\"] > 50 AND json_contains(meta[\"tags\"], 'x')",
             lambda: pandas_json(files)),
            ("geo, struct point (pruned)", f"st_dwithin(loc, POINT({c_lon!r} {c_lat!r}), {meters})",
             lambda: pandas_geo_struct(files, c_lon, c_lat, meters)),
            ("geo, WKT text (no pruning)", f"st_dwithin(wkt, POINT({c_lon!r} {c_lat!r}), {meters})",
             lambda: pandas_geo_wkt(files, c_lon, c_lat, meters)),
        ]
        total = args.files * args.rows
        print(f"{args.files} files x {args.rows} rows = {total} rows; best of {args.repeat}")
        print(f"{'predicate':32} {'matches':>8} {'lakebeam s':>11} {'Mrows/s':>8} {'pandas s':>9} {'Mrows/s':>8} {'ratio':>6}")
        ok = True
        for label, text, reference in cases:
            client.query("filters_bench", filter=text, output_fields=["id"])  # warm-up
            t_lb, got = best_of(args.repeat, lambda: client.query("filters_bench", filter=text, output_fields=["id"]).num_rows)
            t_pd, (scanned, want) = best_of(args.repeat, reference)
            ok &= got == want
            print(f"{label:32} {got:>8} {t_lb:>11.3f} {total / t_lb / 1e6:>8.2f} {t_pd:>9.3f} "
                  f"{scanned / t_pd / 1e6:>8.2f} {t_pd / t_lb:>5.2f}x" + ("" if got == want else f"  MISMATCH pandas={want}"))
        print("ratio = pandas time / Lakebeam time (higher is better for Lakebeam)")
        return 0 if ok else 1
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
