package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.id;
import static io.lakebeam.flight.FlightFixture.lang;
import static io.lakebeam.flight.FlightFixture.year;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GetFlightInfo plans a read into endpoints over disjoint files; DoGet reads each in parallel. */
class BatchReadTest {
  /** Rows per put: three puts make three data files. */
  static final int[] PUTS = {40, 35, 25};

  static final int ROWS = 100;
  @TempDir Path dir;

  static void seed(FlightFixture f) throws Exception {
    f.createDocs("docs");
    long id = 0;
    for (int i = 0; i < PUTS.length; i++) {
      f.putDocs("docs", id, FlightFixture.vectors(PUTS[i], 10 + i));
      id += PUTS[i];
    }
    assertThat(f.describe("docs")).containsEntry("file_count", 3).containsEntry("row_count", ROWS);
  }

  static FlightDescriptor readCommand(List<String> columns, String filter, Integer splits) {
    Map<String, Object> cmd = new LinkedHashMap<>();
    cmd.put("v", 1);
    cmd.put("type", "read");
    cmd.put("collection", "docs");
    if (columns != null) {
      cmd.put("columns", columns);
    }
    if (filter != null) {
      cmd.put("filter", filter);
    }
    if (splits != null) {
      cmd.put("splits", splits);
    }
    return FlightDescriptor.command(Json.bytes(cmd));
  }

  /** Reads every endpoint of a plan, each in its own thread. */
  static List<Map<String, Object>> readAll(FlightFixture f, FlightInfo info) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(info.getEndpoints().size());
    try {
      List<Future<List<Map<String, Object>>>> parts = new ArrayList<>();
      for (FlightEndpoint e : info.getEndpoints()) {
        parts.add(pool.submit(() -> f.get(e.getTicket())));
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Future<List<Map<String, Object>>> p : parts) {
        rows.addAll(p.get());
      }
      return rows;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void pathDescriptorReadsEveryRowExactlyOnce() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      seed(f);
      FlightInfo info = f.client.getInfo(FlightDescriptor.path("docs"));
      assertThat(info.getEndpoints()).hasSize(3); // default splits (>= 2 x cores) > 3 files
      assertThat(info.getRecords()).isEqualTo(ROWS);
      assertThat(info.getBytes()).isPositive();
      List<Map<String, Object>> rows = readAll(f, info);
      assertThat(rows)
          .extracting(FlightFixture::id)
          .containsExactlyInAnyOrderElementsOf(LongStream.range(0, ROWS).boxed().toList());
      assertThat(rows.get(0).keySet()).containsExactly("id", "lang", "year", "text", "embedding");
      assertThat(rows)
          .allSatisfy(
              r ->
                  assertThat(r)
                      .containsEntry("text", "row " + id(r))
                      .containsEntry("lang", lang(id(r))));
      assertThat(rows)
          .allSatisfy(r -> assertThat((List<?>) r.get("embedding")).hasSize(FlightFixture.DIM));
    }
  }

  @Test
  void readCommandWithColumnsFilterAndSplits() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      seed(f);
      FlightDescriptor d = readCommand(List.of("text", "id"), "year >= 2020 AND lang != 'fr'", 3);
      FlightInfo info = f.client.getInfo(d);
      assertThat(info.getEndpoints()).hasSize(3);
      assertThat(info.getRecords())
          .as("total_records is the row count before the filter")
          .isEqualTo(ROWS);
      Schema schema = info.getSchemaOptional().orElseThrow();
      assertThat(schema.getFields()).extracting(Field::getName).containsExactly("text", "id");
      assertThat(f.client.getSchema(d).getSchema()).isEqualTo(schema);

      List<Map<String, Object>> rows = readAll(f, info);
      List<Long> expected =
          LongStream.range(0, ROWS)
              .filter(i -> year(i) >= 2020 && !lang(i).equals("fr"))
              .boxed()
              .toList();
      assertThat(expected).isNotEmpty();
      assertThat(rows).extracting(FlightFixture::id).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(rows).allSatisfy(r -> assertThat(r.keySet()).containsExactly("text", "id"));
      assertThat(rows).allSatisfy(r -> assertThat(r).containsEntry("text", "row " + id(r)));

      // splits=2 over 3 files: 2 endpoints, still every row once
      FlightInfo two = f.client.getInfo(readCommand(List.of("id"), null, 2));
      assertThat(two.getEndpoints()).hasSize(2);
      assertThat(readAll(f, two))
          .extracting(FlightFixture::id)
          .containsExactlyInAnyOrderElementsOf(LongStream.range(0, ROWS).boxed().toList());
      // splits=1: one endpoint
      assertThat(f.client.getInfo(readCommand(null, null, 1)).getEndpoints()).hasSize(1);
    }
  }

  @Test
  void filterThatMatchesNothingAndEmptyCollectionReadNoRows() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      seed(f);
      FlightInfo none = f.client.getInfo(readCommand(List.of("id"), "id > 1000", 4));
      assertThat(readAll(f, none)).isEmpty();
      f.createDocs("empty");
      FlightInfo empty = f.client.getInfo(FlightDescriptor.path("empty"));
      assertThat(empty.getRecords()).isZero();
      assertThat(readAll(f, empty)).isEmpty();
    }
  }

  @Test
  void handWrittenReadTicketReadsTheWholeTable() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      seed(f);
      Map<String, Object> t =
          new LinkedHashMap<>(Map.of("v", 1, "type", "read", "collection", "docs"));
      t.put("columns", List.of("id", "lang"));
      t.put("filter", "lang = 'de'");
      List<Map<String, Object>> rows = f.get(FlightFixture.ticket(t));
      assertThat(rows)
          .extracting(FlightFixture::id)
          .containsExactlyInAnyOrderElementsOf(
              LongStream.range(0, ROWS).filter(i -> i % 3 == 1).boxed().toList());
    }
  }

  @Test
  void anEndpointLargerThanOneBatchStreamsSeveralBatches() throws Exception {
    int rows = ReadStream.BATCH_ROWS + 300;
    try (FlightFixture f = FlightFixture.start(dir)) {
      f.createDocs("many", 4);
      List<float[]> vectors = FlightFixture.vectors(rows, 4, 6);
      f.putDocs("many", 0, vectors);
      FlightInfo info = f.client.getInfo(FlightDescriptor.path("many"));
      assertThat(info.getEndpoints()).hasSize(1);
      List<Map<String, Object>> read = readAll(f, info);
      assertThat(read).hasSize(rows);
      for (Map<String, Object> r : read) {
        float[] expected = vectors.get((int) id(r));
        List<?> actual = (List<?>) r.get("embedding");
        assertThat(actual).hasSize(4);
        for (int i = 0; i < 4; i++) {
          assertThat(((Number) actual.get(i)).floatValue()).isEqualTo(expected[i]);
        }
        assertThat(r).containsEntry("text", "row " + id(r));
      }
    }
  }

  @Test
  void readLimitCapsTheWholeRead() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      seed(f);
      Map<String, Object> cmd =
          new LinkedHashMap<>(Map.of("v", 1, "type", "read", "collection", "docs"));
      cmd.put("columns", List.of("id"));
      cmd.put("limit", 7);
      cmd.put("splits", 3);
      FlightInfo info = f.client.getInfo(FlightDescriptor.command(Json.bytes(cmd)));
      List<Map<String, Object>> rows = readAll(f, info);
      assertThat(rows).hasSize(7);
      assertThat(rows).extracting(FlightFixture::id).doesNotHaveDuplicates();
    }
  }
}
