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

  /**
   * Longest status description sent: a longer one (a message that quotes a huge value) would make
   * the status trailers exceed what clients accept (8 KiB in gRPC), and the call would fail with a
   * transport error instead.
   */
  static final int MAX_DESCRIPTION = 2_000;

  static FlightRuntimeException toFlight(Throwable t) {
    FlightRuntimeException f = toStatus(t);
    String d = f.status().description();
    if (d == null || d.length() <= MAX_DESCRIPTION) {
      return f;
    }
    return f.status()
        .code()
        .toStatus()
        .withDescription(
            d.substring(0, MAX_DESCRIPTION) + "... (cut at " + MAX_DESCRIPTION + " characters)")
        .withCause(f.getCause())
        .toRuntimeException();
  }

  private static FlightRuntimeException toStatus(Throwable t) {
    if (t instanceof FlightRuntimeException f) {
      return f;
    }
    if (t instanceof org.apache.iceberg.exceptions.AlreadyExistsException) {
      return CallStatus.ALREADY_EXISTS
          .withDescription(t.getMessage() + "; another call created it first")
          .toRuntimeException();
    }
    if (t instanceof org.apache.iceberg.exceptions.NoSuchTableException
        || t instanceof org.apache.iceberg.exceptions.NoSuchNamespaceException) {
      return CallStatus.NOT_FOUND
          .withDescription(t.getMessage() + "; another call may have dropped it")
          .toRuntimeException();
    }
    if (t instanceof org.apache.iceberg.exceptions.CommitFailedException) {
      return CallStatus.UNAVAILABLE
          .withDescription(
              "Cannot commit: another call changed the table at the same time ("
                  + t.getMessage()
                  + "); retry")
          .toRuntimeException();
    }
    if (t instanceof org.apache.iceberg.jdbc.UncheckedSQLException && catalogBusy(t)) {
      return CallStatus.UNAVAILABLE
          .withDescription(
              "Cannot commit: the catalog database is locked by another writer ("
                  + rootCause(t)
                  + "); retry")
          .toRuntimeException();
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

  /** An SQL failure that a retry can cure: a lock held by another writer, or a timeout. */
  private static boolean catalogBusy(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.sql.SQLTransientException
          || (c.getMessage() != null
              && (c.getMessage().contains("SQLITE_BUSY")
                  || c.getMessage().contains("database is locked")))) {
        return true;
      }
    }
    return false;
  }

  private static String rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.toString();
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
