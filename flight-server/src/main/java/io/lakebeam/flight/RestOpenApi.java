package io.lakebeam.flight;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI 3 document of the REST API, generated from {@link RestEndpoints} (the table the
 * server checks bodies against) and served at {@code GET /openapi.json}; {@code docs/openapi.json}
 * is a copy that a test keeps equal to it.
 *
 * <pre>{@code
 * byte[] doc = Json.bytes(RestOpenApi.document());
 * }</pre>
 */
final class RestOpenApi {
  private RestOpenApi() {}

  static Map<String, Object> document() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.0.3");
    doc.put(
        "info",
        Map.of(
            "title",
            "Lakebeam REST API",
            "version",
            "1",
            "description",
            "Milvus RESTful v2 shaped JSON API beside Arrow Flight; see docs/rest-api.md"));
    Map<String, Object> paths = new LinkedHashMap<>();
    for (RestEndpoints.Endpoint e : RestEndpoints.ALL) {
      paths.put(e.path(), Map.of("post", operation(e)));
    }
    doc.put("paths", paths);
    Map<String, Object> schemas = new LinkedHashMap<>();
    schemas.put(
        "Error",
        Map.of(
            "type",
            "object",
            "required",
            List.of("code", "message"),
            "additionalProperties",
            false,
            "properties",
            Map.of("code", Map.of("type", "integer"), "message", Map.of("type", "string"))));
    doc.put(
        "components",
        Map.of(
            "schemas",
            schemas,
            "securitySchemes",
            Map.of("bearer", Map.of("type", "http", "scheme", "bearer"))));
    doc.put("security", List.of(Map.of("bearer", List.of())));
    return doc;
  }

  private static Map<String, Object> operation(RestEndpoints.Endpoint e) {
    Map<String, Object> props = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    for (RestEndpoints.Key k : e.keys()) {
      Map<String, Object> s = new LinkedHashMap<>(k.schema());
      s.put("description", k.description());
      props.put(k.name(), s);
      if (k.required()) {
        required.add(k.name());
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "object");
    body.put("additionalProperties", false);
    body.put("properties", props);
    if (!required.isEmpty()) {
      body.put("required", required);
    }
    Map<String, Object> ok =
        Map.of(
            "type",
            "object",
            "required",
            List.of("code", "data"),
            "additionalProperties",
            false,
            "properties",
            Map.of("code", Map.of("type", "integer", "minimum", 0), "data", e.responseData()));
    Map<String, Object> responses = new LinkedHashMap<>();
    responses.put("200", response("OK: code 0 and the data", ok));
    Map<String, Object> errorRef = Map.of("$ref", "#/components/schemas/Error");
    for (String code : List.of("400", "401", "403", "404", "409", "413", "429", "503")) {
      responses.put(code, response(reason(code), errorRef));
    }
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("summary", e.summary());
    op.put("operationId", e.path().substring(1).replace('/', '_'));
    op.put(
        "description",
        "Runs the Flight "
            + (e.action().equals("search")
                    || e.action().equals("read")
                    || e.action().equals("insert")
                ? "request '" + e.action() + "'"
                : "action '" + e.action() + "'")
            + " and needs its permission ("
            + ActionPermissions.needed(e.action()).label()
            + ").");
    op.put(
        "requestBody",
        Map.of("required", true, "content", Map.of("application/json", Map.of("schema", body))));
    op.put("responses", responses);
    return op;
  }

  private static Map<String, Object> response(String description, Map<String, Object> schema) {
    return Map.of(
        "description",
        description,
        "content",
        Map.of("application/json", Map.of("schema", schema)));
  }

  private static String reason(String code) {
    return switch (code) {
      case "400" -> "Malformed body: the message names the field at fault";
      case "401" -> "No token, or a wrong one";
      case "403" -> "The token lacks the permission";
      case "404" -> "Unknown collection or endpoint";
      case "409" -> "Already exists";
      case "413" -> "Beyond a server limit (body size, top_k, queries, result bytes)";
      case "429" -> "The server is busy: retry later";
      default -> "Unavailable or timed out: retry";
    };
  }
}
