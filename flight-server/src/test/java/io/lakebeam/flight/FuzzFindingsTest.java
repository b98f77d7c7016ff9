package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.assertFlightError;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests that bench/fuzz_requests.py found answered with INTERNAL; each is now precise. */
class FuzzFindingsTest {
  @TempDir Path dir;

  @Test
  void aContextRequestOnATableThatHoldsNoPackagesIsInvalid() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> v = ErrorsTest.seed(f);
      assertFlightError(
          () -> f.action("get_context", Map.of("name", "kb", "topic", "t", "table", "docs")),
          FlightStatusCode.INVALID_ARGUMENT,
          "Cannot read context packages from 'docs': it is not a packages table");
      assertFlightError(
          () -> f.action("list_context", Map.of("table", "docs")),
          FlightStatusCode.INVALID_ARGUMENT,
          "not a packages table");
      ErrorsTest.assertServerAnswers(f, v.get(0));
    }
  }

  @Test
  void aCollectionNameTooLongForAFileNameIsInvalid() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      assertFlightError(
          () ->
              f.action(
                  "create_collection",
                  Map.of("collection", "a".repeat(300), "schema", Map.of("id", "long"))),
          FlightStatusCode.INVALID_ARGUMENT,
          "collection name of 300 characters: use at most 128");
    }
  }

  @Test
  void aHugeValueQuotedInAnErrorIsCutNotATransportError() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> v = ErrorsTest.seed(f);
      Map<String, Object> t = FlightFixture.searchTicket("docs", v.subList(0, 1), 3);
      t.put("output_fields", List.of("x".repeat(100_000)));
      FlightRuntimeException e =
          assertFlightError(
              () -> f.search(t), FlightStatusCode.NOT_FOUND, "cut at 2000 characters");
      assertThat(e.status().description()).hasSizeLessThan(2_100);
    }
  }
}
