package io.lakebeam.flight;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.VectorField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.iceberg.types.Types;

/**
 * The warm-up path of a server: opens a collection as {@code describe_collection} does and runs a
 * warm-up search as a client's {@code DoGet} would: a JSON ticket (packed float32, as the Python
 * client sends) parsed and checked, the search, a point read of one output column and the Arrow
 * reply serialized (into nothing, by a {@link WarmupListener}). So the first client call finds the
 * table metadata loaded, the index and the data files' footers read, and that code compiled.
 *
 * <pre>{@code
 * IndexWarmup warmup =
 *     new IndexWarmup(lake, 300, new RequestPathWarmup(collections, allocator, limits, gate));
 * }</pre>
 *
 * <p>Thread-safe; each search takes a turn of the server's {@link CallGate} like a call.
 */
final class RequestPathWarmup implements IndexWarmup.RequestPath {
  private final CollectionCache collections;
  private final BufferAllocator allocator;
  private final ServerLimits limits;
  private final CallGate gate;

  RequestPathWarmup(
      CollectionCache collections, BufferAllocator allocator, ServerLimits limits, CallGate gate) {
    this.collections = collections;
    this.allocator = allocator;
    this.limits = limits;
    this.gate = gate;
  }

  @Override
  public Collection open(String name) {
    Collection c = collections.get(name);
    c.describe();
    return c;
  }

  @Override
  public void search(Collection c, VectorField field, float[] query) {
    Map<String, Object> ticket = new LinkedHashMap<>();
    ticket.put("v", 1);
    ticket.put("type", "search");
    ticket.put("collection", c.name());
    ticket.put("field", field.name());
    ticket.put("vectors_f32", packed(query));
    ticket.put("dim", query.length);
    ticket.put("top_k", 10);
    ticket.put("output_fields", outputColumn(c, field));
    Json t = Json.parse(Json.bytes(ticket), "ticket").allowOnly(RequestKeys.SEARCH);
    WarmupListener sink = new WarmupListener();
    try (CallGate.Turn turn = gate.enter(null, "a warm-up search")) {
      SearchStream.run(collections.get(c.name()), t, allocator, sink, limits, turn);
    }
    if (sink.error() != null) {
      throw new IllegalStateException("Cannot warm up a search", sink.error());
    }
  }

  /** The first scalar column: the one a client most likely asks for (usually the id). */
  static List<String> outputColumn(Collection c, VectorField field) {
    Set<String> vectors = c.vectorFields().keySet();
    for (Types.NestedField f : c.schema().columns()) {
      if (f.type().isPrimitiveType()
          && !vectors.contains(f.name())
          && !f.name().equals(field.name())) {
        return List.of(f.name());
      }
    }
    return List.of();
  }

  private static String packed(float[] query) {
    ByteBuffer b = ByteBuffer.allocate(4 * query.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : query) {
      b.putFloat(x);
    }
    return Base64.getEncoder().encodeToString(b.array());
  }
}
