package io.lakebeam.flight;

import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;

/**
 * Flow control of one outgoing stream: before each batch, waits until the client can take it (gRPC
 * readiness), so a slow client holds back the server instead of making it buffer a whole table;
 * stops when the client cancels, and fails the call when it outlasts the server's {@code
 * --max-call-time}.
 *
 * <pre>{@code
 * StreamFlow flow = new StreamFlow(listener, turn, "read of 'docs'");
 * listener.start(root);
 * if (flow.ready()) {
 *   listener.putNext();
 * }
 * }</pre>
 */
final class StreamFlow {
  private final ServerStreamListener listener;
  private final BackpressureStrategy strategy;
  private final CallGate.Turn turn;
  private final String what;

  /** Registers on {@code listener}; create it before {@code listener.start(...)}. */
  StreamFlow(ServerStreamListener listener, CallGate.Turn turn, String what) {
    this.listener = listener;
    this.turn = turn;
    this.what = what;
    this.strategy = new BackpressureStrategy.CallbackBackpressureStrategy();
    strategy.register(listener);
  }

  /**
   * Waits until the client can take the next batch: true then, false when the client cancelled the
   * call (the caller stops its work).
   */
  boolean ready() {
    while (true) {
      if (listener.isCancelled()) {
        return false;
      }
      turn.checkTime(what);
      long millis = Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(turn.nanosLeft())));
      switch (strategy.waitForListener(millis)) {
        case READY:
          return true;
        case CANCELLED:
          return false;
        default:
          break; // TIMEOUT (check the call's time, wait again) or OTHER (spurious wake-up)
      }
    }
  }

  /** True when the client went away. */
  boolean cancelled() {
    return listener.isCancelled();
  }
}
