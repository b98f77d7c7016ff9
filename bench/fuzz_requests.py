"""Structure-aware fuzzing of the Flight protocol: malformed requests of every kind, sent to a real
server, counted by the status that came back. Target (issue 15): 0 server crashes and 0 INTERNAL
(or UNKNOWN) statuses over 100,000 requests.

    .venv/bin/python bench/fuzz_requests.py --requests 100000      # full run (minutes)
    .venv/bin/python bench/fuzz_requests.py --smoke                # 2,000 requests (seconds)

Every request starts from a valid one of its kind (search and read tickets, read and search
commands of GetFlightInfo, DoPut commands, the body of every action) and is then broken in one
or more ways: wrong types, missing or unknown keys, huge or negative numbers, deep nesting (in
JSON and in filters), bad vectors (wrong dimension, zero, empty, ragged, non-finite, bad base64),
random bytes, truncated JSON, non-object JSON. Starts ``./lakebeam serve`` on a temporary
lakehouse (or uses ``--lakebeam grpc://HOST:PORT``), seeds a small collection, and checks after
every 1,000 requests that the server still answers. Exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import base64
import collections
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.flight as fl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIM = 8
COLLECTION = "fuzz_docs"
STATUS_RE = re.compile(r"(?:Flight|gRPC) returned (?P<phrase>[a-z -]+?) error, with message: ")
BAD_STATUSES = ("INTERNAL", "UNKNOWN", "CRASH")


# ---- the server ----


def start_server(extra: list[str]) -> tuple[subprocess.Popen, str, str]:
    lakehouse = tempfile.mkdtemp(prefix="lakebeam-fuzz-")
    proc = subprocess.Popen(
        [os.path.join(ROOT, "lakebeam"), "serve", "--lakehouse", lakehouse, "--port", "0", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        m = re.search(r"listening on (grpc://\S+)", line)
        if m:
            threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
            return proc, m.group(1), lakehouse
    raise RuntimeError("Cannot fuzz: the Lakebeam server exited before listening")


def action(client: fl.FlightClient, name: str, body: dict) -> dict:
    results = list(client.do_action(fl.Action(name, json.dumps(body).encode())))
    return json.loads(results[0].body.to_pybytes()) if results else {}


def seed(client: fl.FlightClient, scratch: str) -> None:
    """A 300-row collection with an index, and a junk file for external sources."""
    schema = {"id": "long", "lang": "string", "year": "int", "text": "string",
              "embedding": f"float_vector({DIM})"}
    action(client, "create_collection", {"collection": COLLECTION, "schema": schema,
                                         "metric": "cosine", "if_not_exists": True})
    rnd = random.Random(7)
    n = 300
    table = pa.table({
        "id": pa.array(range(n), pa.int64()),
        "lang": pa.array([["en", "de", "fr"][i % 3] for i in range(n)]),
        "year": pa.array([2010 + i % 15 for i in range(n)], pa.int32()),
        "text": pa.array([f"row {i}" for i in range(n)]),
        "embedding": pa.array([[rnd.gauss(0, 1) for _ in range(DIM)] for _ in range(n)],
                              pa.list_(pa.float32())),
    })
    writer, reader = client.do_put(fl.FlightDescriptor.for_path(COLLECTION), table.schema)
    writer.write_table(table)
    writer.done_writing()
    reader.read()
    writer.close()
    action(client, "create_index", {"collection": COLLECTION})
    with open(os.path.join(scratch, "junk.parquet"), "wb") as f:
        f.write(b"not parquet at all" * 10)


# ---- values that break things ----


def deep_json(depth: int, rnd: random.Random) -> str:
    o, c = ("[", "]") if rnd.random() < 0.5 else ('{"a":', "}")
    return o * depth + "1" + c * depth


def bad_value(rnd: random.Random) -> object:
    return rnd.choice([
        None, True, False, 0, -1, -2**31 - 1, 2**31, 2**63, -2**63 - 1, 10**30, 1.5, -0.0, 1e308,
        -1e308, "", "x", "\u0000", "é" * 3, "x" * rnd.choice([1_000, 100_000]), [], {}, [None],
        [[]], {"": None}, [1, "a"], {"nested": {"deeper": [1, 2, {"x": []}]}},
        rnd.randint(-10**6, 10**6), rnd.random() * 10**rnd.randint(-5, 40),
    ])


def huge_number(rnd: random.Random) -> object:
    return rnd.choice([0, -1, -10**9, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**64, 10**100,
                       1e-300, 3.5, 1e18, 100_000, 1_000_000, 10_001])


def bad_filter(rnd: random.Random) -> str:
    tokens = ["lang", "year", "id", "text", "embedding", "nope", "'en'", "'", "''", "2020", "-1",
              "1e999", "99999999999999999999", "=", "!=", "<>", "<", ">=", "AND", "OR", "NOT",
              "IN", "(", ")", ",", "IS", "NULL", "LIKE", "'a%'", "'%a'", "BETWEEN", "\"odd\"",
              "true", "@", "\u00e9", ";", "--", "*"]
    kind = rnd.random()
    if kind < 0.15:
        n = rnd.choice([65, 1_000, 8_000])
        return "(" * n + "lang = 'en'" + ")" * n
    if kind < 0.25:
        return "NOT " * rnd.choice([65, 4_000]) + "year > 1"
    if kind < 0.35:
        return " OR ".join(f"id = {i}" for i in range(rnd.choice([10, 1_000, 3_000])))
    if kind < 0.45:
        return "x" * rnd.choice([16_385, 50_000])
    return " ".join(rnd.choice(tokens) for _ in range(rnd.randint(1, 12)))


def bad_vectors(rnd: random.Random) -> dict:
    kind = rnd.randrange(12)
    if kind == 0:
        return {"vectors": [[0.0] * DIM]}  # zero under cosine
    if kind == 1:
        return {"vectors": [[1.0] * rnd.choice([1, DIM - 1, DIM + 1, 1000])]}
    if kind == 2:
        return {"vectors": []}
    if kind == 3:
        return {"vectors": [[1.0] * DIM, [1.0] * (DIM - 2)]}
    if kind == 4:
        return {"vectors": [["a"] * DIM]}
    if kind == 5:
        return {"vectors": [[1e39] * DIM]}  # overflows float32
    if kind == 6:
        return {"vectors_f32": "%%%not base64", "dim": DIM}
    if kind == 7:
        return {"vectors_f32": base64.b64encode(b"\x00" * rnd.randint(1, 40)).decode(),
                "dim": rnd.choice([DIM, 3, 0, -1, 2**31, None])}
    if kind == 8:
        nan = struct.pack("<f", float("nan")) * DIM
        return {"vectors_f32": base64.b64encode(nan).decode(), "dim": DIM}
    if kind == 9:
        return {"vectors": [[1.0] * DIM] * rnd.choice([1_025, 5_000])}
    if kind == 10:
        return {"texts": rnd.choice([[], [""], [1, 2], ["a"] * 2_000, "not a list"])}
    return {"vectors": bad_value(rnd)}


# ---- requests ----


def valid_search(rnd: random.Random) -> dict:
    return {"v": 1, "type": "search", "collection": COLLECTION,
            "vectors": [[rnd.gauss(0, 1) for _ in range(DIM)]], "top_k": 5,
            "filter": "lang = 'en'", "output_fields": ["id", "text"]}


def valid_read(rnd: random.Random) -> dict:
    return {"v": 1, "type": "read", "collection": COLLECTION, "columns": ["id", "lang"],
            "filter": "year >= 2015", "limit": 50, "splits": 2}


def valid_actions(scratch: str) -> dict[str, dict]:
    return {
        "list_collections": {},
        "describe_collection": {"collection": COLLECTION},
        "create_collection": {"collection": "fuzz_scratch", "schema": {"id": "long"},
                              "if_not_exists": True},
        "create_external_collection": {"collection": "fuzz_external",
                                       "src": os.path.join(scratch, "*.parquet")},
        "create_index": {"collection": COLLECTION, "params": {"m": 8, "ef_construction": 50}},
        "refresh": {"collection": COLLECTION},
        "drop_index": {"collection": "fuzz_scratch", "field": "embedding"},
        "pin_collection": {"collection": COLLECTION, "pinned": False},
        "server_status": {},
        "drop_collection": {"collection": "fuzz_scratch"},
        "get_context": {"name": "kb", "topic": "t"},
        "diff_context": {"name": "kb", "topic": "t", "from": 1, "to": 2},
        "list_context": {},
    }


# Keys that name something the server would act on for real: fuzzed values are kept harmless
# (scratch names, sources inside the scratch directory) so a run never drops the seeded collection
# or walks the file system.
SAFE_NAMES = ["fuzz_scratch", "fuzz_external", "nope", "", "a" * 300, "../x", "ns.t", "x y"]


def mutate(base: dict, rnd: random.Random, kind: str, scratch: str) -> dict:
    req = json.loads(json.dumps(base).replace("fuzz_scratch", rnd.worker_scratch)
                     .replace("fuzz_external", rnd.worker_scratch + "_ext"))
    for _ in range(rnd.randint(1, 3)):
        op = rnd.randrange(9)
        keys = list(req)
        if op == 0 and keys:
            req.pop(rnd.choice(keys))
        elif op == 1:
            known = rnd.choice(keys or ["collection"])
            typo = rnd.choice([known[:-1], known + "s", known.upper(), "filer", "topk", "x" * 80])
            req[typo] = bad_value(rnd)
        elif op == 2 and keys:
            req[rnd.choice(keys)] = bad_value(rnd)
        elif op == 3:
            req[rnd.choice(["top_k", "ef", "limit", "splits", "dim", "snapshot_id", "version",
                            "from", "to", "v"])] = huge_number(rnd)
        elif op == 4:
            req["filter"] = bad_filter(rnd)
        elif op == 5 and kind.startswith("search"):
            for k in ("vectors", "vectors_f32", "dim", "texts"):
                req.pop(k, None)
            req.update(bad_vectors(rnd))
        elif op == 6:
            req["type"] = rnd.choice(["search", "read", "insert", "SEARCH", "", None, 1, "drop"])
        elif op == 7:
            req[rnd.choice(["columns", "output_fields", "files", "schema", "params"])] = rnd.choice(
                [["nope"], ["embedding"], [""], "id", [1], {"id": "long"}, {"id": "nope"},
                 {"m": -1}, {"m": 10**9}, {"ef_construction": 10**9}, {"x": 1}, ["/etc/passwd"]])
        else:
            req[rnd.choice(["collection", "name", "topic", "table", "field"])] = rnd.choice(
                [n.replace("fuzz_scratch", rnd.worker_scratch) for n in SAFE_NAMES] + [bad_value(rnd)])
    if "src" in req and isinstance(req["src"], str):
        req["src"] = rnd.choice([os.path.join(scratch, "*.parquet"),
                                 os.path.join(scratch, "junk.parquet"),
                                 os.path.join(scratch, "missing", "*.parquet"), ""])
    if kind.startswith("action:") and req.get("collection") == COLLECTION and kind in (
            "action:drop_collection", "action:drop_index"):
        req["collection"] = rnd.worker_scratch
    return req


def encode(req: object, rnd: random.Random) -> bytes:
    """JSON of the request, or a broken form of it (1 in 6)."""
    r = rnd.random()
    if r < 0.04:
        return bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 200)))
    if r < 0.08:
        body = json.dumps(req).encode()
        return body[: rnd.randint(0, max(0, len(body) - 1))]
    if r < 0.10:
        return rnd.choice([b"[]", b"1", b'"x"', b"null", b"true", b"{}", b"{", b"\xff\xfe",
                           b'{"a":1}{"b":2}', b'{"v":1,"v":2}'])
    if r < 0.13:
        return ('{"v":1,"type":"search","collection":"%s","vectors":%s}'
                % (COLLECTION, deep_json(rnd.choice([500, 5_000, 100_000]), rnd))).encode()
    if r < 0.15:
        return json.dumps(req).replace("}", ',"filter":NaN}', 1).encode()
    return json.dumps(req, allow_nan=True).encode()


# ---- the run ----


def status_of(e: BaseException) -> str:
    m = STATUS_RE.search(str(e))
    if m:
        return m.group("phrase").upper().replace(" ", "_").replace("-", "_")
    for cls, name in ((fl.FlightUnavailableError, "UNAVAILABLE"),
                      (fl.FlightTimedOutError, "DEADLINE_EXCEEDED"),
                      (fl.FlightCancelledError, "CANCELLED"),
                      (fl.FlightInternalError, "INTERNAL"),
                      (fl.FlightServerError, "SERVER_ERROR")):
        if isinstance(e, cls):
            return name
    if isinstance(e, KeyError):
        return "NOT_FOUND"
    if isinstance(e, pa.ArrowInvalid):
        return "INVALID_ARGUMENT"
    if isinstance(e, pa.ArrowNotImplementedError):
        return "UNIMPLEMENTED"
    return "CLIENT:" + type(e).__name__


def one(client: fl.FlightClient, rnd: random.Random, scratch: str, actions: dict) -> tuple[str, str, str]:
    kinds = ["doget:search", "doget:read", "info:search", "info:read", "doput:insert"] + [
        "action:" + a for a in actions]
    kind = rnd.choice(kinds)
    options = fl.FlightCallOptions(timeout=60)
    try:
        if kind.startswith("doget:"):
            base = valid_search(rnd) if kind.endswith("search") else valid_read(rnd)
            if kind.endswith("read") and rnd.random() < 0.5:
                base.update({"snapshot_id": rnd.choice([1, -1, 2**62]), "files": rnd.choice(
                    [["/etc/passwd"], [], "x", [os.path.join(scratch, "junk.parquet")]])})
            body = encode(mutate(base, rnd, kind, scratch), rnd)
            client.do_get(fl.Ticket(body), options).read_all()
        elif kind.startswith("info:"):
            base = valid_search(rnd) if kind.endswith("search") else valid_read(rnd)
            body = encode(mutate(base, rnd, kind, scratch), rnd)
            client.get_flight_info(fl.FlightDescriptor.for_command(body), options)
        elif kind == "doput:insert":
            base = {"v": 1, "type": "insert", "collection": rnd.worker_scratch}
            body = encode(mutate(base, rnd, kind, scratch), rnd)
            table = pa.table({"id": pa.array([1, 2], pa.int64())}) if rnd.random() < 0.7 else \
                pa.table({"nope": pa.array(["a"]), "id": pa.array(["x"])})
            writer, reader = client.do_put(fl.FlightDescriptor.for_command(body), table.schema, options)
            writer.write_table(table)
            writer.done_writing()
            reader.read()
            writer.close()
        else:
            name = kind.split(":", 1)[1]
            if rnd.random() < 0.02:
                name = rnd.choice(["", "nope", "drop_collections", "x" * 1000])
            body = encode(mutate(actions[name] if name in actions else {}, rnd, kind, scratch), rnd)
            list(client.do_action(fl.Action(name, body), options))
        return kind, "OK", ""
    except Exception as e:  # noqa: BLE001 - every failure is counted by its status
        return kind, status_of(e), str(e)[:300]


def alive(uri: str) -> bool:
    try:
        return "collections" in action(fl.connect(uri), "list_collections", {})
    except Exception:  # noqa: BLE001
        return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=100_000)
    ap.add_argument("--smoke", action="store_true", help="2,000 requests")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--lakebeam", default="auto", help="auto (start one) or grpc://HOST:PORT")
    ap.add_argument("--out", help="write the summary as JSON here")
    args = ap.parse_args()
    total = 2_000 if args.smoke else args.requests
    proc, lakehouse = None, None
    uri = args.lakebeam
    scratch = tempfile.mkdtemp(prefix="lakebeam-fuzz-src-")
    if uri == "auto":
        proc, uri, lakehouse = start_server([])
    counts: collections.Counter = collections.Counter()
    by_kind: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    bad: list[tuple[str, str, str]] = []
    lock = threading.Lock()
    crashed = False
    start = time.time()
    try:
        seed(fl.connect(uri), scratch)
        actions = valid_actions(scratch)

        def worker(w: int) -> None:
            nonlocal crashed
            rnd = random.Random(args.seed * 1000 + w)
            rnd.worker_scratch = f"fuzz_scratch_{w}"  # its own: drops race only its own calls
            client = fl.connect(uri)
            n = total // args.workers + (1 if w < total % args.workers else 0)
            for i in range(n):
                kind, status, message = one(client, rnd, scratch, actions)
                with lock:
                    counts[status] += 1
                    by_kind[kind][status] += 1
                    if status in BAD_STATUSES or status.startswith(("CLIENT:", "SERVER_ERROR")):
                        bad.append((kind, status, message))
                if (i + 1) % 1_000 == 0 and not alive(uri):
                    with lock:
                        crashed = True
                    return

        with ThreadPoolExecutor(args.workers) as ex:
            list(ex.map(worker, range(args.workers)))
        if proc is not None and proc.poll() is not None:
            crashed = True
        crashed = crashed or not alive(uri)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)
        if lakehouse:
            shutil.rmtree(lakehouse, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
    seconds = time.time() - start
    internal = sum(counts[s] for s in ("INTERNAL", "UNKNOWN"))
    summary = {"requests": sum(counts.values()), "seconds": round(seconds, 1),
               "server_crashed": crashed, "internal_or_unknown": internal,
               "statuses": dict(counts.most_common()),
               "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())},
               "bad_examples": bad[:20]}
    print(json.dumps(summary, indent=1))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(summary, f, indent=1)
    ok = not crashed and internal == 0 and not bad
    print(f"fuzz: {summary['requests']} requests in {seconds:.0f} s, crashed={crashed}, "
          f"INTERNAL/UNKNOWN={internal}, other unexpected={len(bad) - internal}: "
          f"{'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
