package io.lakebeam.flight;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys each request of the protocol may hold, in one place: a ticket, command or action body
 * with any other key is refused, naming the closest known key ({@code "filer"} gets "did you mean
 * 'filter'?"), so a typo never silently changes what a request does. See {@code
 * docs/flight-protocol.md}.
 */
final class RequestKeys {
  private RequestKeys() {}

  static final Set<String> SEARCH =
      keys(
          "type",
          "collection",
          "field",
          "vectors",
          "vectors_f32",
          "dim",
          "texts",
          "top_k",
          "ef",
          "filter",
          "output_fields",
          "query_type",
          "text");

  /** A hybrid search ticket or command, and its nested objects. */
  static final Set<String> HYBRID =
      keys("type", "collection", "legs", "ranker", "rerank", "filter", "top_k", "output_fields");

  static final Set<String> HYBRID_LEG =
      keys("field", "vectors", "vectors_f32", "dim", "texts", "match", "top_k", "ef");

  static final Set<String> HYBRID_RANKER = keys("type", "k", "weights");

  static final Set<String> HYBRID_RERANK =
      keys(
          "type",
          "field",
          "lambda",
          "order",
          "weight",
          "model",
          "tokenizer",
          "text_field",
          "queries");

  /** A read command of GetFlightInfo (or a path descriptor). */
  static final Set<String> READ_COMMAND =
      keys("type", "collection", "columns", "filter", "limit", "splits");

  /** A read ticket: what GetFlightInfo hands out, or a hand-written one. */
  static final Set<String> READ_TICKET =
      keys("type", "collection", "columns", "filter", "limit", "splits", "snapshot_id", "files");

  /** The command of a DoPut. */
  static final Set<String> INSERT = keys("type", "collection", "idempotency_key");

  /** The body keys of each action. */
  static final Map<String, Set<String>> ACTIONS =
      Map.ofEntries(
          Map.entry("list_collections", keys()),
          Map.entry("describe_collection", keys("collection")),
          Map.entry("create_collection", keys("collection", "schema", "metric", "if_not_exists")),
          Map.entry(
              "create_external_collection",
              keys("collection", "src", "schema", "metric", "strict")),
          Map.entry(
              "create_index",
              keys("collection", "field", "index_type", "metric", "params", "analyzer")),
          Map.entry("refresh", keys("collection")),
          Map.entry("drop_index", keys("collection", "field", "index_type")),
          Map.entry("pin_collection", keys("collection", "pinned")),
          Map.entry("server_status", keys()),
          Map.entry("drop_collection", keys("collection", "purge")),
          Map.entry("get_context", keys("name", "topic", "version", "table")),
          Map.entry("diff_context", keys("name", "topic", "from", "to", "table")),
          Map.entry("list_context", keys("name", "topic", "table")));

  /** Every request may carry the protocol version {@code "v"}. */
  private static Set<String> keys(String... names) {
    Set<String> s = new TreeSet<>(List.of(names));
    s.add("v");
    return Set.copyOf(s);
  }

  /** The known key closest to {@code key} by edit distance, or null when none is close. */
  static String closest(String key, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : new TreeSet<>(known)) {
      // a shortened key ("snapshot" for "snapshot_id") is as close as a one-letter typo
      int d = key.length() >= 3 && k.startsWith(key) ? 1 : distance(key, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  /** Levenshtein distance; keys longer than 64 characters are never close to a known one. */
  private static int distance(String a, String b) {
    if (a.length() > 64) {
      return Integer.MAX_VALUE;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
