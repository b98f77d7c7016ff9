package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.lake.ComputedColumns;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;

/** The two fields an anomaly transform adds: a score (higher is rarer) and a top-fraction flag. */
record AnomalyFields(String score, String flag) {
  List<Schema.Field> fields() {
    return List.of(
        ComputedColumns.field(score, FieldType.DOUBLE),
        ComputedColumns.field(flag, FieldType.BOOLEAN));
  }
}
