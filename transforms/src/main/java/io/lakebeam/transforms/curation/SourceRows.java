package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.lake.LakeTarget;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.iceberg.Snapshot;

/** What is known, when a pipeline is built, about how many rows a transform will see. */
final class SourceRows {
  private SourceRows() {}

  /**
   * At most how many rows of this schema there are: the current snapshot's record count of the
   * collection they are read from ({@code Lake.read} names it), or {@link Long#MAX_VALUE} when the
   * rows do not come from a collection.
   */
  static long upperBound(Schema schema) {
    LakeTarget source = LakeTarget.sourceOf(schema);
    if (source == null) {
      return Long.MAX_VALUE;
    }
    Snapshot current = source.load().table().currentSnapshot();
    if (current == null) {
      return 0;
    }
    String records = current.summary().get("total-records");
    return records == null ? Long.MAX_VALUE : Long.parseLong(records);
  }
}
