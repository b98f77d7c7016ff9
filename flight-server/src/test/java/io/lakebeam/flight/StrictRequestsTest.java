package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.assertFlightError;
import static io.lakebeam.flight.FlightFixture.searchTicket;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unknown keys in tickets, commands and action bodies are errors naming the closest known key. */
class StrictRequestsTest {
  @TempDir Path dir;

  @Test
  void aMisspelledFilterIsAnErrorNotAnUnfilteredSearch() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = ErrorsTest.seed(f);
      Map<String, Object> t = searchTicket("docs", vectors.subList(0, 1), 5);
      t.put("filer", "lang = 'en'");
      assertFlightError(
          () -> f.search(t),
          FlightStatusCode.INVALID_ARGUMENT,
          "unknown key 'filer'; did you mean 'filter'?");
      // the same in a GetFlightInfo command
      assertFlightError(
          () -> f.client.getInfo(FlightDescriptor.command(Json.bytes(t))),
          FlightStatusCode.INVALID_ARGUMENT,
          "did you mean 'filter'?");
      ErrorsTest.assertServerAnswers(f, vectors.get(0));
    }
  }

  @Test
  void readsInsertsAndActionsNameTheClosestKey() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = ErrorsTest.seed(f);
      Map<String, Object> read = new LinkedHashMap<>();
      read.put("type", "read");
      read.put("collection", "docs");
      read.put("colums", List.of("id"));
      assertFlightError(
          () -> f.client.getInfo(FlightDescriptor.command(Json.bytes(read))),
          FlightStatusCode.INVALID_ARGUMENT,
          "command descriptor",
          "unknown key 'colums'; did you mean 'columns'?");
      read.remove("colums");
      read.put("snapshot", 1);
      assertFlightError(
          () -> f.get(FlightFixture.ticket(read)),
          FlightStatusCode.INVALID_ARGUMENT,
          "ticket",
          "did you mean 'snapshot_id'?");
      assertFlightError(
          () ->
              f.action(
                  "create_collection",
                  Map.of(
                      "collection",
                      "other",
                      "schema",
                      FlightFixture.docsSchema(4),
                      "if_not_exist",
                      true)),
          FlightStatusCode.INVALID_ARGUMENT,
          "action 'create_collection' body",
          "did you mean 'if_not_exists'?");
      assertFlightError(
          () -> f.action("describe_collection", Map.of("collection", "docs", "zzzzzzzzz", 1)),
          FlightStatusCode.INVALID_ARGUMENT,
          "unknown key 'zzzzzzzzz'; known keys are [collection, v]");
      assertFlightError(
          () -> f.action("get_context", Map.of("name", "kb", "topic", "t", "verison", 2)),
          FlightStatusCode.INVALID_ARGUMENT,
          "did you mean 'version'?");
      String insert = "{\"type\": \"insert\", \"colection\": \"docs\"}";
      try (var root = f.docsBatch(100, vectors.subList(0, 2), false)) {
        assertFlightError(
            () ->
                f.put(
                    FlightDescriptor.command(
                        insert.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    root),
            FlightStatusCode.INVALID_ARGUMENT,
            "did you mean 'collection'?");
      }
      ErrorsTest.assertServerAnswers(f, vectors.get(0));
    }
  }
}
