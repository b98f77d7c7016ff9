package io.lakebeam.transforms.lake;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.Row;

/**
 * An order-independent digest of a multiset of rows: the count and the sums (mod 2^64) of two
 * halves of each row's SHA-256 over its Beam encoding. The same rows in any order, split into any
 * bundles, give the same digest, so a rerun of a job over the same input derives the same write id.
 *
 * <pre>{@code
 * RowDigest d = new RowDigest();
 * rows.forEach(d::add);
 * String writeId = d.writeId(); // "beam-rows-<32 hex>-<count>"
 * }</pre>
 *
 * <p>Not thread-safe.
 */
final class RowDigest implements Serializable {
  private long low;
  private long high;
  private long rows;
  private transient RowCoder coder;
  private transient MessageDigest sha;

  void add(Row row) {
    if (coder == null) {
      coder = RowCoder.of(row.getSchema());
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    byte[] encoded;
    try {
      encoded = CoderUtils.encodeToByteArray(coder, row);
    } catch (CoderException e) {
      throw new IllegalStateException("Cannot encode a row to derive the write id", e);
    }
    ByteBuffer hash = ByteBuffer.wrap(sha.digest(encoded));
    low += hash.getLong();
    high += hash.getLong();
    rows++;
  }

  void add(RowDigest other) {
    low += other.low;
    high += other.high;
    rows += other.rows;
  }

  long rows() {
    return rows;
  }

  /** The write id of a commit of exactly these rows. */
  String writeId() {
    return String.format("beam-rows-%016x%016x-%d", high, low, rows);
  }
}
