package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request path of a search: parallel batches, metadata refreshed off the request path, and
 * indexes warmed before the first query.
 */
class QueryPathTest {
  @TempDir Path dir;

  @Test
  void bigBatchIsSearchedInSlicesAndEqualsSingleSearches() throws Exception {
    assumeThat(Runtime.getRuntime().availableProcessors()).isGreaterThanOrEqualTo(2);
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = SearchTest.seed(f);
      SearchTest.createIndex(f);
      List<float[]> queries = FlightFixture.vectors(100, 77); // >= PARALLEL_MIN_QUERIES
      List<Map<String, Object>> batch = f.search(SearchTest.ticket(queries, 3, "id"));
      assertThat(batch).hasSize(300);
      for (int q = 0; q < queries.size(); q++) {
        List<Map<String, Object>> single =
            f.search(SearchTest.ticket(List.of(queries.get(q)), 3, "id"));
        List<Map<String, Object>> part = batch.subList(3 * q, 3 * q + 3);
        assertThat(part).extracting(h -> h.get("query_index")).containsOnly(q);
        assertThat(part).extracting(FlightFixture::id).isEqualTo(ids(single));
      }
      assertThat(vectors).hasSize(200);
    }
  }

  @Test
  void batchWithAQueryOfTheWrongDimensionNamesIt() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      SearchTest.seed(f);
      SearchTest.createIndex(f);
      List<float[]> queries = new ArrayList<>(FlightFixture.vectors(40, 5));
      queries.set(33, new float[3]);
      FlightFixture.assertFlightError(
          () -> f.search(SearchTest.ticket(queries, 3)),
          org.apache.arrow.flight.FlightStatusCode.INVALID_ARGUMENT,
          "query vector 33 has dimension 3");
    }
  }

  @Test
  void commitOutsideTheServerIsSeenWithinTheRefreshInterval() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir, b -> b.metadataRefreshMillis(20))) {
      List<float[]> vectors = SearchTest.seed(f);
      String file =
          (String) f.search(SearchTest.ticket(List.of(vectors.get(150)), 1)).get(0).get("_file");
      Table table = f.lake.collection("docs").table();
      table.newDelete().deleteFile(file).commit(); // not through the server
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      long found = 150;
      while (found == 150 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        found = id(f.search(SearchTest.ticket(List.of(vectors.get(150)), 1, "id")).get(0));
      }
      assertThat(found).isNotEqualTo(150L);
    }
  }

  @Test
  void writeThroughTheServerIsSeenByTheNextQuery() throws Exception {
    // a refresh interval far longer than the test: only the write's own invalidation can help
    try (FlightFixture f = FlightFixture.start(dir, b -> b.metadataRefreshMillis(3_600_000))) {
      List<float[]> vectors = SearchTest.seed(f);
      f.search(SearchTest.ticket(List.of(vectors.get(0)), 1, "id"));
      List<float[]> more = FlightFixture.vectors(5, 99);
      f.putDocs("docs", 200, more);
      assertThat(id(f.search(SearchTest.ticket(List.of(more.get(2)), 1, "id")).get(0)))
          .isEqualTo(202L);
    }
  }

  @Test
  void warmupSearchesEveryIndexedField() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir);
        IndexWarmup warmup = new IndexWarmup(f.lake, 25)) {
      SearchTest.seed(f);
      warmup.all();
      assertThat(warmup.awaitIdle(60, TimeUnit.SECONDS)).isTrue();
      assertThat(warmup.searchesRun()).isZero(); // no index yet: nothing to warm
      SearchTest.createIndex(f);
      warmup.collection("docs");
      assertThat(warmup.awaitIdle(60, TimeUnit.SECONDS)).isTrue();
      assertThat(warmup.searchesRun()).isEqualTo(25);
      warmup.all();
      assertThat(warmup.awaitIdle(60, TimeUnit.SECONDS)).isTrue();
      assertThat(warmup.searchesRun()).isEqualTo(50);
    }
  }

  @Test
  void everyTicketOfASearchStreamsTheSchemaThatGetFlightInfoAnnounces() throws Exception {
    // the Python client joins the streams of the tickets of one big batch: they must agree
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = SearchTest.seed(f);
      Map<String, Object> one = SearchTest.ticket(List.of(vectors.get(1)), 2, "id", "text");
      Map<String, Object> many = SearchTest.ticket(FlightFixture.vectors(50, 3), 2, "id", "text");
      Map<String, Object> none = SearchTest.ticket(List.of(vectors.get(1)), 2, "id", "text");
      none.put("filter", "id < 0");
      Schema announced =
          f.client
              .getInfo(FlightDescriptor.command(Json.bytes(one)))
              .getSchemaOptional()
              .orElseThrow();
      assertThat(announced.findField("query_index").isNullable()).isFalse();
      for (Map<String, Object> t : List.of(one, many, none)) {
        try (FlightStream s = f.client.getStream(FlightFixture.ticket(t))) {
          assertThat(s.getSchema()).isEqualTo(announced);
          while (s.next()) {
            assertThat(s.getRoot().getSchema()).isEqualTo(announced);
          }
        }
      }
    }
  }

  private static List<Long> ids(List<Map<String, Object>> hits) {
    return hits.stream().map(FlightFixture::id).toList();
  }
}
