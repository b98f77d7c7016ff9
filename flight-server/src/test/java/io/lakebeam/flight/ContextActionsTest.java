package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.assertFlightError;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.contextpackages.Citation;
import io.lakebeam.contextpackages.ContextPackage;
import io.lakebeam.contextpackages.PackageTable;
import io.lakebeam.core.lake.Collection;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** get_context, diff_context and list_context over a packages table with two versions. */
class ContextActionsTest {
  @TempDir Path dir;

  private static ContextPackage pkg(String text, List<Citation> citations, long snapshot) {
    return new ContextPackage(
        "support-kb",
        "key rotation",
        0,
        "how do I rotate keys?",
        text,
        citations,
        12,
        5,
        1,
        "sha256:" + text.hashCode(),
        "{\"name\": \"support-kb\"}",
        "sha256:spec",
        "kb.chunks",
        "embedding",
        snapshot,
        "all-MiniLM-L6-v2@onnx-sha256:759c3cd2b7fe",
        "all-MiniLM-L6-v2@onnx-sha256:759c3cd2b7fe",
        null,
        null);
  }

  private static void twoVersions(FlightFixture f) {
    Collection packages = PackageTable.ensure(f.lake, "context.packages");
    Citation keys = new Citation(1, "d1", "file:///kb/keys.md", 0, 0, 90, 0.71);
    Citation update = new Citation(2, "d2", "file:///kb/keys-2.md", 0, 0, 120, 0.8);
    PackageTable.commit(packages, List.of(pkg("[1] rotate", List.of(keys), 10)), "b1");
    PackageTable.commit(
        packages.refreshMetadata(),
        List.of(pkg("[1] rotate\n\n[2] checklist", List.of(keys, update), 11)),
        "b2");
  }

  @Test
  void fetchesLatestOrAGivenVersionAndDiffsThem() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      twoVersions(f);
      Map<String, Object> latest =
          f.action("get_context", Map.of("name", "support-kb", "topic", "key rotation"));
      assertThat(latest).containsEntry("version", 2).containsEntry("source_snapshot_id", 11);
      assertThat(latest.get("text")).isEqualTo("[1] rotate\n\n[2] checklist");
      assertThat(FlightFixture.list(latest, "citations")).hasSize(2);
      assertThat(FlightFixture.list(latest, "citations").get(1))
          .containsEntry("uri", "file:///kb/keys-2.md")
          .containsEntry("char_end", 120);

      Map<String, Object> v1 =
          f.action(
              "get_context", Map.of("name", "support-kb", "topic", "key rotation", "version", 1));
      assertThat(v1).containsEntry("version", 1).containsEntry("text", "[1] rotate");

      Map<String, Object> diff =
          f.action(
              "diff_context",
              Map.of("name", "support-kb", "topic", "key rotation", "from", 1, "to", 2));
      assertThat(diff).containsEntry("same_content", false).containsEntry("citations_kept", 1);
      assertThat(FlightFixture.list(diff, "citations_added"))
          .singleElement()
          .satisfies(c -> assertThat(c).containsEntry("uri", "file:///kb/keys-2.md"));

      Map<String, Object> versions =
          f.action("list_context", Map.of("name", "support-kb", "topic", "key rotation"));
      assertThat(FlightFixture.list(versions, "versions")).hasSize(2);
      assertThat(f.action("list_context", Map.of()).toString()).contains("key rotation");

      List<String> actions = new java.util.ArrayList<>();
      for (ActionType t : f.client.listActions()) {
        actions.add(t.getType());
      }
      assertThat(actions).contains("get_context", "diff_context", "list_context");
    }
  }

  @Test
  void missingPackagesAreNotFoundAndBadVersionsInvalid() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      assertFlightError(
          () -> f.action("get_context", Map.of("name", "support-kb", "topic", "x")),
          FlightStatusCode.NOT_FOUND,
          "table 'context.packages' does not exist",
          "lakebeam context build");
      twoVersions(f);
      assertFlightError(
          () -> f.action("get_context", Map.of("name", "support-kb", "topic", "tea")),
          FlightStatusCode.NOT_FOUND,
          "has no topic 'tea'",
          "[key rotation]");
      assertFlightError(
          () ->
              f.action(
                  "get_context",
                  Map.of("name", "support-kb", "topic", "key rotation", "version", 9)),
          FlightStatusCode.NOT_FOUND,
          "has no version 9; its versions are [1, 2]");
      assertFlightError(
          () ->
              f.action(
                  "get_context",
                  Map.of("name", "support-kb", "topic", "key rotation", "version", 0)),
          FlightStatusCode.INVALID_ARGUMENT,
          "'version' must be a version >= 1");
      assertFlightError(
          () -> f.action("get_context", Map.of("topic", "key rotation")),
          FlightStatusCode.INVALID_ARGUMENT,
          "'name' is required");
    }
  }
}
