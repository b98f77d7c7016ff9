package io.lakebeam.flight;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of seeded malformed bodies over every endpoint: each gets a JSON reply {@code {"code",
 * "message"}} with a 4xx status (or 200 when the mutation left a valid request), never a 5xx.
 */
class RestFuzzTest {
  static final long SEED = 17;
  static final int BODIES = 400;

  @TempDir Path dir;

  @Test
  void malformedBodiesNeverGetA5xx() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir, b -> b.restPort(0))) {
      RestClient rest = RestClient.of(f.server);
      RestApiTest.loadDocs(rest);
      Random rnd = new Random(SEED);
      List<Map<String, Object>> valid = validBodies();
      int rejected = 0;
      for (int i = 0; i < BODIES; i++) {
        Map<String, Object> seed = valid.get(rnd.nextInt(valid.size()));
        String path = (String) seed.get("path");
        @SuppressWarnings("unchecked")
        Map<String, Object> body = new LinkedHashMap<>((Map<String, Object>) seed.get("body"));
        String raw = mutate(rnd, body);
        RestClient.Reply r = rest.postRaw(path, raw);
        assertThat(r.status())
            .as("body %d to %s: %s -> %s", i, path, raw, r.text())
            .isLessThan(500);
        if (r.status() != 200) {
          rejected++;
          assertThat(r.json())
              .containsOnlyKeys("code", "message")
              .containsEntry("code", r.status());
        }
      }
      assertThat(rejected).isGreaterThan(BODIES / 2);
      // the server still answers
      assertThat((List<?>) rest.ok(RestApiTest.COLLECTIONS + "list", Map.of())).isNotEmpty();
    }
  }

  static List<Map<String, Object>> validBodies() {
    List<Float> q = TestData.boxed(FlightFixture.vectors(1, 9).get(0));
    String c = RestApiTest.COLLECTIONS;
    String e = RestApiTest.ENTITIES;
    return List.of(
        Map.of("path", c + "list", "body", Map.of()),
        Map.of("path", c + "describe", "body", Map.of("collectionName", "docs")),
        Map.of(
            "path",
            c + "create",
            "body",
            Map.of("collectionName", "fz", "dimension", 4, "metricType", "L2")),
        Map.of(
            "path",
            c + "create",
            "body",
            Map.of(
                "collectionName", "fz2", "schema", Map.of("a", "string", "v", "float_vector(3)"))),
        Map.of("path", c + "drop", "body", Map.of("collectionName", "fz")),
        Map.of(
            "path",
            e + "insert",
            "body",
            Map.of(
                "collectionName",
                "docs",
                "data",
                List.of(RestApiTest.row(9_000, FlightFixture.vectors(1, 4).get(0))))),
        Map.of(
            "path",
            e + "search",
            "body",
            Map.of(
                "collectionName",
                "docs",
                "data",
                List.of(q),
                "limit",
                3,
                "filter",
                "lang = 'en'",
                "outputFields",
                List.of("text"),
                "searchParams",
                Map.of("params", Map.of("ef", 32)))),
        Map.of(
            "path",
            e + "query",
            "body",
            Map.of("collectionName", "docs", "filter", "year > 2015", "limit", 4)),
        Map.of("path", e + "get", "body", Map.of("collectionName", "docs", "id", List.of(1, 2))),
        Map.of("path", "/v2/lakebeam/context/get", "body", Map.of("name", "n", "topic", "t")));
  }

  /** A malformed variant of {@code body}, as the raw text sent. */
  static String mutate(Random rnd, Map<String, Object> body) {
    List<String> keys = new ArrayList<>(body.keySet());
    switch (rnd.nextInt(8)) {
      case 0 -> { // a value of another type
        if (!keys.isEmpty()) {
          body.put(keys.get(rnd.nextInt(keys.size())), junk(rnd, 2));
        }
      }
      case 1 -> { // a key dropped
        if (!keys.isEmpty()) {
          body.remove(keys.get(rnd.nextInt(keys.size())));
        }
      }
      case 2 -> body.put("k" + rnd.nextInt(100), junk(rnd, 1)); // an unknown key
      case 3 -> { // truncated JSON
        String s = new String(Json.bytes(body));
        return s.substring(0, rnd.nextInt(Math.max(1, s.length())));
      }
      case 4 -> { // not an object
        return new String(Json.bytes(junk(rnd, 3)));
      }
      case 5 -> { // random bytes
        StringBuilder b = new StringBuilder();
        for (int i = rnd.nextInt(40); i > 0; i--) {
          b.append((char) (rnd.nextInt(0x7f - 0x20) + 0x20));
        }
        return b.toString();
      }
      case 6 -> { // a nested value replaced deep inside
        for (String k : keys) {
          if (body.get(k) instanceof List<?> l && !l.isEmpty()) {
            List<Object> copy = new ArrayList<>(l);
            copy.set(rnd.nextInt(copy.size()), junk(rnd, 2));
            body.put(k, copy);
            break;
          }
        }
      }
      default -> { // every value swapped
        for (String k : keys) {
          body.put(k, junk(rnd, 2));
        }
      }
    }
    return new String(Json.bytes(body));
  }

  /** A random JSON value up to {@code depth} levels deep. */
  static Object junk(Random rnd, int depth) {
    int kind = rnd.nextInt(depth > 0 ? 11 : 8);
    return switch (kind) {
      case 0 -> null;
      case 1 -> rnd.nextBoolean();
      case 2 -> rnd.nextInt(2_000_001) - 1_000_000;
      case 3 -> Long.MAX_VALUE - rnd.nextInt(3);
      case 4 -> rnd.nextDouble() * 1e300 * (rnd.nextBoolean() ? 1 : -1);
      case 5 ->
          List.of("", "docs", "'", "\"", "lang = ", "id IN (", "embedding", "x".repeat(500))
              .get(rnd.nextInt(8));
      case 6 -> -1;
      case 7 -> 0.5;
      case 8 -> {
        List<Object> l = new ArrayList<>();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          l.add(junk(rnd, depth - 1));
        }
        yield l;
      }
      case 9 -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = rnd.nextInt(3); i > 0; i--) {
          m.put(
              List.of("params", "ef", "a", "text", "id", "v").get(rnd.nextInt(6)),
              junk(rnd, depth - 1));
        }
        yield m;
      }
      default -> List.of(List.of(0.1, 0.2), List.of("a"), List.of()).get(rnd.nextInt(3));
    };
  }
}
