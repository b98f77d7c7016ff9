package io.lakebeam.flight;

import static io.lakebeam.flight.AuthTest.bearer;
import static io.lakebeam.flight.FlightFixture.assertFlightError;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens with read / write / admin per namespace from an auth config file: every call is checked, a
 * denial is UNAUTHORIZED naming the permission, and the file is reloaded when it changes.
 */
class RolesTest {
  @TempDir Path dir;

  private static final CallOption ADMIN = bearer("Bearer root");
  private static final CallOption READER = bearer("Bearer r");
  private static final CallOption WRITER = bearer("Bearer w");
  private static final CallOption CORPUS = bearer("Bearer c");

  /** reader: read everywhere; writer: write in default; corpus: admin in corpus only. */
  private static final String CONFIG =
      """
      {"tokens": [
        {"name": "reader", "token": "r", "grants": {"*": "read"}},
        {"name": "writer", "sha256": "%s", "grants": {"default": "write"}},
        {"name": "corpus-admin", "token": "c", "grants": {"corpus": "admin"}}
      ]}
      """
          .formatted(AccessConfig.sha256("w"));

  private Path config(String json, long modifiedSeconds) throws Exception {
    Path file = dir.resolve("auth.json");
    Files.writeString(file, json);
    // an explicit mtime: a reload is seen however fast the test runs
    Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(modifiedSeconds)));
    return file;
  }

  private FlightFixture start() throws Exception {
    Path file = config(CONFIG, 1_000_000);
    return FlightFixture.start(dir, b -> b.token("root").authConfig(file), ADMIN);
  }

  private static Map<String, Object> action(
      FlightClient client, String type, Map<String, Object> body, CallOption who) {
    return FlightFixture.json(
        client.doAction(new Action(type, Json.bytes(body)), who).next().getBody());
  }

  /** The number of rows a DoGet of {@code ticket} returns. */
  private static long rows(FlightFixture f, Map<String, Object> ticket, CallOption who)
      throws Exception {
    long n = 0;
    try (FlightStream stream = f.client.getStream(FlightFixture.ticket(ticket), who)) {
      while (stream.next()) {
        n += stream.getRoot().getRowCount();
      }
    }
    return n;
  }

  private static void insert(FlightFixture f, String collection, CallOption who) throws Exception {
    try (VectorSchemaRoot root = f.docsBatch(100, FlightFixture.vectors(2, 7), false);
        SyncPutListener listener = new SyncPutListener()) {
      FlightClient.ClientStreamListener w =
          f.client.startPut(FlightDescriptor.path(collection), root, listener, who);
      w.putNext();
      w.completed();
      w.getResult();
    }
  }

  @Test
  void eachTokenMayDoWhatItsRoleAllowsAndNothingMore() throws Exception {
    try (FlightFixture f = start()) {
      f.createDocs("docs");
      f.createDocs("corpus.chunks");
      f.putDocs("docs", 0, FlightFixture.vectors(12, 1));

      // read: search, describe, list, read
      assertThat(
              rows(f, FlightFixture.searchTicket("docs", FlightFixture.vectors(1, 1), 3), READER))
          .isEqualTo(3);
      assertThat(action(f.client, "describe_collection", Map.of("collection", "docs"), READER))
          .containsKey("schema");
      assertThat(f.client.getInfo(FlightDescriptor.path("docs"), READER).getRecords())
          .isEqualTo(12);
      assertFlightError(
          () -> insert(f, "docs", READER),
          FlightStatusCode.UNAUTHORIZED,
          "Cannot run 'insert' on 'docs'",
          "token 'reader' lacks the 'write' permission on namespace 'default'");
      assertFlightError(
          () -> action(f.client, "drop_collection", Map.of("collection", "docs"), READER),
          FlightStatusCode.UNAUTHORIZED,
          "'admin' permission");

      // write in default: insert and create, but no admin and nothing in corpus
      insert(f, "docs", WRITER);
      assertThat(f.describe("docs").toString()).contains("14");
      action(
          f.client,
          "create_collection",
          Map.of("collection", "notes", "schema", Map.of("text", "string")),
          WRITER);
      assertFlightError(
          () -> action(f.client, "drop_collection", Map.of("collection", "notes"), WRITER),
          FlightStatusCode.UNAUTHORIZED,
          "'admin'");
      assertFlightError(
          () -> action(f.client, "create_index", Map.of("collection", "docs"), WRITER),
          FlightStatusCode.UNAUTHORIZED,
          "'admin'");
      assertFlightError(
          () -> insert(f, "corpus.chunks", WRITER),
          FlightStatusCode.UNAUTHORIZED,
          "namespace 'corpus'");
      assertFlightError(
          () -> rows(f, Map.of("type", "read", "collection", "corpus.chunks"), WRITER),
          FlightStatusCode.UNAUTHORIZED,
          "'read'");

      // admin of corpus only: drops there, sees only its namespace
      assertThat(action(f.client, "list_collections", Map.of(), CORPUS))
          .containsEntry("collections", List.of("corpus.chunks"));
      List<String> listed = new java.util.ArrayList<>();
      for (FlightInfo info : f.client.listFlights(Criteria.ALL, CORPUS)) {
        listed.add(info.getDescriptor().getPath().get(0));
      }
      assertThat(listed).containsExactly("corpus.chunks");
      assertFlightError(
          () -> action(f.client, "pin_collection", Map.of("collection", "docs"), CORPUS),
          FlightStatusCode.UNAUTHORIZED,
          "namespace 'default'");
      assertThat(action(f.client, "drop_collection", Map.of("collection", "corpus.chunks"), CORPUS))
          .containsEntry("dropped", true);

      // the --token is an admin everywhere; an unknown token is not a principal at all
      assertThat(f.action("list_collections", Map.of()))
          .containsEntry("collections", List.of("docs", "notes"));
      assertFlightError(
          () -> action(f.client, "list_collections", Map.of(), bearer("Bearer nobody")),
          FlightStatusCode.UNAUTHENTICATED,
          "Wrong token");
    }
  }

  @Test
  void changedConfigIsReloadedAndABrokenOneKeepsThePrevious() throws Exception {
    try (FlightFixture f = start()) {
      f.createDocs("docs");
      assertFlightError(() -> insert(f, "docs", READER), FlightStatusCode.UNAUTHORIZED);

      config(CONFIG.replace("{\"*\": \"read\"}", "{\"*\": \"write\"}"), 1_000_010);
      insert(f, "docs", READER);

      config("{\"tokens\": [ {\"name\": ", 1_000_020); // half-written: keep the last good one
      insert(f, "docs", READER);

      config(
          "{\"tokens\": [{\"name\": \"reader\", \"token\": \"r\", \"grants\": {\"*\":"
              + " \"read\"}}]}",
          1_000_030);
      assertFlightError(() -> insert(f, "docs", READER), FlightStatusCode.UNAUTHORIZED, "'write'");
      assertFlightError(
          () -> action(f.client, "list_collections", Map.of(), WRITER),
          FlightStatusCode.UNAUTHENTICATED,
          "Wrong token");
      // the --token stays an admin across reloads
      assertThat(f.action("list_collections", Map.of()))
          .containsEntry("collections", List.of("docs"));
    }
  }
}
