package io.lakebeam.flight;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.CallContext;

/**
 * Lets at most {@code maxConcurrentCalls} calls work at once; up to {@code maxQueuedCalls} more
 * wait their turn (first come, first served), and a call beyond them is refused at once with {@code
 * RESOURCE_EXHAUSTED}, so a flood of calls queues or fails instead of starting threads without
 * bound. Thread-safe.
 *
 * <pre>{@code
 * try (CallGate.Turn turn = gate.enter(context, "search")) {
 *   ... // the call's work
 * }
 * }</pre>
 */
final class CallGate {
  /** How often a waiting call checks whether its client went away. */
  private static final long POLL_MILLIS = 50;

  private final ServerLimits limits;
  private final Semaphore turns;
  private final AtomicInteger waiting = new AtomicInteger();

  CallGate(ServerLimits limits) {
    this.limits = limits;
    this.turns = new Semaphore(limits.maxConcurrentCalls(), true);
  }

  /** A turn to work, released by {@link #close()}. */
  final class Turn implements AutoCloseable {
    private final long deadlineNanos;
    private boolean closed;

    private Turn(long deadlineNanos) {
      this.deadlineNanos = deadlineNanos;
    }

    /** Nanoseconds left of the server's {@code --max-call-time} for this call. */
    long nanosLeft() {
      return deadlineNanos - System.nanoTime();
    }

    /** Fails the call with {@code DEADLINE_EXCEEDED} when its time is up. */
    void checkTime(String what) {
      if (nanosLeft() <= 0) {
        throw CallStatus.TIMED_OUT
            .withDescription(
                "Cannot finish "
                    + what
                    + ": it ran longer than the server's limit of "
                    + limits.maxCallTime().toSeconds()
                    + " s (lakebeam serve --max-call-time); ask for less or raise the limit")
            .toRuntimeException();
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        turns.release();
      }
    }
  }

  /**
   * Waits for a turn; fails when the queue is full, the wait outlasts the call's time, or the
   * client went away.
   */
  Turn enter(CallContext context, String what) {
    long deadline = System.nanoTime() + limits.maxCallTime().toNanos();
    if (turns.tryAcquire()) {
      return new Turn(deadline);
    }
    if (waiting.incrementAndGet() > limits.maxQueuedCalls()) {
      waiting.decrementAndGet();
      throw CallStatus.RESOURCE_EXHAUSTED
          .withDescription(
              String.format(
                  "Cannot start %s: the server is busy, %d calls working and %d waiting are its"
                      + " limits (lakebeam serve --max-concurrent-calls %d --max-queued-calls %d);"
                      + " retry later",
                  what,
                  limits.maxConcurrentCalls(),
                  limits.maxQueuedCalls(),
                  limits.maxConcurrentCalls(),
                  limits.maxQueuedCalls()))
          .toRuntimeException();
    }
    try {
      while (true) {
        if (turns.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          return new Turn(deadline);
        }
        if (context != null && context.isCancelled()) {
          throw CallStatus.CANCELLED
              .withDescription("Cancelled by the client while waiting for a turn")
              .toRuntimeException();
        }
        if (System.nanoTime() - deadline > 0) {
          throw CallStatus.RESOURCE_EXHAUSTED
              .withDescription(
                  "Cannot start "
                      + what
                      + ": no turn came within the server's limit of "
                      + limits.maxCallTime().toSeconds()
                      + " s (lakebeam serve --max-call-time, --max-concurrent-calls); retry later")
              .toRuntimeException();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CallStatus.UNAVAILABLE
          .withDescription("The server is shutting down")
          .toRuntimeException();
    } finally {
      waiting.decrementAndGet();
    }
  }

  /** Calls working now. */
  int running() {
    return limits.maxConcurrentCalls() - turns.availablePermits();
  }

  /** Calls waiting for a turn now. */
  int waiting() {
    return waiting.get();
  }
}
