package io.lakebeam.flight;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
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

/**
 * The Flight producer of a Lakebeam server: search and batch reads through {@code DoGet}, inserts
 * through {@code DoPut}, administration through {@code DoAction}. See {@code
 * docs/flight-protocol.md}. Every failure becomes a Flight status; nothing a client sends can stop
 * the server.
 */
final class LakebeamProducer extends NoOpFlightProducer implements AutoCloseable {
  private final LakebeamService service;
  private final Lakehouse lake;
  private final CollectionCache collections;
  private final int defaultSplits;
  private final Authorizer access;
  private final ServerLimits limits;
  private final CallGate gate;

  LakebeamProducer(LakebeamService service) {
    this.service = service;
    this.lake = service.lake();
    this.access = service.access();
    this.limits = service.limits();
    this.gate = service.gate();
    this.collections = service.collections();
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
    try {
      service.stream(context, Json.parse(ticket.getBytes(), "ticket"), listener);
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
        Json cmd = command(stream.getDescriptor());
        Map<String, Object> result = service.insertInTurn(context, cmd, Inserts.Batches.of(stream));
        byte[] body = Json.bytes(result);
        try (ArrowBuf buf = service.allocator().buffer(body.length)) {
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
    try {
      Json body = Json.parse(action.getBody(), "action '" + action.getType() + "' body");
      Object result = service.action(context, action.getType(), body);
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

  /** Stops the background work of the service (index warm-up, metadata refresh). */
  @Override
  public void close() {
    service.close();
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

  private static void checkType(String type) {
    LakebeamService.checkType(type);
  }

  private static RuntimeException unknownType(String type) {
    return LakebeamService.unknownType(type);
  }
}
