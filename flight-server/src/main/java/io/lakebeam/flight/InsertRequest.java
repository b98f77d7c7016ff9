package io.lakebeam.flight;

/**
 * A parsed {@code DoPut} descriptor: the collection and an optional idempotency key.
 *
 * <p>A retried insert with the key of an insert that was already committed (its acknowledgement
 * lost) is a no-op that returns the first insert's result; the key is kept in the commit's Iceberg
 * snapshot summary, so this holds across server restarts.
 *
 * <pre>{@code
 * {"v": 1, "type": "insert", "collection": "docs", "idempotency_key": "7f3c...-0"}
 * }</pre>
 */
record InsertRequest(String collection, String idempotencyKey) {
  /** Longest accepted idempotency key, in characters. */
  static final int MAX_KEY_LENGTH = 256;

  static InsertRequest from(Json cmd) {
    String key = cmd.optString("idempotency_key");
    if (key != null && (key.isBlank() || key.length() > MAX_KEY_LENGTH || !printable(key))) {
      throw Errors.invalid(
          "Cannot read the insert descriptor: 'idempotency_key' must be 1 to %d printable"
              + " characters (a UUID is a good key), got '%s'",
          MAX_KEY_LENGTH, key.length() > 40 ? key.substring(0, 40) + "..." : key);
    }
    return new InsertRequest(cmd.string("collection"), key);
  }

  /** The write id recorded in the snapshot summary, or null when the insert has no key. */
  String writeId() {
    return idempotencyKey == null ? null : "insert:" + idempotencyKey;
  }

  private static boolean printable(String s) {
    return s.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f);
  }
}
