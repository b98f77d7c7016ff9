package io.lakebeam.contextpackages.beam;

import io.lakebeam.contextpackages.ContextPackage;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/** Built packages as Beam rows (between the build and the commit step), and back. */
final class PackageRows {
  static final Schema SCHEMA =
      Schema.builder()
          .addStringField("name")
          .addStringField("topic")
          .addStringField("query")
          .addStringField("text")
          .addStringField("citations")
          .addInt32Field("token_count")
          .addInt32Field("retrieved")
          .addInt32Field("duplicates_dropped")
          .addStringField("content_hash")
          .addStringField("spec")
          .addStringField("spec_hash")
          .addStringField("source_collection")
          .addStringField("source_field")
          .addInt64Field("source_snapshot_id")
          .addStringField("model")
          .addStringField("tokenizer")
          .build();

  /** A query: the package's topic and the text that is embedded. */
  static final Schema QUERY =
      Schema.builder().addStringField("topic").addStringField("text").build();

  private PackageRows() {}

  static Row toRow(ContextPackage p) {
    return Row.withSchema(SCHEMA)
        .addValues(
            p.name(),
            p.topic(),
            p.query(),
            p.text(),
            p.citationsJson(),
            p.tokenCount(),
            p.retrieved(),
            p.duplicatesDropped(),
            p.contentHash(),
            p.specJson(),
            p.specHash(),
            p.sourceCollection(),
            p.sourceField(),
            p.sourceSnapshotId(),
            p.model(),
            p.tokenizer())
        .build();
  }

  static ContextPackage fromRow(Row r) {
    return new ContextPackage(
        r.getString("name"),
        r.getString("topic"),
        0,
        r.getString("query"),
        r.getString("text"),
        ContextPackage.parseCitationsJson(r.getString("citations")),
        r.getInt32("token_count"),
        r.getInt32("retrieved"),
        r.getInt32("duplicates_dropped"),
        r.getString("content_hash"),
        r.getString("spec"),
        r.getString("spec_hash"),
        r.getString("source_collection"),
        r.getString("source_field"),
        r.getInt64("source_snapshot_id"),
        r.getString("model"),
        r.getString("tokenizer"),
        null,
        null);
  }
}
