package io.lakebeam.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.type.TypeReference;
import io.lakebeam.core.TestData;
import io.lakebeam.core.lake.Lakehouse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * A Lakebeam Flight server on port 0 over a temporary lakehouse, with a client whose allocator is a
 * child of a shared root: closing the fixture fails the test if the client leaked Arrow memory, and
 * the server's own allocator fails on close if it leaked.
 *
 * <pre>{@code
 * try (FlightFixture f = FlightFixture.start(dir)) {
 *   f.createDocs("docs");
 *   f.putDocs("docs", 0, FlightFixture.vectors(50, 1));
 *   List<Map<String, Object>> hits = f.search(FlightFixture.searchTicket("docs", q, 5));
 * }
 * }</pre>
 *
 * <p>The "docs" rows are those of core's {@link TestData}: {@code lang = LANGS[id % 3]}, {@code
 * year = 2010 + id % 15}, {@code text = "row <id>"}.
 */
final class FlightFixture implements AutoCloseable {
  static final int DIM = 16;
  private static final RootAllocator ROOT = new RootAllocator(Long.MAX_VALUE);

  final Lakehouse lake;
  final LakebeamFlightServer server;
  final BufferAllocator allocator;
  FlightClient client;
  private final CallOption[] options;

  private FlightFixture(Lakehouse lake, LakebeamFlightServer server, CallOption[] options) {
    this.lake = lake;
    this.server = server;
    this.options = options;
    this.allocator = ROOT.newChildAllocator("test-client", 0, Long.MAX_VALUE);
    this.client = newClient();
  }

  private FlightClient newClient() {
    return FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port()))
        .build();
  }

  /**
   * Replaces the client with a new connection, as a real client does after gRPC closed its
   * connection (a refused oversized message can end in a GOAWAY, timing-dependent).
   */
  void reconnect() throws InterruptedException {
    client.close();
    client = newClient();
  }

  static FlightFixture start(Path dir) throws Exception {
    return start(dir, b -> {});
  }

  /** Starts a server whose external collections may read these roots. */
  static FlightFixture startAllowing(Path dir, List<String> allowedSources) throws Exception {
    Lakehouse lake =
        Lakehouse.open(
            io.lakebeam.core.lake.LakehouseConfig.of(dir.resolve("lake").toString())
                .withAllowedSources(allowedSources));
    return new FlightFixture(
        lake, LakebeamFlightServer.builder(lake).port(0).build().start(), new CallOption[0]);
  }

  /** Starts a server over an open lakehouse (any catalog); closing the fixture closes the lake. */
  static FlightFixture over(Lakehouse lake, Consumer<LakebeamFlightServer.Builder> configure)
      throws Exception {
    LakebeamFlightServer.Builder b = LakebeamFlightServer.builder(lake).port(0);
    configure.accept(b);
    return new FlightFixture(lake, b.build().start(), new CallOption[0]);
  }

  /** Starts a server configured by {@code configure}; {@code options} go with every helper call. */
  static FlightFixture start(
      Path dir, Consumer<LakebeamFlightServer.Builder> configure, CallOption... options)
      throws Exception {
    Lakehouse lake = Lakehouse.open(dir.resolve("lake").toString());
    LakebeamFlightServer.Builder b = LakebeamFlightServer.builder(lake).port(0);
    configure.accept(b);
    return new FlightFixture(lake, b.build().start(), options);
  }

  @Override
  public void close() throws Exception {
    try {
      client.close();
      allocator.close(); // fails on a leak
    } finally {
      server.close();
      lake.close();
    }
  }

  // ---- data ----

  static String lang(long id) {
    return TestData.LANGS[(int) (id % 3)];
  }

  static int year(long id) {
    return 2010 + (int) (id % 15);
  }

  static List<float[]> vectors(int n, long seed) {
    return vectors(n, DIM, seed);
  }

  static List<float[]> vectors(int n, int dim, long seed) {
    Random rnd = new Random(seed);
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(TestData.vector(rnd, dim));
    }
    return out;
  }

  static Map<String, String> docsSchema(int dim) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("id", "long");
    s.put("lang", "string");
    s.put("year", "int");
    s.put("text", "string");
    s.put("embedding", "float_vector(" + dim + ")");
    return s;
  }

  /** Creates a "docs"-shaped collection of dimension {@link #DIM} and cosine metric. */
  Map<String, Object> createDocs(String name) {
    return createDocs(name, DIM);
  }

  Map<String, Object> createDocs(String name, int dim) {
    return action(
        "create_collection",
        Map.of("collection", name, "schema", docsSchema(dim), "metric", "cosine"));
  }

  /**
   * A batch of docs rows with ids from {@code firstId}; vectors are {@code list<float32>}, or
   * {@code list<float64>} when {@code float64}. The caller closes it.
   */
  VectorSchemaRoot docsBatch(long firstId, List<float[]> vectors, boolean float64) {
    FloatingPointPrecision precision =
        float64 ? FloatingPointPrecision.DOUBLE : FloatingPointPrecision.SINGLE;
    Field item = Field.nullable("item", new ArrowType.FloatingPoint(precision));
    Schema schema =
        new Schema(
            List.of(
                Field.nullable("id", new ArrowType.Int(64, true)),
                Field.nullable("lang", ArrowType.Utf8.INSTANCE),
                Field.nullable("year", new ArrowType.Int(32, true)),
                Field.nullable("text", ArrowType.Utf8.INSTANCE),
                new Field(
                    "embedding", FieldType.nullable(ArrowType.List.INSTANCE), List.of(item))));
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    root.allocateNew();
    BigIntVector id = (BigIntVector) root.getVector("id");
    VarCharVector lang = (VarCharVector) root.getVector("lang");
    IntVector year = (IntVector) root.getVector("year");
    VarCharVector text = (VarCharVector) root.getVector("text");
    ListVector embedding = (ListVector) root.getVector("embedding");
    UnionListWriter w = embedding.getWriter();
    for (int i = 0; i < vectors.size(); i++) {
      long rowId = firstId + i;
      id.setSafe(i, rowId);
      lang.setSafe(i, lang(rowId).getBytes(StandardCharsets.UTF_8));
      year.setSafe(i, year(rowId));
      text.setSafe(i, ("row " + rowId).getBytes(StandardCharsets.UTF_8));
      w.setPosition(i);
      w.startList();
      for (float x : vectors.get(i)) {
        if (float64) {
          w.float8().writeFloat8(x);
        } else {
          w.float4().writeFloat4(x);
        }
      }
      w.endList();
    }
    root.setRowCount(vectors.size());
    return root;
  }

  /** Inserts docs rows through DoPut on path [collection]; returns the put's JSON result. */
  Map<String, Object> putDocs(String collection, long firstId, List<float[]> vectors)
      throws Exception {
    try (VectorSchemaRoot root = docsBatch(firstId, vectors, false)) {
      return put(FlightDescriptor.path(collection), root);
    }
  }

  /** Sends {@code root} as the only batch of a DoPut; returns the put's JSON result. */
  Map<String, Object> put(FlightDescriptor descriptor, VectorSchemaRoot root) throws Exception {
    return put(descriptor, List.of(root));
  }

  /**
   * Sends the batches (all of one schema) as one DoPut; returns the put's JSON result. The first
   * root carries the stream: later batches are loaded into it.
   */
  Map<String, Object> put(FlightDescriptor descriptor, List<VectorSchemaRoot> batches)
      throws Exception {
    VectorSchemaRoot root = batches.get(0);
    try (SyncPutListener listener = new SyncPutListener()) {
      FlightClient.ClientStreamListener w = client.startPut(descriptor, root, listener, options);
      for (int i = 0; i < batches.size(); i++) {
        if (i > 0) {
          try (ArrowRecordBatch b = new VectorUnloader(batches.get(i)).getRecordBatch()) {
            new VectorLoader(root).load(b);
          }
        }
        w.putNext();
      }
      w.completed();
      w.getResult();
      try (PutResult r = listener.read()) {
        byte[] body = new byte[(int) r.getApplicationMetadata().readableBytes()];
        r.getApplicationMetadata().getBytes(0, body);
        return json(body);
      }
    }
  }

  // ---- calls ----

  /** Runs an action and returns its single JSON result. */
  Map<String, Object> action(String type, Object body) {
    Iterator<Result> it = client.doAction(new Action(type, Json.bytes(body)), options);
    Map<String, Object> out = json(it.next().getBody());
    assertThat(it.hasNext()).as("action %s returns one result", type).isFalse();
    return out;
  }

  Map<String, Object> describe(String collection) {
    return action("describe_collection", Map.of("collection", collection));
  }

  static Map<String, Object> searchTicket(String collection, List<float[]> queries, int topK) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("v", 1);
    t.put("type", "search");
    t.put("collection", collection);
    List<List<Float>> vs = new ArrayList<>();
    queries.forEach(q -> vs.add(TestData.boxed(q)));
    t.put("vectors", vs);
    t.put("top_k", topK);
    return t;
  }

  static Ticket ticket(Map<String, Object> body) {
    return new Ticket(Json.bytes(body));
  }

  List<Map<String, Object>> search(Map<String, Object> ticket) {
    return get(ticket(ticket));
  }

  /** Reads a whole DoGet stream into rows of plain Java values (strings, numbers, lists). */
  List<Map<String, Object>> get(Ticket ticket) {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (FlightStream stream = client.getStream(ticket, options)) {
      VectorSchemaRoot root = stream.getRoot();
      while (stream.next()) {
        for (int i = 0; i < root.getRowCount(); i++) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (FieldVector v : root.getFieldVectors()) {
            Object o = v.getObject(i);
            row.put(v.getName(), o instanceof Text t ? t.toString() : o);
          }
          rows.add(row);
        }
      }
    } catch (FlightRuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return rows;
  }

  static Map<String, Object> json(byte[] body) {
    try {
      return Json.MAPPER.readValue(body, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- assertions ----

  /** Asserts that {@code call} fails with {@code code} and a message holding every fragment. */
  static FlightRuntimeException assertFlightError(
      ThrowingCallable call, FlightStatusCode code, String... fragments) {
    FlightRuntimeException e = catchThrowableOfType(FlightRuntimeException.class, call);
    assertThat(e).as("expected a Flight error %s", code).isNotNull();
    assertThat(e.status().code()).as("status of: %s", e.getMessage()).isEqualTo(code);
    for (String f : fragments) {
      assertThat(e.getMessage()).contains(f);
    }
    return e;
  }

  static long id(Map<String, Object> row) {
    return ((Number) row.get("id")).longValue();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> json, String key) {
    return (Map<String, Object>) json.get(key);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Map<String, Object> json, String key) {
    return (List<Map<String, Object>>) json.get(key);
  }
}
