package io.lakebeam.flight;

import io.lakebeam.core.LakebeamException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps every failure onto a Flight status whose description says what to do. */
final class Errors {
  private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

  private Errors() {}

  static FlightRuntimeException toFlight(Throwable t) {
    if (t instanceof FlightRuntimeException f) {
      return f;
    }
    if (t instanceof LakebeamException e) {
      CallStatus status =
          switch (e.kind()) {
            case NOT_FOUND -> CallStatus.NOT_FOUND;
            case INVALID_ARGUMENT -> CallStatus.INVALID_ARGUMENT;
            case ALREADY_EXISTS -> CallStatus.ALREADY_EXISTS;
            case INTERNAL -> CallStatus.INTERNAL;
          };
      if (e.kind() == LakebeamException.Kind.INTERNAL) {
        LOG.error("Internal error", e);
        return status
            .withDescription(e.getMessage() + causeOf(e))
            .withCause(e)
            .toRuntimeException();
      }
      return status.withDescription(e.getMessage()).toRuntimeException();
    }
    if (t instanceof org.apache.arrow.memory.OutOfMemoryException) {
      return CallStatus.RESOURCE_EXHAUSTED
          .withDescription(
              "Cannot allocate Arrow memory for this call: the server's Arrow memory is in use up"
                  + " to its limit (lakebeam serve --arrow-memory); retry later, or ask for less")
          .toRuntimeException();
    }
    if (t instanceof IllegalArgumentException) {
      return CallStatus.INVALID_ARGUMENT.withDescription(t.getMessage()).toRuntimeException();
    }
    LOG.error("Unexpected error", t);
    return CallStatus.INTERNAL
        .withDescription(
            "Internal error: " + t + "; the server is still up, see its log for details")
        .withCause(t)
        .toRuntimeException();
  }

  private static String causeOf(Throwable e) {
    Throwable c = e.getCause();
    return c == null ? "" : " (cause: " + c + ")";
  }

  static FlightRuntimeException invalid(String format, Object... args) {
    return CallStatus.INVALID_ARGUMENT
        .withDescription(String.format(format, args))
        .toRuntimeException();
  }
}
