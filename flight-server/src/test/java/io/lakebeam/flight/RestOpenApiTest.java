package io.lakebeam.flight;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The served {@code /openapi.json} equals the checked-in {@code docs/openapi.json}, and every
 * request and reply of a run over all endpoints fits it (a schema check of the document as served,
 * with its {@code $ref}s resolved).
 */
class RestOpenApiTest {
  static final Path CHECKED_IN = Path.of("..", "docs", "openapi.json");

  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void everyRequestAndReplyFitsTheServedDocument() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir, b -> b.restPort(0))) {
      RestClient rest = RestClient.of(f.server);
      RestClient.Reply served = rest.get(RestServer.OPENAPI_PATH);
      assertThat(served.status()).isEqualTo(200);
      Map<String, Object> doc = served.json();
      if (Boolean.getBoolean("lakebeam.openapi.write")) {
        Files.writeString(
            CHECKED_IN,
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");
      }
      assertThat(FlightFixture.json(Files.readAllBytes(CHECKED_IN)))
          .as("docs/openapi.json is stale: rerun this test with -Dlakebeam.openapi.write=true")
          .isEqualTo(doc);
      Map<String, Object> paths = (Map<String, Object>) doc.get("paths");
      assertThat(paths.keySet())
          .containsExactlyInAnyOrderElementsOf(
              RestEndpoints.ALL.stream().map(RestEndpoints.Endpoint::path).toList());

      // every endpoint runs a Flight request or action that has a permission of its own
      RestEndpoints.ALL.forEach(
          e -> assertThat(ActionPermissions.NEEDED).as(e.path()).containsKey(e.action()));

      List<Object[]> calls = new ArrayList<>();
      String c = RestApiTest.COLLECTIONS;
      String e = RestApiTest.ENTITIES;
      Map<String, Object> create = new LinkedHashMap<>();
      create.put("collectionName", "docs");
      create.put("schema", FlightFixture.docsSchema(FlightFixture.DIM));
      calls.add(new Object[] {c + "create", create});
      calls.add(new Object[] {c + "create", Map.of("collectionName", "q", "dimension", 4)});
      calls.add(new Object[] {c + "list", Map.of()});
      calls.add(new Object[] {c + "describe", Map.of("collectionName", "docs")});
      List<float[]> vectors = FlightFixture.vectors(40, 3);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < vectors.size(); i++) {
        rows.add(RestApiTest.row(i, vectors.get(i)));
      }
      calls.add(
          new Object[] {
            e + "insert", Map.of("collectionName", "docs", "data", rows, "idempotencyKey", "k1")
          });
      calls.add(
          new Object[] {
            e + "search",
            Map.of(
                "collectionName",
                "docs",
                "data",
                List.of(TestData.boxed(vectors.get(0)), TestData.boxed(vectors.get(1))),
                "limit",
                3,
                "outputFields",
                List.of("text"))
          });
      calls.add(new Object[] {e + "query", Map.of("collectionName", "docs", "filter", "id < 5")});
      calls.add(new Object[] {e + "get", Map.of("collectionName", "docs", "id", List.of(1, 2))});
      calls.add(new Object[] {"/v2/lakebeam/context/get", Map.of("name", "n", "topic", "t")});
      calls.add(new Object[] {e + "search", Map.of("collectionName", "docs", "data", "x")});
      calls.add(new Object[] {e + "query", Map.of("collectionName", "nope")});
      calls.add(new Object[] {c + "drop", Map.of("collectionName", "q")});
      int ok = 0;
      for (Object[] call : calls) {
        String path = (String) call[0];
        Map<String, Object> op =
            (Map<String, Object>) ((Map<String, Object>) paths.get(path)).get("post");
        RestClient.Reply r = rest.post(path, call[1]);
        if (r.status() == 200) {
          ok++;
          // a request the server took fits the document's request schema
          RestSchema.check(call[1], schema(doc, op.get("requestBody")), "", path + " request");
        }
        Map<String, Object> response =
            (Map<String, Object>)
                ((Map<String, Object>) op.get("responses")).get(Integer.toString(r.status()));
        assertThat(response)
            .as("%s replied %d, which the document lists", path, r.status())
            .isNotNull();
        RestSchema.check(r.json(), schema(doc, response), "", path + " reply " + r.status());
      }
      assertThat(ok).isEqualTo(calls.size() - 3);
    }
  }

  /** The JSON schema of a request body or response, with $refs resolved. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> schema(Map<String, Object> doc, Object holder) {
    Map<String, Object> content =
        (Map<String, Object>) ((Map<String, Object>) holder).get("content");
    Object s = ((Map<String, Object>) content.get("application/json")).get("schema");
    return (Map<String, Object>) resolve(doc, s);
  }

  @SuppressWarnings("unchecked")
  static Object resolve(Map<String, Object> doc, Object node) {
    if (node instanceof Map<?, ?> m) {
      if (m.get("$ref") instanceof String ref) {
        Object target = doc;
        for (String part : ref.substring(2).split("/")) {
          target = ((Map<String, Object>) target).get(part);
        }
        return resolve(doc, target);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k.toString(), resolve(doc, v)));
      return out;
    }
    if (node instanceof List<?> l) {
      return l.stream().map(x -> resolve(doc, x)).toList();
    }
    return node;
  }
}
