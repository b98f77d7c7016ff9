package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.assertFlightError;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.HeaderCallOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server built with a token accepts only calls carrying {@code authorization: Bearer <token>}.
 */
class AuthTest {
  @TempDir Path dir;

  static HeaderCallOption bearer(String value) {
    CallHeaders headers = new FlightCallHeaders();
    headers.insert("authorization", value);
    return new HeaderCallOption(headers);
  }

  @Test
  void bearerTokenIsRequiredOnEveryCall() throws Exception {
    HeaderCallOption right = bearer("Bearer s3cret");
    try (FlightFixture f = FlightFixture.start(dir, b -> b.token("s3cret"), right)) {
      // the fixture's helpers send the right header
      f.createDocs("docs");
      f.putDocs("docs", 0, FlightFixture.vectors(12, 1));
      assertThat(f.action("list_collections", Map.of()))
          .containsEntry("collections", List.of("docs"));
      assertThat(f.search(FlightFixture.searchTicket("docs", FlightFixture.vectors(1, 1), 3)))
          .hasSize(3);

      byte[] body = Json.bytes(Map.of());
      assertFlightError(
          () -> f.client.doAction(new Action("list_collections", body)).next(),
          FlightStatusCode.UNAUTHENTICATED,
          "authorization: Bearer <token>");
      assertFlightError(
          () ->
              f.client
                  .doAction(new Action("list_collections", body), bearer("Bearer wrong"))
                  .next(),
          FlightStatusCode.UNAUTHENTICATED,
          "Wrong token");
      assertFlightError(
          () -> f.client.doAction(new Action("list_collections", body), bearer("s3cret")).next(),
          FlightStatusCode.UNAUTHENTICATED,
          "'Bearer <token>'");
      assertFlightError(
          () ->
              f.client
                  .doAction(new Action("list_collections", body), bearer("Bearer s3cret2"))
                  .next(),
          FlightStatusCode.UNAUTHENTICATED,
          "Wrong token");
      assertFlightError(
          () -> f.client.getInfo(FlightDescriptor.path("docs")), FlightStatusCode.UNAUTHENTICATED);
      assertFlightError(
          () -> f.client.listFlights(Criteria.ALL).iterator().next(),
          FlightStatusCode.UNAUTHENTICATED);
      assertFlightError(
          () ->
              f.client
                  .getStream(FlightFixture.ticket(Map.of("type", "read", "collection", "docs")))
                  .next(),
          FlightStatusCode.UNAUTHENTICATED);

      // the right header still works after the refusals
      assertThat(f.client.getInfo(FlightDescriptor.path("docs"), right).getRecords()).isEqualTo(12);
      assertThat(f.client.doAction(new Action("list_collections", body), right).next().getBody())
          .isNotEmpty();
      // the scheme name is case-insensitive (RFC 7235)
      assertThat(
              f.client
                  .doAction(new Action("list_collections", body), bearer("bearer s3cret"))
                  .next()
                  .getBody())
          .isNotEmpty();
    }
  }

  @Test
  void serverWithoutTokenIgnoresHeaders() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      assertThat(
              f.client
                  .doAction(
                      new Action("list_collections", Json.bytes(Map.of())),
                      bearer("Bearer anything"))
                  .next()
                  .getBody())
          .isNotEmpty();
    }
  }
}
