package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.assertFlightError;
import static io.lakebeam.flight.FlightFixture.searchTicket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import io.lakebeam.core.TestData;
import io.lakebeam.core.lake.Collection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every failure is a Flight status with a message that says what is wrong, and the server keeps
 * answering afterwards.
 */
class ErrorsTest {
  @TempDir Path dir;

  /** A small docs collection of 30 rows; returns its vectors. */
  static List<float[]> seed(FlightFixture f) throws Exception {
    f.createDocs("docs");
    List<float[]> vectors = FlightFixture.vectors(30, 1);
    f.putDocs("docs", 0, vectors);
    return vectors;
  }

  /** The server still serves: a search finds a stored row. */
  static void assertServerAnswers(FlightFixture f, float[] stored) {
    Map<String, Object> t = searchTicket("docs", List.of(stored), 1);
    t.put("output_fields", List.of("id"));
    assertThat(f.search(t)).hasSize(1);
    assertThat(f.action("list_collections", Map.of())).containsKey("collections");
  }

  @Test
  void unknownCollectionIsNotFoundAndNamed() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      assertFlightError(
          () -> f.search(searchTicket("nope", vectors.subList(0, 1), 3)),
          FlightStatusCode.NOT_FOUND,
          "'nope'",
          "docs");
      assertFlightError(
          () -> f.describe("nope"), FlightStatusCode.NOT_FOUND, "Collection 'nope' does not exist");
      assertFlightError(
          () -> f.client.getInfo(FlightDescriptor.path("nope")),
          FlightStatusCode.NOT_FOUND,
          "'nope'");
      assertFlightError(
          () -> f.client.getSchema(FlightDescriptor.path("nope")),
          FlightStatusCode.NOT_FOUND,
          "'nope'");
      assertFlightError(() -> f.putDocs("nope", 0, vectors), FlightStatusCode.NOT_FOUND, "'nope'");
      assertFlightError(
          () -> f.action("create_index", Map.of("collection", "nope")),
          FlightStatusCode.NOT_FOUND,
          "'nope'");
      assertServerAnswers(f, vectors.get(3));
    }
  }

  @Test
  void unknownFieldAndColumnsAreNotFound() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      Map<String, Object> badField = searchTicket("docs", vectors.subList(0, 1), 3);
      badField.put("field", "vec");
      assertFlightError(
          () -> f.search(badField),
          FlightStatusCode.NOT_FOUND,
          "no vector field 'vec'",
          "embedding");
      // GetFlightInfo checks the field too, before handing out a ticket
      assertFlightError(
          () -> f.client.getInfo(FlightDescriptor.command(Json.bytes(badField))),
          FlightStatusCode.NOT_FOUND,
          "'vec'");

      Map<String, Object> badOutput = searchTicket("docs", vectors.subList(0, 1), 3);
      badOutput.put("output_fields", List.of("text", "title"));
      assertFlightError(
          () -> f.search(badOutput), FlightStatusCode.NOT_FOUND, "no column 'title'", "text");
      assertFlightError(
          () -> f.client.getInfo(FlightDescriptor.command(Json.bytes(badOutput))),
          FlightStatusCode.NOT_FOUND,
          "'title'");

      Map<String, Object> badRead =
          new LinkedHashMap<>(Map.of("type", "read", "collection", "docs"));
      badRead.put("columns", List.of("id", "title"));
      assertFlightError(
          () -> f.client.getInfo(FlightDescriptor.command(Json.bytes(badRead))),
          FlightStatusCode.NOT_FOUND,
          "'title'");
      assertFlightError(
          () -> f.action("drop_index", Map.of("collection", "docs", "field", "embedding")),
          FlightStatusCode.NOT_FOUND,
          "no index on 'embedding'");
      assertServerAnswers(f, vectors.get(4));
    }
  }

  @Test
  void wrongQueryDimensionAndBadSearchParametersAreInvalid() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      Map<String, Object> shortQuery = searchTicket("docs", List.of(new float[] {1f, 2f, 3f}), 3);
      assertFlightError(
          () -> f.search(shortQuery),
          FlightStatusCode.INVALID_ARGUMENT,
          "dimension 3",
          "dimension " + FlightFixture.DIM);
      assertFlightError(
          () -> f.client.getInfo(FlightDescriptor.command(Json.bytes(shortQuery))),
          FlightStatusCode.INVALID_ARGUMENT,
          "dimension 3");
      // the second of two queries is wrong: the message says which
      Map<String, Object> second =
          searchTicket("docs", List.of(vectors.get(0), new float[FlightFixture.DIM + 1]), 3);
      assertFlightError(
          () -> f.search(second),
          FlightStatusCode.INVALID_ARGUMENT,
          "query vector 1",
          "dimension 17");

      Map<String, Object> topK = searchTicket("docs", vectors.subList(0, 1), 0);
      assertFlightError(() -> f.search(topK), FlightStatusCode.INVALID_ARGUMENT, "top_k=0");
      Map<String, Object> noVectors = searchTicket("docs", List.of(), 3);
      assertFlightError(() -> f.search(noVectors), FlightStatusCode.INVALID_ARGUMENT, "'vectors'");
      Map<String, Object> notNumbers = searchTicket("docs", vectors.subList(0, 1), 3);
      notNumbers.put("vectors", List.of(List.of("a", "b")));
      assertFlightError(
          () -> f.search(notNumbers), FlightStatusCode.INVALID_ARGUMENT, "not a finite number");
      assertServerAnswers(f, vectors.get(5));
    }
  }

  @Test
  void malformedTicketsAreInvalidArgument() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      byte[] garbage = {(byte) 0xff, 0x00, 0x13, (byte) 0x9c, 0x7b};
      assertFlightError(
          () -> f.get(new Ticket(garbage)),
          FlightStatusCode.INVALID_ARGUMENT,
          "Cannot read ticket");
      assertFlightError(
          () -> f.get(ticket("hello, server")),
          FlightStatusCode.INVALID_ARGUMENT,
          "not a JSON object",
          "hello");
      assertFlightError(
          () -> f.get(ticket("[1, 2, 3]")), FlightStatusCode.INVALID_ARGUMENT, "not a JSON object");
      assertFlightError(
          () -> f.get(ticket("{\"v\": 1, \"type\": \"search\"")),
          FlightStatusCode.INVALID_ARGUMENT,
          "ticket");
      assertFlightError(
          () -> f.get(ticket("{\"v\": 1, \"type\": \"read\", \"collection\": \"docs\"} trailing")),
          FlightStatusCode.INVALID_ARGUMENT,
          "not a JSON object");
      Map<String, Object> v2 = searchTicket("docs", vectors.subList(0, 1), 3);
      v2.put("v", 2);
      assertFlightError(
          () -> f.search(v2), FlightStatusCode.INVALID_ARGUMENT, "protocol version 2", "v=1");
      v2.put("v", 1.5);
      assertFlightError(
          () -> f.search(v2), FlightStatusCode.INVALID_ARGUMENT, "protocol version 1.5");
      v2.put("v", "1");
      assertFlightError(() -> f.search(v2), FlightStatusCode.INVALID_ARGUMENT, "protocol version");
      assertFlightError(
          () -> f.get(ticket("{}")), FlightStatusCode.INVALID_ARGUMENT, "'type' is required");
      assertFlightError(
          () -> f.get(new Ticket(new byte[0])),
          FlightStatusCode.INVALID_ARGUMENT,
          "'type' is required");
      assertFlightError(
          () -> f.get(ticket("{\"type\": \"search\", \"collection\": 7}")),
          FlightStatusCode.INVALID_ARGUMENT,
          "'collection' must be a string");
      assertFlightError(
          () ->
              f.get(
                  ticket("{\"type\": \"read\", \"collection\": \"docs\", \"snapshot_id\": \"x\"}")),
          FlightStatusCode.INVALID_ARGUMENT,
          "'snapshot_id'");
      assertFlightError(
          () ->
              f.client.getInfo(
                  FlightDescriptor.command("not json".getBytes(StandardCharsets.UTF_8))),
          FlightStatusCode.INVALID_ARGUMENT,
          "command descriptor");
      assertFlightError(
          () -> f.client.getInfo(FlightDescriptor.path("a", "b")),
          FlightStatusCode.INVALID_ARGUMENT,
          "single collection name");
      assertFlightError(
          () ->
              f.client
                  .doAction(
                      new org.apache.arrow.flight.Action(
                          "describe_collection", "{oops".getBytes(StandardCharsets.UTF_8)))
                  .next(),
          FlightStatusCode.INVALID_ARGUMENT,
          "action 'describe_collection' body");
      assertServerAnswers(f, vectors.get(6));
    }
  }

  @Test
  void malformedFiltersAreInvalidWithPosition() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      Map<String, Object> t = searchTicket("docs", vectors.subList(0, 1), 3);
      t.put("filter", "lang = 'en' AND");
      assertFlightError(
          () -> f.search(t),
          FlightStatusCode.INVALID_ARGUMENT,
          "Cannot parse filter",
          "at position 16");
      t.put("filter", "year >= = 2020");
      assertFlightError(() -> f.search(t), FlightStatusCode.INVALID_ARGUMENT, "at position 9");
      t.put("filter", "lang = 'en");
      assertFlightError(
          () -> f.search(t),
          FlightStatusCode.INVALID_ARGUMENT,
          "position 8",
          "unterminated string");
      t.put("filter", "lang = 'en' AND year >= 2020");
      assertThat(f.search(t)).isNotEmpty();
      // a read plan checks its filter too
      Map<String, Object> read =
          new LinkedHashMap<>(Map.of("type", "read", "collection", "docs", "filter", "id >"));
      assertFlightError(
          () -> f.client.getInfo(FlightDescriptor.command(Json.bytes(read))),
          FlightStatusCode.INVALID_ARGUMENT,
          "position");
      // an unknown column in a filter is INVALID_ARGUMENT (not NOT_FOUND) and names the column
      t.put("filter", "title = 'x'");
      assertFlightError(() -> f.search(t), FlightStatusCode.INVALID_ARGUMENT, "no column 'title'");
      assertServerAnswers(f, vectors.get(7));
    }
  }

  @Test
  void unknownFilterColumnReportsItsPosition() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      Map<String, Object> t = searchTicket("docs", vectors.subList(0, 1), 3);
      t.put("filter", "lang = 'en' AND title = 'x'");
      assertFlightError(
          () -> f.search(t), FlightStatusCode.INVALID_ARGUMENT, "no column 'title'", "position 17");
    }
  }

  @Test
  void unknownActionAndRequestTypeAreUnimplemented() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      assertFlightError(
          () -> f.action("frobnicate", Map.of()),
          FlightStatusCode.UNIMPLEMENTED,
          "Unknown action 'frobnicate'");
      Map<String, Object> t = searchTicket("docs", vectors.subList(0, 1), 3);
      t.put("type", "explode");
      assertFlightError(
          () -> f.search(t), FlightStatusCode.UNIMPLEMENTED, "Unknown request type 'explode'");
      // the type is checked before the collection
      t.put("collection", "nope");
      assertFlightError(() -> f.search(t), FlightStatusCode.UNIMPLEMENTED, "'explode'");
      assertFlightError(
          () -> f.client.getInfo(FlightDescriptor.command(Json.bytes(t))),
          FlightStatusCode.UNIMPLEMENTED,
          "'explode'");
      // a DoPut command must be an insert
      try (VectorSchemaRoot root = f.docsBatch(100, vectors.subList(0, 2), false)) {
        FlightDescriptor search =
            FlightDescriptor.command(Json.bytes(Map.of("type", "search", "collection", "docs")));
        assertFlightError(() -> f.put(search, root), FlightStatusCode.UNIMPLEMENTED, "'search'");
      }
      assertThat(f.describe("docs")).containsEntry("row_count", 30);
      assertServerAnswers(f, vectors.get(8));
    }
  }

  @Test
  void wrongDimensionPutIsRejectedWholeAndLeavesTheTableUnchanged() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      Collection c = f.lake.collection("docs");
      long snapshot = c.snapshotId();
      int snapshots = size(c.table().snapshots());
      String location = c.table().location();
      Path data =
          (location.startsWith("file:")
                  ? Path.of(java.net.URI.create(location))
                  : Path.of(location))
              .resolve("data");
      long files = countFiles(data);

      // two batches: the first is valid and already written when row 13 (batch 2, row 3) fails
      List<float[]> bad = new ArrayList<>(FlightFixture.vectors(10, 9));
      bad.set(3, new float[FlightFixture.DIM - 1]);
      try (VectorSchemaRoot first = f.docsBatch(100, FlightFixture.vectors(10, 8), false);
          VectorSchemaRoot second = f.docsBatch(110, bad, false)) {
        assertFlightError(
            () -> f.put(FlightDescriptor.path("docs"), List.of(first, second)),
            FlightStatusCode.INVALID_ARGUMENT,
            "row 13",
            "dimension " + (FlightFixture.DIM - 1),
            "expects " + FlightFixture.DIM);
      }
      c.refreshMetadata();
      assertThat(c.snapshotId()).isEqualTo(snapshot);
      assertThat(size(c.table().snapshots())).isEqualTo(snapshots);
      assertThat(f.describe("docs"))
          .containsEntry("row_count", 30)
          .containsEntry("snapshot_id", snapshot);
      assertThat(countFiles(data)).as("the rejected put's data files are deleted").isEqualTo(files);
      assertServerAnswers(f, vectors.get(9));
    }
  }

  @Test
  void badInsertsAreInvalidArgumentAndCommitNothing() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      long snapshot = f.lake.collection("docs").snapshotId();
      // a column the collection does not have
      Schema extra = new Schema(List.of(Field.nullable("title", ArrowType.Utf8.INSTANCE)));
      try (VectorSchemaRoot root = VectorSchemaRoot.create(extra, f.allocator)) {
        ((VarCharVector) root.getVector(0)).setSafe(0, "x".getBytes(StandardCharsets.UTF_8));
        root.setRowCount(1);
        assertFlightError(
            () -> f.put(FlightDescriptor.path("docs"), root),
            FlightStatusCode.INVALID_ARGUMENT,
            "no column 'title'");
      }
      // a value the column's type cannot take: year (int) sent as text
      Schema textYear = new Schema(List.of(Field.nullable("year", ArrowType.Utf8.INSTANCE)));
      try (VectorSchemaRoot root = VectorSchemaRoot.create(textYear, f.allocator)) {
        ((VarCharVector) root.getVector(0)).setSafe(0, "2020".getBytes(StandardCharsets.UTF_8));
        root.setRowCount(1);
        assertFlightError(
            () -> f.put(FlightDescriptor.path("docs"), root),
            FlightStatusCode.INVALID_ARGUMENT,
            "row 0",
            "'year'");
      }
      // a vector column sent as text
      Schema textVector = new Schema(List.of(Field.nullable("embedding", ArrowType.Utf8.INSTANCE)));
      try (VectorSchemaRoot root = VectorSchemaRoot.create(textVector, f.allocator)) {
        ((VarCharVector) root.getVector(0)).setSafe(0, "[1, 2]".getBytes(StandardCharsets.UTF_8));
        root.setRowCount(1);
        assertFlightError(
            () -> f.put(FlightDescriptor.path("docs"), root),
            FlightStatusCode.INVALID_ARGUMENT,
            "'embedding'");
      }
      assertThat(f.describe("docs"))
          .containsEntry("row_count", 30)
          .containsEntry("snapshot_id", snapshot);
      assertServerAnswers(f, vectors.get(10));
    }
  }

  @Test
  void brokenPutsCommitNothingAndLeaveNoServerCallBehind() throws Exception {
    FlightFixture f = FlightFixture.start(dir);
    try {
      List<float[]> vectors = seed(f);
      long snapshot = f.lake.collection("docs").snapshotId();
      // Broken off right after the first batch: the server may see the cancellation before the
      // first message. Repeated, since that race decides which path the server takes.
      for (int i = 0; i < 20; i++) {
        try (VectorSchemaRoot root = f.docsBatch(100, FlightFixture.vectors(5, 3), false);
            SyncPutListener listener = new SyncPutListener()) {
          FlightClient.ClientStreamListener w =
              f.client.startPut(FlightDescriptor.path("docs"), root, listener);
          w.putNext();
          w.error(new IOException("client gave up"));
          assertThat(catchThrowable(w::getResult)).isNotNull();
        }
      }
      assertThat(f.describe("docs"))
          .containsEntry("row_count", 30)
          .containsEntry("snapshot_id", snapshot);
      assertServerAnswers(f, vectors.get(10));
    } finally {
      // A put left waiting for a descriptor that never comes would hold its buffers and make
      // close() wait for it; closing also checks the server's allocator for leaks.
      long start = System.nanoTime();
      f.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void existingCollectionAndBadSchemasAreRejected() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      assertFlightError(
          () -> f.createDocs("docs"), FlightStatusCode.ALREADY_EXISTS, "'docs' already exists");
      assertFlightError(
          () ->
              f.action(
                  "create_collection",
                  Map.of("collection", "bad", "schema", Map.of("v", "float_vector(0)"))),
          FlightStatusCode.INVALID_ARGUMENT);
      assertFlightError(
          () ->
              f.action(
                  "create_collection",
                  Map.of("collection", "bad", "schema", Map.of("v", "complex"))),
          FlightStatusCode.INVALID_ARGUMENT,
          "complex");
      assertFlightError(
          () ->
              f.action(
                  "create_collection",
                  Map.of(
                      "collection",
                      "bad",
                      "schema",
                      FlightFixture.docsSchema(4),
                      "metric",
                      "hamming")),
          FlightStatusCode.INVALID_ARGUMENT,
          "metric 'hamming'");
      assertFlightError(
          () ->
              f.action(
                  "create_collection",
                  Map.of("collection", "../etc", "schema", FlightFixture.docsSchema(4))),
          FlightStatusCode.INVALID_ARGUMENT,
          "collection name '../etc'");
      assertFlightError(
          () -> f.action("create_index", Map.of("collection", "docs", "index_type", "IVF")),
          FlightStatusCode.INVALID_ARGUMENT,
          "'IVF'");
      assertFlightError(
          () -> f.action("create_index", Map.of("collection", "docs", "params", Map.of("m", 1000))),
          FlightStatusCode.INVALID_ARGUMENT,
          "m");
      assertThat(f.action("list_collections", Map.of()))
          .containsEntry("collections", List.of("docs"));
      assertServerAnswers(f, vectors.get(11));
    }
  }

  @Test
  void secondConcurrentIndexBuildIsAlreadyExists() throws Exception {
    int dim = 64;
    try (FlightFixture f = FlightFixture.start(dir)) {
      f.createDocs("big", dim);
      TestData.insert(f.lake.collection("big"), 0, 3000, dim, 5);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Map<String, Object> build = Map.of("collection", "big", "field", "embedding");
        // The first build runs for a second or so; the second is sent once the first is seen
        // running. Should a build ever finish before it is seen, try again (rarely needed).
        for (int attempt = 1; ; attempt++) {
          Future<Map<String, Object>> first = pool.submit(() -> f.action("create_index", build));
          while (!f.lake.indexes().isBuilding("big", "embedding") && !first.isDone()) {
            Thread.sleep(1);
          }
          if (!f.lake.indexes().isBuilding("big", "embedding")) {
            first.get();
            if (attempt == 3) {
              fail("the index build never ran long enough to be seen running");
            }
            continue;
          }
          assertFlightError(
              () -> f.action("create_index", build),
              FlightStatusCode.ALREADY_EXISTS,
              "big.embedding",
              "already running");
          assertThat(first.get(60, TimeUnit.SECONDS)).containsEntry("rows_indexed", 3000);
          break;
        }
      } finally {
        pool.shutdownNow();
      }
      // once the first is done, a new build is accepted
      assertThat(f.lake.indexes().isBuilding("big", "embedding")).isFalse();
      assertThat(FlightFixture.list(f.describe("big"), "indexes")).hasSize(1);
    }
  }

  private static Ticket ticket(String text) {
    return new Ticket(text.getBytes(StandardCharsets.UTF_8));
  }

  private static int size(Iterable<?> it) {
    int n = 0;
    for (Object ignored : it) {
      n++;
    }
    return n;
  }

  private static long countFiles(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".parquet")).count();
    }
  }

  @Test
  void aLockedCatalogDatabaseIsUnavailableToRetryNotInternal() {
    Throwable busy =
        new org.apache.iceberg.jdbc.UncheckedSQLException(
            new java.sql.SQLException("[SQLITE_BUSY] The database file is locked"),
            "Unknown failure");
    org.apache.arrow.flight.FlightRuntimeException e = Errors.toFlight(busy);
    assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAVAILABLE);
    assertThat(e.getMessage())
        .contains("the catalog database is locked by another writer")
        .endsWith("retry");

    Throwable other =
        new org.apache.iceberg.jdbc.UncheckedSQLException(
            new java.sql.SQLException("no such column: x"), "Unknown failure");
    assertThat(Errors.toFlight(other).status().code()).isEqualTo(FlightStatusCode.INTERNAL);
  }
}
