package io.lakebeam.flight;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The one service layer of a server: searches, reads, inserts and actions, each checked against the
 * caller's permissions, the request keys and the {@link ServerLimits}, and run under a turn of the
 * {@link CallGate}. The Flight producer and the REST API both call it, so a request behaves the
 * same on either wire.
 *
 * <pre>{@code
 * service.stream(context, Json.parse(ticketBytes, "ticket"), listener); // a search or read
 * Object described = service.action(context, "describe_collection", body);
 * }</pre>
 *
 * <p>Thread-safe.
 */
final class LakebeamService implements AutoCloseable {
  private final Lakehouse lake;
  private final BufferAllocator allocator;
  private final CollectionCache collections;
  private final Actions actions;
  private final IndexWarmup warmup;
  private final Authorizer access;
  private final ServerLimits limits;
  private final CallGate gate;

  LakebeamService(
      Lakehouse lake,
      BufferAllocator allocator,
      long refreshMillis,
      Authorizer access,
      ServerLimits limits) {
    this.lake = lake;
    this.access = access;
    this.limits = limits;
    this.gate = new CallGate(limits);
    this.allocator = allocator;
    this.collections = new CollectionCache(lake, refreshMillis);
    this.warmup =
        new IndexWarmup(
            lake,
            Integer.getInteger("lakebeam.warmup.searches", IndexWarmup.DEFAULT_SEARCHES),
            new RequestPathWarmup(collections, allocator, limits, gate));
    this.actions = new Actions(lake, collections, warmup);
  }

  Lakehouse lake() {
    return lake;
  }

  Authorizer access() {
    return access;
  }

  ServerLimits limits() {
    return limits;
  }

  CallGate gate() {
    return gate;
  }

  CollectionCache collections() {
    return collections;
  }

  BufferAllocator allocator() {
    return allocator;
  }

  /**
   * Runs a search or read ticket ({@code {"type": "search"|"hybrid"|"read", "collection", ...}}),
   * streaming its batches into {@code listener}; throws on a request that fails before the stream
   * starts.
   */
  void stream(CallContext context, Json t, ServerStreamListener listener) {
    try (CallGate.Turn turn = gate.enter(context, "DoGet")) {
      String type = t.string("type");
      checkType(type);
      access.check(context, type, t.string("collection"));
      t.allowOnly(
          switch (type) {
            case "read" -> RequestKeys.READ_TICKET;
            case "hybrid" -> RequestKeys.HYBRID;
            default -> RequestKeys.SEARCH;
          });
      Collection c = collections.get(t.string("collection"));
      switch (type) {
        case "search" -> SearchStream.run(c, t, allocator, listener, limits, turn);
        case "hybrid" -> HybridStream.run(c, t, allocator, listener, limits, turn);
        case "read" -> {
          limits.checkFilter(t.optString("filter"));
          ReadStream.run(c, t, allocator, listener, turn);
        }
        default -> throw unknownType(type);
      }
    }
  }

  /** Inserts {@code batches} as one commit, as a {@code DoPut} with command {@code cmd} does. */
  Map<String, Object> insert(CallContext context, Json cmd, Inserts.Batches batches) {
    try (CallGate.Turn turn = gate.enter(context, "DoPut")) {
      return insertInTurn(context, cmd, batches);
    }
  }

  /** {@link #insert} for a caller that already holds a turn (the Flight {@code DoPut}). */
  Map<String, Object> insertInTurn(CallContext context, Json cmd, Inserts.Batches batches) {
    cmd.allowOnly(RequestKeys.INSERT);
    if (cmd.has("type") && !cmd.string("type").equals("insert")) {
      throw org.apache.arrow.flight.CallStatus.UNIMPLEMENTED
          .withDescription(
              "Cannot DoPut a '"
                  + cmd.string("type")
                  + "' request: DoPut takes a path [\"docs\"] or a"
                  + " command {\"type\": \"insert\", \"collection\": \"docs\"}")
          .toRuntimeException();
    }
    InsertRequest insert = InsertRequest.from(cmd);
    access.check(context, "insert", insert.collection());
    Collection c = collections.get(insert.collection());
    Map<String, Object> result = Inserts.write(c, batches, insert.writeId());
    collections.fresh(c.name());
    return result;
  }

  /** Runs the action {@code type} with its JSON body, as {@code DoAction} does. */
  Object action(CallContext context, String type, Json body) {
    try (CallGate.Turn turn = gate.enter(context, "action '" + type + "'")) {
      access.checkAction(context, type, body);
      Set<String> keys = RequestKeys.ACTIONS.get(type);
      if (keys != null) {
        body.allowOnly(keys);
      }
      // list_collections lists only what the caller may read
      return type.equals("list_collections")
          ? Map.of("collections", readable(context, lake.listCollections()))
          : actions.run(type, body);
    }
  }

  List<String> readable(CallContext context, List<String> names) {
    return names.stream().filter(n -> access.canRead(context, n)).toList();
  }

  /** The start-up warm-up ({@link IndexWarmup}) of the server. */
  IndexWarmup warmup() {
    return warmup;
  }

  /** Loads and warms every index in the background (at server start). */
  void warmIndexes() {
    warmup.all();
  }

  @Override
  public void close() {
    warmup.close();
    collections.close();
  }

  /** Fails with UNIMPLEMENTED unless {@code type} is a request type of DoGet/GetFlightInfo. */
  static void checkType(String type) {
    if (!type.equals("search") && !type.equals("read") && !type.equals("hybrid")) {
      throw unknownType(type);
    }
  }

  static RuntimeException unknownType(String type) {
    return org.apache.arrow.flight.CallStatus.UNIMPLEMENTED
        .withDescription(
            "Unknown request type '"
                + type
                + "': use 'search', 'hybrid' or 'read' (see docs/flight-protocol.md)")
        .toRuntimeException();
  }
}
