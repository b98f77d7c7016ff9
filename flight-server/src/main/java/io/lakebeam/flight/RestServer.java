package io.lakebeam.flight;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectReader;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;

/**
 * The REST/JSON API of a Lakebeam server (see {@code docs/rest-api.md}): {@code POST} endpoints
 * shaped like Milvus's RESTful v2 API, served by the JDK's HTTP server on a second port beside
 * Flight, with the same tokens, roles, TLS and {@link ServerLimits}. Replies are {@code {"code": 0,
 * "data": ...}}; failures {@code {"code": <HTTP status>, "message": "..."}}.
 *
 * <pre>{@code
 * curl -s localhost:8816/v2/vectordb/entities/search -H 'Authorization: Bearer s3cret' \
 *   -d '{"collectionName": "docs", "data": [[0.1, 0.2]], "limit": 5}'
 * }</pre>
 *
 * <p>Its threads are bounded ({@code --max-concurrent-calls} plus {@code --max-queued-calls}); the
 * service's {@link CallGate} refuses calls beyond them with 429.
 */
final class RestServer implements AutoCloseable {
  static final String OPENAPI_PATH = "/openapi.json";

  private static final ObjectReader BODY_READER =
      Json.MAPPER.readerFor(new TypeReference<LinkedHashMap<String, Object>>() {});

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final RestApi api;
  private final Supplier<AccessConfig> tokens;
  private final ServerLimits limits;
  private final byte[] openApi;
  private final boolean tls;

  RestServer(
      LakebeamService service,
      String host,
      int port,
      Supplier<AccessConfig> tokens,
      Path tlsCert,
      Path tlsKey)
      throws IOException {
    // replies are small: without TCP_NODELAY a keep-alive client waits on delayed ACKs
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    this.api = new RestApi(service);
    this.tokens = tokens;
    this.limits = service.limits();
    this.tls = tlsCert != null;
    this.openApi = Json.bytes(RestOpenApi.document());
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (tls) {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(PemTls.context(tlsCert, tlsKey)));
      this.server = https;
    } else {
      this.server = HttpServer.create(address, 0);
    }
    int threads =
        (int) Math.min(1024L, (long) limits.maxConcurrentCalls() + limits.maxQueuedCalls());
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(threads),
            r -> {
              Thread t = new Thread(r, "lakebeam-rest-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            // all threads and the queue full: the dispatcher runs the call, which the CallGate
            // then refuses at once with 429 (its queue is as long as the threads beyond its turns)
            new ThreadPoolExecutor.CallerRunsPolicy());
    executor.allowCoreThreadTimeOut(true);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  RestServer start() {
    server.start();
    return this;
  }

  int port() {
    return server.getAddress().getPort();
  }

  String uri() {
    return (tls ? "https://" : "http://") + server.getAddress().getHostString() + ":" + port();
  }

  private void handle(HttpExchange exchange) throws IOException {
    int status;
    Object reply;
    try {
      Object data = dispatch(exchange);
      if (data instanceof byte[] raw) {
        send(exchange, 200, raw);
        return;
      }
      Map<String, Object> ok = new LinkedHashMap<>();
      ok.put("code", 0);
      ok.put("data", data);
      reply = ok;
      status = 200;
    } catch (HttpError h) {
      status = h.status;
      reply = error(status, h.getMessage());
    } catch (Throwable t) {
      FlightRuntimeException f = Errors.toFlight(t);
      status = httpStatus(f);
      reply = error(status, f.status().description());
    }
    byte[] body = Json.bytes(reply);
    if (status == 200 && body.length > limits.maxResultBytes()) {
      status = 413;
      body =
          Json.bytes(
              Map.of(
                  "code",
                  413,
                  "message",
                  String.format(
                      "Cannot send a reply of %d bytes: the server's limit is %d (lakebeam serve"
                          + " --max-result-bytes); ask for fewer rows, a smaller limit or fewer"
                          + " outputFields",
                      body.length, limits.maxResultBytes())));
    }
    send(exchange, status, body);
  }

  private Object dispatch(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    if (path.equals(OPENAPI_PATH)) {
      if (!method.equals("GET")) {
        throw new HttpError(405, "Cannot " + method + " " + path + ": use GET");
      }
      return openApi;
    }
    RestEndpoints.Endpoint e = RestEndpoints.BY_PATH.get(path);
    if (e == null) {
      throw new HttpError(
          404,
          "No endpoint "
              + (path.length() > 80 ? path.substring(0, 80) + "..." : path)
              + ": GET "
              + OPENAPI_PATH
              + " lists the endpoints");
    }
    if (!method.equals("POST")) {
      throw new HttpError(405, "Cannot " + method + " " + path + ": use POST with a JSON body");
    }
    RestCall call = new RestCall(identity(exchange));
    return api.run(e, body(exchange, e.path()), call);
  }

  /** The name of the caller's token, or null on a server without tokens. */
  private String identity(HttpExchange exchange) {
    if (tokens == null) {
      return null;
    }
    String value = exchange.getRequestHeaders().getFirst("Authorization");
    if (value == null) {
      throw CallStatus.UNAUTHENTICATED
          .withDescription(
              "This server needs a token: send the header 'Authorization: Bearer <token>'")
          .toRuntimeException();
    }
    if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw CallStatus.UNAUTHENTICATED
          .withDescription(
              "Cannot authenticate: the Authorization header must read 'Bearer <token>'")
          .toRuntimeException();
    }
    AccessConfig.Principal p = tokens.get().byToken(value.substring(7).trim());
    if (p == null) {
      throw CallStatus.UNAUTHENTICATED.withDescription("Wrong token").toRuntimeException();
    }
    return p.name();
  }

  /** The JSON object of the request body, read up to {@code --max-message-size} bytes. */
  private Map<String, Object> body(HttpExchange exchange, String path) throws IOException {
    int max = limits.maxMessageBytes();
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(max + 1);
    }
    if (bytes.length > max) {
      throw new HttpError(
          413,
          String.format(
              "Cannot read a body over %d bytes: the server's limit is %d (lakebeam serve"
                  + " --max-message-size); insert in smaller batches",
              max, max));
    }
    if (bytes.length == 0) {
      return new LinkedHashMap<>();
    }
    try {
      Map<String, Object> m = BODY_READER.readValue(bytes);
      return m == null ? new LinkedHashMap<>() : m;
    } catch (IOException e) {
      String msg = String.valueOf(e.getMessage()).split("\n")[0];
      throw Errors.invalid(
          "Cannot read the body of %s: it is not a JSON object (%s)",
          path, msg.length() > 200 ? msg.substring(0, 200) + "..." : msg);
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static Map<String, Object> error(int status, String message) {
    Map<String, Object> err = new LinkedHashMap<>();
    err.put("code", status);
    err.put("message", message);
    return err;
  }

  /** The HTTP status of a failure: 400, 401, 403, 404, 409, 413, 429, 503 or 500. */
  static int httpStatus(FlightRuntimeException f) {
    String d = String.valueOf(f.status().description());
    FlightStatusCode code = f.status().code();
    return switch (code) {
      case INVALID_ARGUMENT -> d.contains("the server's limit is") ? 413 : 400;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS -> 409;
      case UNAUTHENTICATED -> 401;
      case UNAUTHORIZED -> 403;
      case RESOURCE_EXHAUSTED -> d.contains("the server's limit is") ? 413 : 429;
      case UNIMPLEMENTED -> 400;
      case CANCELLED -> 400;
      case TIMED_OUT, UNAVAILABLE -> 503;
      default -> 500;
    };
  }

  /** A failure with its own HTTP status (an unknown path, a wrong method, a body too large). */
  static final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(LakebeamFlightServer.CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
