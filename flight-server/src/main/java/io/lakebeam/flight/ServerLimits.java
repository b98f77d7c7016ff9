package io.lakebeam.flight;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;

/**
 * What one request, and all requests together, may ask of a server. Immutable; each {@code withX}
 * returns a copy and says its default. Requests beyond a limit fail with {@code INVALID_ARGUMENT}
 * (a request that can never pass) or {@code RESOURCE_EXHAUSTED} (the server is busy), naming the
 * limit, its value and the {@code lakebeam serve} option that changes it.
 *
 * <pre>{@code
 * LakebeamFlightServer.builder(lake)
 *     .limits(ServerLimits.defaults().withMaxQueries(256).withMaxConcurrentCalls(32))
 *     .build();
 * }</pre>
 *
 * @param maxMessageBytes largest incoming gRPC message (a ticket, an action body, one DoPut batch)
 * @param maxQueries query vectors or texts per search
 * @param maxResults query vectors x top_k per search
 * @param maxTopK largest top_k
 * @param maxEf largest ef (search breadth)
 * @param maxFilterChars longest filter text
 * @param maxResultBytes Arrow bytes of one search result
 * @param arrowMemoryBytes Arrow memory the server may hold at once, all calls together
 * @param maxConcurrentCalls calls doing work at once; more wait in a queue
 * @param maxQueuedCalls calls waiting for a turn; beyond them a call is refused
 * @param maxCallTime longest a call may wait for a turn and stream its result
 * @param streamBufferBytes bytes of a result stream buffered for a client that reads slowly; beyond
 *     them the server waits for the client
 */
public record ServerLimits(
    int maxMessageBytes,
    int maxQueries,
    long maxResults,
    int maxTopK,
    int maxEf,
    int maxFilterChars,
    long maxResultBytes,
    long arrowMemoryBytes,
    int maxConcurrentCalls,
    int maxQueuedCalls,
    Duration maxCallTime,
    int streamBufferBytes) {

  public ServerLimits {
    positive(maxMessageBytes, "max message size", "--max-message-size");
    positive(maxQueries, "max queries", "--max-queries");
    positive(maxResults, "max results", "--max-results");
    positive(maxTopK, "max top_k", "--max-top-k");
    positive(maxEf, "max ef", "--max-ef");
    positive(maxFilterChars, "max filter length", "--max-filter-length");
    positive(maxResultBytes, "max result bytes", "--max-result-bytes");
    positive(arrowMemoryBytes, "Arrow memory", "--arrow-memory");
    positive(maxConcurrentCalls, "max concurrent calls", "--max-concurrent-calls");
    positive(streamBufferBytes, "stream buffer size", "--stream-buffer-size");
    if (maxQueuedCalls < 0) {
      throw new IllegalArgumentException(
          "Cannot queue " + maxQueuedCalls + " calls: use 0 or more (--max-queued-calls)");
    }
    if (maxCallTime == null || maxCallTime.isNegative() || maxCallTime.isZero()) {
      throw new IllegalArgumentException(
          "Cannot limit calls to " + maxCallTime + ": use a positive time (--max-call-time)");
    }
  }

  /**
   * 64 MiB messages, 1,024 queries, 100,000 results (queries x top_k), top_k up to 10,000, ef up to
   * 10,000, filters up to 16,384 characters, 256 MiB per search result, 2 GiB of Arrow memory, 2 x
   * cores (at least 8) concurrent calls, 256 queued, 10 minutes per call, 4 MiB buffered per
   * stream.
   */
  public static ServerLimits defaults() {
    return new ServerLimits(
        64 << 20,
        1_024,
        100_000,
        10_000,
        10_000,
        16_384,
        256L << 20,
        2L << 30,
        Math.max(8, 2 * Runtime.getRuntime().availableProcessors()),
        256,
        Duration.ofMinutes(10),
        4 << 20);
  }

  /** Default 64 MiB; larger DoPut batches must be split by the client. */
  public ServerLimits withMaxMessageBytes(int v) {
    return new ServerLimits(
        v,
        maxQueries,
        maxResults,
        maxTopK,
        maxEf,
        maxFilterChars,
        maxResultBytes,
        arrowMemoryBytes,
        maxConcurrentCalls,
        maxQueuedCalls,
        maxCallTime,
        streamBufferBytes);
  }

  /** Default 1,024 query vectors (or texts) per search. */
  public ServerLimits withMaxQueries(int v) {
    return new ServerLimits(
        maxMessageBytes,
        v,
        maxResults,
        maxTopK,
        maxEf,
        maxFilterChars,
        maxResultBytes,
        arrowMemoryBytes,
        maxConcurrentCalls,
        maxQueuedCalls,
        maxCallTime,
        streamBufferBytes);
  }

  /** Default 100,000 hits per search (query vectors x top_k). */
  public ServerLimits withMaxResults(long v) {
    return new ServerLimits(
        maxMessageBytes,
        maxQueries,
        v,
        maxTopK,
        maxEf,
        maxFilterChars,
        maxResultBytes,
        arrowMemoryBytes,
        maxConcurrentCalls,
        maxQueuedCalls,
        maxCallTime,
        streamBufferBytes);
  }

  /** Default 10,000 (also the most the index accepts). */
  public ServerLimits withMaxTopK(int v) {
    return new ServerLimits(
        maxMessageBytes,
        maxQueries,
        maxResults,
        v,
        maxEf,
        maxFilterChars,
        maxResultBytes,
        arrowMemoryBytes,
        maxConcurrentCalls,
        maxQueuedCalls,
        maxCallTime,
        streamBufferBytes);
  }

  /** Default 10,000. */
  public ServerLimits withMaxEf(int v) {
    return new ServerLimits(
        maxMessageBytes,
        maxQueries,
        maxResults,
        maxTopK,
        v,
        maxFilterChars,
        maxResultBytes,
        arrowMemoryBytes,
        maxConcurrentCalls,
        maxQueuedCalls,
        maxCallTime,
        streamBufferBytes);
  }

  /** Default 16,384 characters. */
  public ServerLimits withMaxFilterChars(int v) {
    return new ServerLimits(
        maxMessageBytes,
        maxQueries,
        maxResults,
        maxTopK,
        maxEf,
        v,
        maxResultBytes,
        arrowMemoryBytes,
        maxConcurrentCalls,
        maxQueuedCalls,
        maxCallTime,
        streamBufferBytes);
  }

  /** Default 256 MiB of Arrow buffers in one search result. */
  public ServerLimits withMaxResultBytes(long v) {
    return new ServerLimits(
        maxMessageBytes,
        maxQueries,
        maxResults,
        maxTopK,
        maxEf,
        maxFilterChars,
        v,
        arrowMemoryBytes,
        maxConcurrentCalls,
        maxQueuedCalls,
        maxCallTime,
        streamBufferBytes);
  }

  /** Default 2 GiB of Arrow (off-heap) memory for all calls together. */
  public ServerLimits withArrowMemoryBytes(long v) {
    return new ServerLimits(
        maxMessageBytes,
        maxQueries,
        maxResults,
        maxTopK,
        maxEf,
        maxFilterChars,
        maxResultBytes,
        v,
        maxConcurrentCalls,
        maxQueuedCalls,
        maxCallTime,
        streamBufferBytes);
  }

  /** Default 2 x cores, at least 8. */
  public ServerLimits withMaxConcurrentCalls(int v) {
    return new ServerLimits(
        maxMessageBytes,
        maxQueries,
        maxResults,
        maxTopK,
        maxEf,
        maxFilterChars,
        maxResultBytes,
        arrowMemoryBytes,
        v,
        maxQueuedCalls,
        maxCallTime,
        streamBufferBytes);
  }

  /** Default 256; 0 refuses every call that finds all turns taken. */
  public ServerLimits withMaxQueuedCalls(int v) {
    return new ServerLimits(
        maxMessageBytes,
        maxQueries,
        maxResults,
        maxTopK,
        maxEf,
        maxFilterChars,
        maxResultBytes,
        arrowMemoryBytes,
        maxConcurrentCalls,
        v,
        maxCallTime,
        streamBufferBytes);
  }

  /** Default 10 minutes; a client's own shorter deadline is honoured too. */
  public ServerLimits withMaxCallTime(Duration v) {
    return new ServerLimits(
        maxMessageBytes,
        maxQueries,
        maxResults,
        maxTopK,
        maxEf,
        maxFilterChars,
        maxResultBytes,
        arrowMemoryBytes,
        maxConcurrentCalls,
        maxQueuedCalls,
        v,
        streamBufferBytes);
  }

  /** Default 4 MiB per stream; more buffers more for slow clients, less waits for them sooner. */
  public ServerLimits withStreamBufferBytes(int v) {
    return new ServerLimits(
        maxMessageBytes,
        maxQueries,
        maxResults,
        maxTopK,
        maxEf,
        maxFilterChars,
        maxResultBytes,
        arrowMemoryBytes,
        maxConcurrentCalls,
        maxQueuedCalls,
        maxCallTime,
        v);
  }

  /** The limits by their {@code lakebeam serve} option names, as {@code server_status} shows. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("max_message_size", maxMessageBytes);
    m.put("max_queries", maxQueries);
    m.put("max_results", maxResults);
    m.put("max_top_k", maxTopK);
    m.put("max_ef", maxEf);
    m.put("max_filter_length", maxFilterChars);
    m.put("max_result_bytes", maxResultBytes);
    m.put("arrow_memory", arrowMemoryBytes);
    m.put("max_concurrent_calls", maxConcurrentCalls);
    m.put("max_queued_calls", maxQueuedCalls);
    m.put("max_call_time_seconds", maxCallTime.toSeconds());
    m.put("stream_buffer_size", streamBufferBytes);
    return m;
  }

  /** A request that can never pass this limit: {@code INVALID_ARGUMENT} naming it. */
  static FlightRuntimeException exceeded(String request, long limit, String option) {
    return CallStatus.INVALID_ARGUMENT
        .withDescription(
            String.format(
                "Cannot serve %s: the server's limit is %d (lakebeam serve %s)",
                request, limit, option))
        .toRuntimeException();
  }

  void checkFilter(String filter) {
    if (filter != null && filter.length() > maxFilterChars) {
      throw exceeded(
          "a filter of " + filter.length() + " characters", maxFilterChars, "--max-filter-length");
    }
  }

  void checkSearch(int queries, int topK, int ef) {
    if (queries > maxQueries) {
      throw exceeded(queries + " query vectors", maxQueries, "--max-queries");
    }
    if (topK > maxTopK) {
      throw exceeded("top_k=" + topK, maxTopK, "--max-top-k");
    }
    if (ef > maxEf) {
      throw exceeded("ef=" + ef, maxEf, "--max-ef");
    }
    if ((long) queries * topK > maxResults) {
      throw exceeded(
          queries + " query vectors x top_k " + topK + " = " + (long) queries * topK + " results",
          maxResults,
          "--max-results");
    }
  }

  private static void positive(long v, String what, String option) {
    if (v < 1) {
      throw new IllegalArgumentException(
          "Cannot set " + what + " to " + v + ": use a positive value (" + option + ")");
    }
  }
}
