package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.assertFlightError;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.ParquetFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** create_external_collection over Flight reads only under the server's allowed roots. */
class ExternalSourceActionTest {
  static final String SECRET = "root:x:0:0:root:/root:/bin/bash\n";

  @TempDir Path dir;

  @Test
  void sourcesOutsideTheRootsAreRefusedWithoutDetail() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    ParquetFixtures.write(data.resolve("a.parquet"), 0, 10, 8, 1);
    Files.writeString(outside.resolve("passwd"), SECRET);
    Files.writeString(data.resolve("passwd.parquet"), SECRET);
    try (FlightFixture f = FlightFixture.startAllowing(dir, List.of(data.toString()))) {
      for (String src :
          List.of(
              outside.resolve("passwd").toString(),
              outside.resolve("missing").toString(),
              "/",
              "file:" + outside + "/*",
              data + "/../outside/passwd")) {
        FlightRuntimeException e =
            assertFlightError(
                () -> f.action("create_external_collection", Map.of("collection", "x", "src", src)),
                FlightStatusCode.INVALID_ARGUMENT,
                "is not under a source root this server allows",
                "--allow-source");
        assertThat(e.getMessage()).doesNotContain("bash");
      }
      FlightRuntimeException e =
          assertFlightError(
              () ->
                  f.action(
                      "create_external_collection",
                      Map.of("collection", "x", "src", data + "/*.parquet", "strict", true)),
              FlightStatusCode.INVALID_ARGUMENT,
              "passwd.parquet: not a Parquet file");
      assertThat(e.getMessage()).doesNotContain("bash").doesNotContain("magic");
      Map<String, Object> ok =
          f.action(
              "create_external_collection",
              Map.of("collection", "ok", "src", "file://" + data + "/a.parquet"));
      assertThat(ok).containsEntry("added_files", 1);
    }
  }

  @Test
  void refreshServesTheNewRowsOfAFileOverwrittenInPlace() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path a = ParquetFixtures.write(data.resolve("a.parquet"), 0, 20, 8, 1);
    try (FlightFixture f = FlightFixture.startAllowing(dir, List.of(data.toString()))) {
      f.action("create_external_collection", Map.of("collection", "ext", "src", data.toString()));
      f.action("create_index", Map.of("collection", "ext"));
      Map<String, Object> t =
          FlightFixture.searchTicket("ext", List.of(ParquetFixtures.vector(1, 4, 8)), 1);
      t.put("output_fields", List.of("text"));
      assertThat(f.search(t))
          .singleElement()
          .satisfies(r -> assertThat(r).containsEntry("text", "row 4"));

      Path next = ParquetFixtures.write(dir.resolve("next.parquet"), 100, 30, 8, 5);
      Files.move(next, a, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Map<String, Object> read = Map.of("type", "read", "collection", "ext");
      assertFlightError(
          () -> f.get(FlightFixture.ticket(read)),
          FlightStatusCode.INVALID_ARGUMENT,
          "changed or disappeared since it was registered",
          "refresh 'ext'");
      Map<String, Object> refreshed = f.action("refresh", Map.of("collection", "ext"));
      assertThat(refreshed).containsEntry("added_files", 1).containsEntry("removed_files", 1);

      Map<String, Object> q =
          FlightFixture.searchTicket("ext", List.of(ParquetFixtures.vector(5, 4, 8)), 1);
      q.put("output_fields", List.of("text"));
      assertThat(f.get(FlightFixture.ticket(read))).hasSize(30);
      assertThat(f.search(q))
          .singleElement()
          .satisfies(r -> assertThat(r).containsEntry("text", "row 104"));
    }
  }
}
