package io.lakebeam.flight;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.util.Text;

/**
 * One REST call as the service layer sees a Flight call: the caller's identity (the name of its
 * bearer token) and a stream listener that turns each Arrow batch into JSON rows instead of sending
 * it, so a REST search or query runs the very code of the Flight {@code DoGet}.
 *
 * <pre>{@code
 * RestCall call = new RestCall("analyst");
 * service.stream(call, ticket, call);
 * List<Map<String, Object>> rows = call.rows();
 * }</pre>
 *
 * <p>One per call; not thread-safe.
 */
final class RestCall implements CallContext, ServerStreamListener {
  private final String identity;
  private final List<Map<String, Object>> rows = new ArrayList<>();
  private VectorSchemaRoot root;
  private Throwable error;

  /** {@code identity}: the token's name, or null on a server without tokens. */
  RestCall(String identity) {
    this.identity = identity;
  }

  /** The rows streamed so far; throws the error the stream ended with, if any. */
  List<Map<String, Object>> rows() {
    if (error != null) {
      throw error instanceof RuntimeException r ? r : new IllegalStateException(error);
    }
    return rows;
  }

  // CallContext

  @Override
  public String peerIdentity() {
    return identity == null ? "" : identity;
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public <T extends FlightServerMiddleware> T getMiddleware(FlightServerMiddleware.Key<T> key) {
    return null;
  }

  @Override
  public Map<FlightServerMiddleware.Key<?>, FlightServerMiddleware> getMiddleware() {
    return Map.of();
  }

  // ServerStreamListener

  @Override
  public boolean isReady() {
    return true;
  }

  @Override
  public void setOnCancelHandler(Runnable handler) {}

  @Override
  public void setOnReadyHandler(Runnable handler) {}

  @Override
  public void start(VectorSchemaRoot root, DictionaryProvider dictionaries, IpcOption option) {
    this.root = root;
  }

  @Override
  public void putNext() {
    List<FieldVector> vectors = root.getFieldVectors();
    for (int row = 0; row < root.getRowCount(); row++) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (FieldVector v : vectors) {
        m.put(v.getName(), json(v.getObject(row)));
      }
      rows.add(m);
    }
  }

  @Override
  public void putNext(ArrowBuf metadata) {
    putNext();
  }

  @Override
  public void putMetadata(ArrowBuf metadata) {}

  @Override
  public void error(Throwable t) {
    this.error = t;
  }

  @Override
  public void completed() {}

  /** An Arrow value as a JSON value: text as strings, times as ISO-8601, bytes as base64. */
  static Object json(Object value) {
    if (value instanceof Text t) {
      return t.toString();
    }
    if (value instanceof LocalDateTime || value instanceof LocalDate) {
      return value.toString();
    }
    if (value instanceof byte[] b) {
      return Base64.getEncoder().encodeToString(b);
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(x -> out.add(json(x)));
      return out;
    }
    if (value instanceof Float f && !Float.isFinite(f)) {
      return f.toString();
    }
    if (value instanceof Double d && !Double.isFinite(d)) {
      return d.toString();
    }
    return value;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
