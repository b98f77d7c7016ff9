package io.lakebeam.flight;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API against a real server: the same results, roles and limits as Flight. */
@SuppressWarnings("unchecked")
class RestApiTest {
  static final String COLLECTIONS = "/v2/vectordb/collections/";
  static final String ENTITIES = "/v2/vectordb/entities/";
  static final int ROWS = 600;

  @TempDir Path dir;

  static Map<String, Object> row(long id, float[] v) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", id);
    r.put("lang", FlightFixture.lang(id));
    r.put("year", FlightFixture.year(id));
    r.put("text", "row " + id);
    r.put("embedding", TestData.boxed(v));
    return r;
  }

  /** Creates "docs" and inserts {@link #ROWS} rows through REST, in two requests. */
  static List<float[]> loadDocs(RestClient rest) throws Exception {
    Map<String, Object> create = new LinkedHashMap<>();
    create.put("collectionName", "docs");
    create.put("schema", FlightFixture.docsSchema(FlightFixture.DIM));
    create.put("metricType", "COSINE");
    rest.ok(COLLECTIONS + "create", create);
    List<float[]> vectors = FlightFixture.vectors(ROWS, 7);
    for (int half = 0; half < 2; half++) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = half * ROWS / 2; i < (half + 1) * ROWS / 2; i++) {
        rows.add(row(i, vectors.get(i)));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> r =
          (Map<String, Object>)
              rest.ok(ENTITIES + "insert", Map.of("collectionName", "docs", "data", rows));
      assertThat(r).containsEntry("insertCount", ROWS / 2).containsKey("snapshotId");
    }
    return vectors;
  }

  @Test
  void collectionsAreCreatedListedDescribedAndDropped() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir, b -> b.restPort(0))) {
      RestClient rest = RestClient.of(f.server);
      loadDocs(rest);
      rest.ok(
          COLLECTIONS + "create",
          Map.of("collectionName", "quick", "dimension", 8, "metricType", "L2"));
      assertThat((List<Object>) rest.ok(COLLECTIONS + "list", Map.of()))
          .containsExactlyInAnyOrder("docs", "quick");
      @SuppressWarnings("unchecked")
      Map<String, Object> quick =
          (Map<String, Object>)
              rest.ok(COLLECTIONS + "describe", Map.of("collectionName", "quick"));
      // the REST reply is the Flight action's result
      assertThat(quick).isEqualTo(f.describe("quick"));
      assertThat(new String(Json.bytes(quick))).contains("vector", "id");
      rest.fails(
          COLLECTIONS + "create", Map.of("collectionName", "quick", "dimension", 8), 409, "quick");
      rest.ok(COLLECTIONS + "drop", Map.of("collectionName", "quick"));
      rest.fails(COLLECTIONS + "describe", Map.of("collectionName", "quick"), 404, "quick");
      assertThat((List<Object>) rest.ok(COLLECTIONS + "list", Map.of())).containsExactly("docs");
    }
  }

  @Test
  void searchReturnsWhatTheFlightSearchReturns() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir, b -> b.restPort(0))) {
      RestClient rest = RestClient.of(f.server);
      loadDocs(rest);
      assertThat(f.action("create_index", Map.of("collection", "docs", "field", "embedding")))
          .containsEntry("rows_indexed", ROWS);
      List<float[]> queries = FlightFixture.vectors(3, 99);
      List<List<Float>> data = new ArrayList<>();
      queries.forEach(q -> data.add(TestData.boxed(q)));
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("collectionName", "docs");
      body.put("data", data);
      body.put("annsField", "embedding");
      body.put("limit", 7);
      body.put("filter", "lang = 'en' AND year >= 2012");
      body.put("outputFields", List.of("id", "text"));
      body.put("searchParams", Map.of("params", Map.of("ef", 64)));
      List<Map<String, Object>> hits = RestClient.rows(rest.ok(ENTITIES + "search", body));

      Map<String, Object> ticket = FlightFixture.searchTicket("docs", queries, 7);
      ticket.put("field", "embedding");
      ticket.put("filter", "lang = 'en' AND year >= 2012");
      ticket.put("output_fields", List.of("id", "text"));
      ticket.put("ef", 64);
      List<Map<String, Object>> flight = f.search(ticket);

      assertThat(hits).hasSize(21).hasSameSizeAs(flight);
      for (int i = 0; i < hits.size(); i++) {
        Map<String, Object> h = hits.get(i);
        Map<String, Object> g = flight.get(i);
        assertThat(h.get("query_index")).isEqualTo(g.get("query_index"));
        assertThat(h.get("rank")).isEqualTo(g.get("rank"));
        assertThat(((Number) h.get("score")).floatValue()).isEqualTo(g.get("_score"));
        assertThat(((Number) h.get("distance")).floatValue()).isEqualTo(g.get("_distance"));
        assertThat(h.get("_file")).isEqualTo(g.get("_file"));
        assertThat(((Number) h.get("_pos")).longValue()).isEqualTo(g.get("_pos"));
        assertThat(((Number) h.get("id")).longValue()).isEqualTo(g.get("id"));
        assertThat(h.get("text")).isEqualTo("row " + h.get("id"));
        assertThat(FlightFixture.lang(((Number) h.get("id")).longValue())).isEqualTo("en");
      }
    }
  }

  @Test
  void queryAndGetReturnRowsByFilterAndId() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir, b -> b.restPort(0))) {
      RestClient rest = RestClient.of(f.server);
      loadDocs(rest);
      List<Map<String, Object>> rows =
          RestClient.rows(
              rest.ok(
                  ENTITIES + "query",
                  Map.of(
                      "collectionName",
                      "docs",
                      "filter",
                      "year = 2011 AND lang = 'de'",
                      "outputFields",
                      List.of("id", "year"),
                      "limit",
                      1000)));
      long expected =
          java.util.stream.LongStream.range(0, ROWS)
              .filter(i -> FlightFixture.year(i) == 2011 && FlightFixture.lang(i).equals("de"))
              .count();
      assertThat(rows)
          .hasSize((int) expected)
          .allSatisfy(r -> assertThat(r).containsOnlyKeys("id", "year"));
      assertThat(
              RestClient.rows(
                  rest.ok(ENTITIES + "query", Map.of("collectionName", "docs", "limit", 5))))
          .hasSize(5);
      List<Map<String, Object>> got =
          RestClient.rows(
              rest.ok(
                  ENTITIES + "get",
                  Map.of(
                      "collectionName",
                      "docs",
                      "id",
                      List.of(3, 590, 12345),
                      "outputFields",
                      List.of("id", "text"))));
      assertThat(got).extracting(r -> r.get("text")).containsExactlyInAnyOrder("row 3", "row 590");
      assertThat(
              RestClient.rows(
                  rest.ok(ENTITIES + "get", Map.of("collectionName", "docs", "id", 42))))
          .singleElement()
          .satisfies(r -> assertThat(r).containsEntry("text", "row 42").containsKey("embedding"));
    }
  }

  @Test
  void malformedBodiesAre400NamingTheField() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir, b -> b.restPort(0))) {
      RestClient rest = RestClient.of(f.server);
      loadDocs(rest);
      String search = ENTITIES + "search";
      rest.fails(
          search,
          Map.of("collectionName", "docs", "data", List.of(List.of(1.0)), "limt", 3),
          400,
          "unknown key 'limt'",
          "did you mean 'limit'?");
      rest.fails(search, Map.of("collectionName", "docs"), 400, "'data' is required");
      rest.fails(
          search,
          Map.of("collectionName", "docs", "data", List.of(List.of(1.0, "x"))),
          400,
          "'data[0][1]'");
      rest.fails(
          search,
          Map.of("collectionName", "docs", "data", List.of(List.of(1.0, 2.0))),
          400,
          "dimension 2",
          "dimension 16");
      rest.fails(
          search,
          Map.of("collectionName", "docs", "data", List.of(List.of(1.0)), "limit", "ten"),
          400,
          "'limit' must be an integer");
      rest.fails(
          search,
          Map.of(
              "collectionName",
              "docs",
              "data",
              List.of(List.of(1.0)),
              "searchParams",
              Map.of("params", Map.of("eff", 3))),
          400,
          "unknown key 'eff' in 'searchParams.params'",
          "did you mean 'ef'?");
      rest.fails(
          search,
          Map.of("collectionName", "docs", "data", List.of(List.of(1.0)), "filter", "lang = "),
          400,
          "filter");
      rest.fails(search, "{\"collectionName\": ", 400, "not a JSON object");
      rest.fails(search, "[1, 2]", 400, "not a JSON object");
      rest.fails(
          ENTITIES + "insert",
          Map.of("collectionName", "docs", "data", List.of(Map.of("id", 1, "year", "late"))),
          400,
          "'data[0].year' must be an integer");
      rest.fails(
          ENTITIES + "insert",
          Map.of("collectionName", "docs", "data", List.of(Map.of("txt", "a"))),
          400,
          "unknown key 'txt' in 'data[0]'",
          "did you mean 'text'?");
      rest.fails(
          COLLECTIONS + "create",
          Map.of("collectionName", "x", "dimension", 4, "schema", Map.of("a", "string")),
          400,
          "not both");
      rest.fails(
          search, Map.of("collectionName", "nope", "data", List.of(List.of(1.0))), 404, "nope");
      rest.fails("/v2/vectordb/entities/upsert", Map.of(), 404, "/openapi.json");
      assertThat(rest.get(search).status()).isEqualTo(405);
      rest.fails(
          "/v2/lakebeam/context/get", Map.of("name", "n", "topic", "t"), 404, "context build");
    }
  }

  @Test
  void limitsAre413AndABusyServerIs429() throws Exception {
    ServerLimits limits =
        ServerLimits.defaults()
            .withMaxTopK(50)
            .withMaxMessageBytes(256 << 10)
            .withMaxConcurrentCalls(1)
            .withMaxQueuedCalls(0);
    try (FlightFixture f = FlightFixture.start(dir, b -> b.restPort(0).limits(limits))) {
      RestClient rest = RestClient.of(f.server);
      loadDocs(rest);
      List<Float> q = TestData.boxed(FlightFixture.vectors(1, 5).get(0));
      rest.fails(
          ENTITIES + "search",
          Map.of("collectionName", "docs", "data", List.of(q), "limit", 51),
          413,
          "top_k=51",
          "--max-top-k");
      rest.fails(
          ENTITIES + "insert",
          Map.of("collectionName", "docs", "data", List.of(Map.of("text", "x".repeat(300_000)))),
          413,
          "--max-message-size");
      rest.fails(
          ENTITIES + "query",
          Map.of("collectionName", "docs", "limit", 100_001),
          413,
          "limit=100001",
          "--max-results");
      try (CallGate.Turn held = f.server.service().gate().enter(null, "a test")) {
        rest.fails(
            ENTITIES + "search", Map.of("collectionName", "docs", "data", List.of(q)), 429, "busy");
      }
      assertThat(
              RestClient.rows(
                  rest.ok(
                      ENTITIES + "search", Map.of("collectionName", "docs", "data", List.of(q)))))
          .hasSize(10);
    }
  }

  @Test
  void tokensAndRolesAreThoseOfFlight() throws Exception {
    Path auth = dir.resolve("auth.json");
    Files.writeString(
        auth,
        """
        {"tokens": [
          {"name": "reader", "token": "r", "grants": {"*": "read"}},
          {"name": "writer", "token": "w", "grants": {"default": "write"}}
        ]}
        """);
    try (FlightFixture f =
        FlightFixture.start(
            dir,
            b -> b.restPort(0).token("root").authConfig(auth),
            AuthTest.bearer("Bearer root"))) {
      RestClient anonymous = RestClient.of(f.server);
      loadDocs(anonymous.withToken("root"));
      Map<String, Object> search =
          Map.of(
              "collectionName",
              "docs",
              "data",
              List.of(TestData.boxed(FlightFixture.vectors(1, 5).get(0))));
      anonymous.fails(ENTITIES + "search", search, 401, "Authorization: Bearer");
      anonymous.withToken("nope").fails(ENTITIES + "search", search, 401, "Wrong token");
      RestClient reader = anonymous.withToken("r");
      assertThat(RestClient.rows(reader.ok(ENTITIES + "search", search))).hasSize(10);
      reader.fails(
          ENTITIES + "insert",
          Map.of("collectionName", "docs", "data", List.of(Map.of("id", 1))),
          403,
          "'write'");
      RestClient writer = anonymous.withToken("w");
      writer.ok(
          ENTITIES + "insert", Map.of("collectionName", "docs", "data", List.of(Map.of("id", 1))));
      writer.fails(COLLECTIONS + "drop", Map.of("collectionName", "docs"), 403, "'admin'");
    }
  }

  @Test
  void tlsServesHttpsWithTheFlightCertificate() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "localhost");
    try (FlightFixture f =
        FlightFixture.start(dir, b -> b.restPort(0).tls(cert.cert(), cert.key()))) {
      assertThat(f.server.restUri()).startsWith("https://");
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (var in = Files.newInputStream(cert.cert())) {
        trust.setCertificateEntry(
            "server", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpClient http =
          HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl).build();
      RestClient rest =
          new RestClient(http, f.server.restUri().replace("127.0.0.1", "localhost"), null);
      assertThat((List<Object>) rest.ok(COLLECTIONS + "list", Map.of())).isEmpty();
    }
  }
}
