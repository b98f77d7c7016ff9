package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.assertFlightError;
import static io.lakebeam.flight.FlightFixture.searchTicket;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests beyond a server's limits fail with a status that names the limit, its value and the
 * option that changes it; the server keeps answering.
 */
class RequestLimitsTest {
  @TempDir Path dir;

  static List<float[]> queries(List<float[]> vectors, int n) {
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(vectors.get(i % vectors.size()));
    }
    return out;
  }

  @Test
  void searchLimitsNameTheLimitAndTheOption() throws Exception {
    ServerLimits limits =
        ServerLimits.defaults()
            .withMaxQueries(4)
            .withMaxTopK(50)
            .withMaxEf(100)
            .withMaxResults(100)
            .withMaxFilterChars(100);
    try (FlightFixture f = FlightFixture.start(dir, b -> b.limits(limits))) {
      List<float[]> v = ErrorsTest.seed(f);
      assertFlightError(
          () -> f.search(searchTicket("docs", queries(v, 5), 1)),
          FlightStatusCode.INVALID_ARGUMENT,
          "Cannot serve 5 query vectors: the server's limit is 4 (lakebeam serve --max-queries)");
      assertFlightError(
          () -> f.search(searchTicket("docs", queries(v, 1), 51)),
          FlightStatusCode.INVALID_ARGUMENT,
          "top_k=51",
          "limit is 50",
          "--max-top-k");
      Map<String, Object> ef = searchTicket("docs", queries(v, 1), 5);
      ef.put("ef", 101);
      assertFlightError(
          () -> f.search(ef),
          FlightStatusCode.INVALID_ARGUMENT,
          "ef=101",
          "limit is 100",
          "--max-ef");
      assertFlightError(
          () -> f.search(searchTicket("docs", queries(v, 4), 30)),
          FlightStatusCode.INVALID_ARGUMENT,
          "4 query vectors x top_k 30 = 120 results",
          "limit is 100",
          "--max-results");
      Map<String, Object> filtered = searchTicket("docs", queries(v, 1), 5);
      filtered.put("filter", "lang = '" + "x".repeat(200) + "'");
      assertFlightError(
          () -> f.search(filtered),
          FlightStatusCode.INVALID_ARGUMENT,
          "a filter of 209 characters",
          "--max-filter-length");
      Map<String, Object> read =
          Map.of("type", "read", "collection", "docs", "filter", filtered.get("filter"));
      assertFlightError(
          () -> f.client.getInfo(FlightDescriptor.command(Json.bytes(read))),
          FlightStatusCode.INVALID_ARGUMENT,
          "--max-filter-length");
      assertThat(f.search(searchTicket("docs", queries(v, 4), 25))).hasSize(100);
      ErrorsTest.assertServerAnswers(f, v.get(0));
    }
  }

  @Test
  void aDeeplyNestedFilterIsInvalidNotAStackOverflow() throws Exception {
    // 200,000 levels in a 400 KB request: within a raised length limit, refused by depth
    ServerLimits limits = ServerLimits.defaults().withMaxFilterChars(1 << 20);
    try (FlightFixture f = FlightFixture.start(dir, b -> b.limits(limits))) {
      List<float[]> v = ErrorsTest.seed(f);
      Map<String, Object> t = searchTicket("docs", v.subList(0, 1), 5);
      t.put("filter", "(".repeat(200_000) + "lang = 'en'" + ")".repeat(200_000));
      assertFlightError(
          () -> f.search(t), FlightStatusCode.INVALID_ARGUMENT, "nested more than 64 levels deep");
      t.put("filter", "NOT ".repeat(100_000) + "lang = 'en'");
      assertFlightError(
          () -> f.search(t), FlightStatusCode.INVALID_ARGUMENT, "nested more than 64 levels deep");
      ErrorsTest.assertServerAnswers(f, v.get(0));
    }
  }

  @Test
  void aZeroQueryVectorUnderCosineIsInvalid() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> v = ErrorsTest.seed(f);
      List<float[]> qs = List.of(v.get(0), new float[FlightFixture.DIM]);
      assertFlightError(
          () -> f.search(searchTicket("docs", qs, 5)),
          FlightStatusCode.INVALID_ARGUMENT,
          "query vector 1 has zero norm; cosine is undefined");
      f.action("create_index", Map.of("collection", "docs"));
      assertFlightError(
          () -> f.search(searchTicket("docs", qs, 5)),
          FlightStatusCode.INVALID_ARGUMENT,
          "query vector 1 has zero norm");
      ErrorsTest.assertServerAnswers(f, v.get(0));
    }
  }

  @Test
  void messagesAboveTheLimitAreRefused() throws Exception {
    ServerLimits limits = ServerLimits.defaults().withMaxMessageBytes(64 * 1024);
    try (FlightFixture f = FlightFixture.start(dir, b -> b.limits(limits))) {
      List<float[]> v = ErrorsTest.seed(f);
      // ~150 KB of vectors in one DoPut batch: gRPC refuses the message (RESOURCE_EXHAUSTED on
      // the server; the Java Flight client reports its put as CANCELLED) and nothing is written
      org.apache.arrow.flight.FlightRuntimeException put =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              org.apache.arrow.flight.FlightRuntimeException.class,
              () -> f.putDocs("docs", 1000, FlightFixture.vectors(2_000, 7)));
      assertThat(put).isNotNull();
      assertThat(put.status().code())
          .isIn(FlightStatusCode.RESOURCE_EXHAUSTED, FlightStatusCode.CANCELLED);
      // the refused stream may end the client's HTTP/2 connection (GOAWAY); the server stays up
      f.reconnect();
      assertThat(f.describe("docs")).containsEntry("row_count", 30);
      Map<String, Object> t = searchTicket("docs", queries(v, 1), 5);
      t.put("filter", "lang = '" + "x".repeat(10_000) + "'");
      t.put("output_fields", List.of("y".repeat(100_000)));
      assertFlightError(() -> f.search(t), FlightStatusCode.RESOURCE_EXHAUSTED, "65536");
      f.reconnect();
      assertThat(f.putDocs("docs", 1000, FlightFixture.vectors(20, 7))).containsEntry("rows", 20);
      ErrorsTest.assertServerAnswers(f, v.get(0));
    }
  }

  @Test
  void aSearchResultAboveTheByteLimitIsRefused() throws Exception {
    ServerLimits limits = ServerLimits.defaults().withMaxResultBytes(2_000);
    try (FlightFixture f = FlightFixture.start(dir, b -> b.limits(limits))) {
      List<float[]> v = ErrorsTest.seed(f);
      Map<String, Object> t = searchTicket("docs", queries(v, 3), 30);
      t.put("output_fields", List.of("text", "lang"));
      assertFlightError(
          () -> f.search(t),
          FlightStatusCode.RESOURCE_EXHAUSTED,
          "the server's limit is 2000 (lakebeam serve --max-result-bytes)");
      assertThat(f.search(searchTicket("docs", queries(v, 1), 1))).hasSize(1);
    }
  }

  @Test
  void theArrowAllocatorIsBounded() throws Exception {
    ServerLimits limits = ServerLimits.defaults().withArrowMemoryBytes(256L << 20);
    try (FlightFixture f = FlightFixture.start(dir, b -> b.limits(limits))) {
      assertThat(f.server.allocatorLimit()).isEqualTo(256L << 20);
    }
  }

  @Test
  void invalidLimitsNameTheOption() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ServerLimits.defaults().withMaxQueries(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--max-queries");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ServerLimits.defaults().withMaxQueuedCalls(-1))
        .hasMessageContaining("--max-queued-calls");
  }
}
