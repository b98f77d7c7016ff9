package io.lakebeam.flight;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The Flight producer of a Lakebeam server: search and batch reads through {@code DoGet}, inserts
 * through {@code DoPut}, administration through {@code DoAction}. See {@code
 * docs/flight-protocol.md}. Every failure becomes a Flight status; nothing a client sends can stop
 * the server.
 */
final class LakebeamProducer extends NoOpFlightProducer implements AutoCloseable {
  private final Lakehouse lake;
  private final BufferAllocator allocator;
  private final CollectionCache collections;
  private final Actions actions;
  private final IndexWarmup warmup;
  private final int defaultSplits;
  private final Authorizer access;
  private final ServerLimits limits;
  private final CallGate gate;

  LakebeamProducer(
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
            lake, Integer.getInteger("lakebeam.warmup.searches", IndexWarmup.DEFAULT_SEARCHES));
    this.actions = new Actions(lake, collections, warmup);
    this.defaultSplits = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
  }

  @Override
  public void listFlights(
      CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
    try {
      for (String name : lake.listCollections()) {
        if (!access.canRead(context, name)) {
          continue;
        }
        Collection c = collections.get(name);
        FlightDescriptor d = FlightDescriptor.path(name);
        listener.onNext(ReadStream.plan(c, Json.parse(null, "listing"), d, 1));
      }
      listener.onCompleted();
    } catch (Throwable t) {
      listener.onError(Errors.toFlight(t));
    }
  }

  @Override
  public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
    try (CallGate.Turn turn = gate.enter(context, "GetFlightInfo")) {
      Json cmd = command(descriptor);
      String type = cmd.has("type") ? cmd.string("type") : "read";
      checkType(type);
      access.check(context, type, cmd.string("collection"));
      cmd.allowOnly(
          switch (type) {
            case "read" -> RequestKeys.READ_COMMAND;
            case "hybrid" -> RequestKeys.HYBRID;
            default -> RequestKeys.SEARCH;
          });
      Collection c = collections.get(cmd.string("collection"));
      switch (type) {
        case "read":
          limits.checkFilter(cmd.optString("filter"));
          return ReadStream.plan(c, cmd, descriptor, defaultSplits);
        case "search":
          List<String> outputs = cmd.optStrings("output_fields");
          // Fail here rather than on the DoGet of the ticket handed out.
          if (TextRequests.isText(cmd)) {
            TextRequests.check(c, cmd, limits, outputs);
          } else {
            SearchStream.check(c, SearchStream.request(c, cmd, limits), outputs);
          }
          return new FlightInfo(
              SearchStream.schema(c, outputs),
              descriptor,
              List.of(new FlightEndpoint(new Ticket(descriptor.getCommand()))),
              -1,
              -1);
        case "hybrid":
          int legs = HybridStream.check(c, cmd, limits).legs().size();
          return new FlightInfo(
              HybridStream.schema(c, legs, cmd.optStrings("output_fields")),
              descriptor,
              List.of(new FlightEndpoint(new Ticket(descriptor.getCommand()))),
              -1,
              -1);
        default:
          throw unknownType(type);
      }
    } catch (Throwable t) {
      throw Errors.toFlight(t);
    }
  }

  @Override
  public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
    try {
      FlightInfo info = getFlightInfo(context, descriptor);
      return new SchemaResult(info.getSchemaOptional().orElseThrow());
    } catch (Throwable t) {
      throw Errors.toFlight(t);
    }
  }

  @Override
  public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
    try (CallGate.Turn turn = gate.enter(context, "DoGet")) {
      Json t = Json.parse(ticket.getBytes(), "ticket");
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
    } catch (Throwable e) {
      listener.error(Errors.toFlight(e));
    }
  }

  @Override
  public Runnable acceptPut(
      CallContext context, FlightStream stream, StreamListener<PutResult> ack) {
    return () -> {
      try (CallGate.Turn turn = gate.enter(context, "DoPut")) {
        // getRoot() first: it fails when the client broke off the call before its first message,
        // while getDescriptor() would wait forever (Flight sets only the root's future on error).
        stream.getRoot();
        Json cmd = command(stream.getDescriptor()).allowOnly(RequestKeys.INSERT);
        if (cmd.has("type") && !cmd.string("type").equals("insert")) {
          throw CallStatus.UNIMPLEMENTED
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
        Map<String, Object> result = Inserts.write(c, stream, insert.writeId());
        collections.fresh(c.name());
        byte[] body = Json.bytes(result);
        try (ArrowBuf buf = allocator.buffer(body.length)) {
          buf.writeBytes(body);
          ack.onNext(PutResult.metadata(buf));
        }
        ack.onCompleted();
      } catch (Throwable t) {
        ack.onError(Errors.toFlight(t));
      }
    };
  }

  @Override
  public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
    try (CallGate.Turn turn = gate.enter(context, "action '" + action.getType() + "'")) {
      Json body = Json.parse(action.getBody(), "action '" + action.getType() + "' body");
      access.checkAction(context, action.getType(), body);
      java.util.Set<String> keys = RequestKeys.ACTIONS.get(action.getType());
      if (keys != null) {
        body.allowOnly(keys);
      }
      // list_collections lists only what the caller may read
      Object result =
          action.getType().equals("list_collections")
              ? Map.of("collections", readable(context, lake.listCollections()))
              : actions.run(action.getType(), body);
      listener.onNext(new Result(Json.bytes(result)));
      listener.onCompleted();
    } catch (Throwable t) {
      listener.onError(Errors.toFlight(t));
    }
  }

  @Override
  public void listActions(CallContext context, StreamListener<ActionType> listener) {
    Actions.TYPES.forEach(listener::onNext);
    listener.onCompleted();
  }

  /** Calls working now (at most {@code --max-concurrent-calls}). */
  int callsRunning() {
    return gate.running();
  }

  int callsWaiting() {
    return gate.waiting();
  }

  private List<String> readable(CallContext context, List<String> names) {
    return names.stream().filter(n -> access.canRead(context, n)).toList();
  }

  /** Loads and warms every index in the background (at server start). */
  void warmIndexes() {
    warmup.all();
  }

  /** Stops the background work of the producer (index warm-up, metadata refresh). */
  @Override
  public void close() {
    warmup.close();
    collections.close();
  }

  /** A path descriptor ["name"] or a JSON command; both become a command object. */
  private static Json command(FlightDescriptor d) {
    if (d.isCommand()) {
      return Json.parse(d.getCommand(), "command descriptor");
    }
    List<String> path = d.getPath();
    if (path.size() != 1) {
      throw Errors.invalid(
          "Cannot use descriptor path %s: use a single collection name, e.g. [\"docs\"]", path);
    }
    return Json.parse(
        ("{\"collection\": " + new String(Json.bytes(path.get(0)), StandardCharsets.UTF_8) + "}")
            .getBytes(StandardCharsets.UTF_8),
        "path descriptor");
  }

  /** Fails with UNIMPLEMENTED unless {@code type} is a request type of DoGet/GetFlightInfo. */
  private static void checkType(String type) {
    if (!type.equals("search") && !type.equals("read") && !type.equals("hybrid")) {
      throw unknownType(type);
    }
  }

  private static RuntimeException unknownType(String type) {
    return CallStatus.UNIMPLEMENTED
        .withDescription(
            "Unknown request type '"
                + type
                + "': use 'search', 'hybrid' or 'read' (see docs/flight-protocol.md)")
        .toRuntimeException();
  }
}
