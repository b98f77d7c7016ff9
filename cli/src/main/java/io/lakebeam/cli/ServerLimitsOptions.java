package io.lakebeam.cli;

import io.lakebeam.core.index.DiskCache;
import io.lakebeam.flight.ServerLimits;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The {@code lakebeam serve} options of {@link ServerLimits}; each unset option keeps the default.
 *
 * <pre>{@code
 * lakebeam serve --max-queries 256 --max-concurrent-calls 32 --arrow-memory 4g
 * }</pre>
 */
final class ServerLimitsOptions {
  @Option(
      names = "--max-message-size",
      paramLabel = "SIZE",
      description = "Largest incoming message: a ticket, an action, one DoPut batch (default 64m)")
  String maxMessageSize;

  @Option(names = "--max-queries", description = "Query vectors or texts per search (default 1024)")
  Integer maxQueries;

  @Option(
      names = "--max-results",
      description = "Query vectors x top_k per search (default 100000)")
  Long maxResults;

  @Option(names = "--max-top-k", description = "Largest top_k (default 10000)")
  Integer maxTopK;

  @Option(names = "--max-ef", description = "Largest ef, the search breadth (default 10000)")
  Integer maxEf;

  @Option(names = "--max-filter-length", description = "Longest filter text (default 16384)")
  Integer maxFilterLength;

  @Option(
      names = "--max-result-bytes",
      paramLabel = "SIZE",
      description = "Largest search result in Arrow bytes (default 256m)")
  String maxResultBytes;

  @Option(
      names = "--arrow-memory",
      paramLabel = "SIZE",
      description = "Arrow (off-heap) memory of all calls together (default 2g)")
  String arrowMemory;

  @Option(
      names = "--max-concurrent-calls",
      description = "Calls working at once; more wait in a queue (default 2 x cores, at least 8)")
  Integer maxConcurrentCalls;

  @Option(
      names = "--max-queued-calls",
      description = "Calls waiting for a turn; beyond them RESOURCE_EXHAUSTED (default 256)")
  Integer maxQueuedCalls;

  @Option(
      names = "--max-call-time",
      paramLabel = "SECONDS",
      description = "Longest a call may wait for a turn and stream its result (default 600)")
  Long maxCallTimeSeconds;

  @Option(
      names = "--stream-buffer-size",
      paramLabel = "SIZE",
      description = "Result bytes buffered per stream for a slow client (default 4m)")
  String streamBufferSize;

  @Option(
      names = "--filter-cache-size",
      paramLabel = "SIZE",
      description = "Memory for cached filter results, in bytes (default a 16th of the heap)")
  String filterCacheSize;

  /** Sets what the lakehouse reads from system properties when it opens: call before that. */
  void applySystemProperties() {
    if (filterCacheSize != null) {
      System.setProperty(
          "lakebeam.filter.cache.bytes", Long.toString(DiskCache.parseSize(filterCacheSize)));
    }
  }

  ServerLimits limits() {
    ServerLimits l = ServerLimits.defaults();
    if (maxMessageSize != null) {
      l = l.withMaxMessageBytes(intSize(maxMessageSize, "--max-message-size"));
    }
    if (maxQueries != null) {
      l = l.withMaxQueries(maxQueries);
    }
    if (maxResults != null) {
      l = l.withMaxResults(maxResults);
    }
    if (maxTopK != null) {
      l = l.withMaxTopK(maxTopK);
    }
    if (maxEf != null) {
      l = l.withMaxEf(maxEf);
    }
    if (maxFilterLength != null) {
      l = l.withMaxFilterChars(maxFilterLength);
    }
    if (maxResultBytes != null) {
      l = l.withMaxResultBytes(DiskCache.parseSize(maxResultBytes));
    }
    if (arrowMemory != null) {
      l = l.withArrowMemoryBytes(DiskCache.parseSize(arrowMemory));
    }
    if (maxConcurrentCalls != null) {
      l = l.withMaxConcurrentCalls(maxConcurrentCalls);
    }
    if (maxQueuedCalls != null) {
      l = l.withMaxQueuedCalls(maxQueuedCalls);
    }
    if (maxCallTimeSeconds != null) {
      l = l.withMaxCallTime(Duration.ofSeconds(maxCallTimeSeconds));
    }
    if (streamBufferSize != null) {
      l = l.withStreamBufferBytes(intSize(streamBufferSize, "--stream-buffer-size"));
    }
    return l;
  }

  private static int intSize(String text, String option) {
    long v = DiskCache.parseSize(text);
    if (v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "Cannot use " + option + " " + text + ": at most 2g - 1 bytes");
    }
    return (int) v;
  }
}
