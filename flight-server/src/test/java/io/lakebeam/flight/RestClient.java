package io.lakebeam.flight;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * A REST client for tests: {@link java.net.http.HttpClient} (HTTP/1.1, keep-alive) posting JSON to
 * a server's REST port and parsing every reply as JSON.
 *
 * <pre>{@code
 * RestClient rest = RestClient.of(server);
 * Map<String, Object> data = rest.ok("/v2/vectordb/collections/list", Map.of());
 * }</pre>
 */
final class RestClient {
  /** A reply: its HTTP status, its JSON body and the body's raw text. */
  record Reply(int status, Map<String, Object> json, String text) {
    /** The reply's "message" (a failure), for assertions. */
    String message() {
      return String.valueOf(json.get("message"));
    }
  }

  final HttpClient http;
  final String base;
  final String token;

  RestClient(HttpClient http, String base, String token) {
    this.http = http;
    this.base = base;
    this.token = token;
  }

  static RestClient of(LakebeamFlightServer server) {
    return new RestClient(
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(),
        server.restUri(),
        null);
  }

  RestClient withToken(String token) {
    return new RestClient(http, base, token);
  }

  Reply post(String path, Object body) throws Exception {
    return postRaw(path, body instanceof String s ? s : new String(Json.bytes(body)));
  }

  Reply postRaw(String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    return send(b);
  }

  Reply get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  private Reply send(HttpRequest.Builder b) throws Exception {
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return new Reply(r.statusCode(), FlightFixture.json(r.body().getBytes()), r.body());
  }

  /** Posts and returns "data" of a 200 reply with code 0. */
  Object ok(String path, Object body) throws Exception {
    Reply r = post(path, body);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json()).containsEntry("code", 0);
    return r.json().get("data");
  }

  /** Posts and checks the failure's status, {"code": status, "message"} and message fragments. */
  Reply fails(String path, Object body, int status, String... fragments) throws Exception {
    Reply r = post(path, body);
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.json()).containsOnlyKeys("code", "message").containsEntry("code", status);
    for (String f : fragments) {
      assertThat(r.message()).contains(f);
    }
    return r;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rows(Object data) {
    return (List<Map<String, Object>>) data;
  }
}
