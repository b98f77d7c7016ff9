"""An in-process stand-in for the Lakebeam server, for unit tests of the client's plumbing.

It speaks just enough of ``docs/flight-protocol.md`` (in memory, exact search, cosine only)
to check what the client sends: the JSON of each request and the headers of each call.
"""

from __future__ import annotations

import json
import threading

import numpy as np
import pyarrow as pa
import pyarrow.flight as flight


class CallHeaders(flight.ServerMiddleware):
    """The headers of one call."""

    def __init__(self, headers: dict[str, list[str]]) -> None:
        self.headers = headers


class HeaderRecorder(flight.ServerMiddlewareFactory):
    """Remembers the headers of every call."""

    def __init__(self) -> None:
        self.headers: list[dict[str, list[str]]] = []

    def start_call(self, info, headers):
        headers = {k.lower(): v for k, v in headers.items()}
        self.headers.append(headers)
        return CallHeaders(headers)


class FakeLakebeamServer(flight.FlightServerBase):
    """Collections in memory; every request is appended to ``requests``."""

    def __init__(self, *, token: str | None = None) -> None:
        self.recorder = HeaderRecorder()
        super().__init__("grpc://127.0.0.1:0", middleware={"headers": self.recorder})
        self.token = token
        self.requests: list[tuple[str, object]] = []
        self.tables: dict[str, pa.Table] = {}
        self.lock = threading.Lock()

    @property
    def uri(self) -> str:
        return f"grpc://127.0.0.1:{self.port}"

    # Flight methods ------------------------------------------------------------------------

    def do_action(self, context, action):
        self._check_token(context)
        body = json.loads(action.body.to_pybytes() or b"{}")
        self.requests.append((action.type, body))
        result = getattr(self, f"_action_{action.type}", None)
        if result is None:
            raise flight.FlightServerError(f"Unknown action: {action.type}")
        return [flight.Result(json.dumps(result(body)).encode())]

    def get_schema(self, context, descriptor):
        self._check_token(context)
        name = self._descriptor_collection(descriptor)
        return flight.SchemaResult(self._table(name).schema)

    def get_flight_info(self, context, descriptor):
        self._check_token(context)
        request = json.loads(descriptor.command)
        self.requests.append(("get_flight_info", request))
        table = self._table(request["collection"])
        splits = request.get("splits") or 3
        bounds = np.linspace(0, table.num_rows, splits + 1).astype(int)
        endpoints = [
            flight.FlightEndpoint(
                json.dumps({**request, "start": int(a), "stop": int(b)}).encode(), []
            )
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        ]
        schema = self._columns(table, request.get("columns")).schema
        return flight.FlightInfo(schema, descriptor, endpoints, table.num_rows, -1)

    def do_get(self, context, ticket):
        self._check_token(context)
        request = json.loads(ticket.ticket)
        self.requests.append(("do_get", request))
        if request.get("type") == "read":
            table = self._columns(self._table(request["collection"]), request.get("columns"))
            part = table.slice(request["start"], request["stop"] - request["start"])
            return flight.RecordBatchStream(part)
        return flight.RecordBatchStream(self._search(request))

    def do_put(self, context, descriptor, reader, writer):
        self._check_token(context)
        name = self._descriptor_collection(descriptor)
        self.requests.append(("do_put", name))
        batches = list(reader)
        added = pa.Table.from_batches([chunk.data for chunk in batches])
        schema = self._table(name).schema
        added = pa.table(
            {
                f.name: added.column(f.name)
                if f.name in added.column_names
                else pa.nulls(added.num_rows, f.type)
                for f in schema
            },
            schema=schema,
        )
        with self.lock:
            self.tables[name] = pa.concat_tables([self.tables[name], added])
        writer.write(
            json.dumps({"rows": added.num_rows, "snapshot_id": 1, "data_files": 1}).encode()
        )

    # Actions -------------------------------------------------------------------------------

    def _action_list_collections(self, body):
        return {"collections": sorted(self.tables)}

    def _action_describe_collection(self, body):
        table = self._table(body["collection"])
        vectors = {
            f.name: {"dimension": None, "metric": "cosine", "model": None}
            for f in table.schema
            if pa.types.is_list(f.type)
        }
        return {
            "collection": body["collection"],
            "row_count": table.num_rows,
            "vector_fields": vectors,
            "indexes": [],
        }

    def _action_create_collection(self, body):
        fields = []
        for name, type_name in body["schema"].items():
            arrow_type = (
                pa.list_(pa.float32())
                if type_name.startswith("float_vector")
                else {
                    "string": pa.string(),
                    "int": pa.int32(),
                    "long": pa.int64(),
                    "double": pa.float64(),
                    "float": pa.float32(),
                }[type_name]
            )
            fields.append(pa.field(name, arrow_type))
        if body["collection"] in self.tables:
            raise flight.FlightServerError(f"Collection exists: {body['collection']}")
        self.tables[body["collection"]] = pa.schema(fields).empty_table()
        return self._action_describe_collection(body)

    def _action_create_index(self, body):
        return {"field": body["field"], "rows_indexed": self._table(body["collection"]).num_rows}

    # Helpers -------------------------------------------------------------------------------

    def _search(self, request):
        table = self._table(request["collection"])
        field = request.get("field") or next(
            f.name for f in table.schema if pa.types.is_list(f.type)
        )
        data = np.stack(table.column(field).to_numpy(zero_copy_only=False)).astype(np.float32)
        data /= np.linalg.norm(data, axis=1, keepdims=True)
        queries = np.asarray(request["vectors"], dtype=np.float32)
        if queries.shape[1] != data.shape[1]:
            raise pa.ArrowInvalid(f"Cannot search: dimension {queries.shape[1]} != {data.shape[1]}")
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        scores = queries @ data.T
        k = min(request.get("top_k", 10), data.shape[0])
        rows = {
            "query_index": [],
            "rank": [],
            "_score": [],
            "_distance": [],
            "_file": [],
            "_pos": [],
        }
        picked = []
        for qi, row in enumerate(scores):
            for rank, pos in enumerate(np.argsort(-row, kind="stable")[:k]):
                rows["query_index"].append(qi)
                rows["rank"].append(rank)
                rows["_score"].append(float(row[pos]))
                rows["_distance"].append(float(1 - row[pos]))
                rows["_file"].append("mem.parquet")
                rows["_pos"].append(int(pos))
                picked.append(int(pos))
        out = pa.table(
            {
                "query_index": pa.array(rows["query_index"], pa.int32()),
                "rank": pa.array(rows["rank"], pa.int32()),
                "_score": pa.array(rows["_score"], pa.float32()),
                "_distance": pa.array(rows["_distance"], pa.float32()),
                "_file": pa.array(rows["_file"], pa.string()),
                "_pos": pa.array(rows["_pos"], pa.int64()),
            }
        )
        for name in request.get("output_fields") or []:
            out = out.append_column(name, table.column(name).take(pa.array(picked, pa.int64())))
        return out

    def _table(self, name):
        if name not in self.tables:
            raise pa.ArrowKeyError(f"Cannot find collection: {name}")
        return self.tables[name]

    @staticmethod
    def _columns(table, columns):
        return table.select(columns) if columns else table

    @staticmethod
    def _descriptor_collection(descriptor):
        if descriptor.descriptor_type == flight.DescriptorType.PATH:
            return descriptor.path[0].decode()
        return json.loads(descriptor.command)["collection"]

    def _check_token(self, context):
        if self.token is None:
            return
        headers = context.get_middleware("headers").headers
        if headers.get("authorization") != [f"Bearer {self.token}"]:
            raise flight.FlightUnauthenticatedError("Cannot authenticate: bad token")
