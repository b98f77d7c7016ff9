package io.lakebeam.transforms;

import org.apache.beam.sdk.values.Row;

/**
 * How Lakebeam's transforms name a failed record in Beam's bad-record output: by the source
 * document's URI when the row has one (what a user fixes and re-ingests), else by its id.
 */
public final class FailedRecords {
  private FailedRecords() {}

  /**
   * The row's {@code uri}, {@code doc_id}, {@code chunk_id} or {@code id}, or the row itself as
   * text.
   */
  public static String sourceOf(Row row) {
    for (String f : new String[] {"uri", "doc_id", "chunk_id", "id"}) {
      if (row.getSchema().hasField(f) && row.getValue(f) != null) {
        return row.getValue(f).toString();
      }
    }
    return row.toString(true);
  }
}
