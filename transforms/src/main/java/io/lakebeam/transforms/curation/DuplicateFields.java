package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.lake.ComputedColumns;
import io.lakebeam.transforms.lake.RowPositions;
import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;

/**
 * The three fields every dedup transform adds, under a prefix: {@code <p>dup_group} (the id of the
 * group's kept row), {@code <p>is_canonical} (whether this row is the kept one) and {@code
 * <p>dup_similarity} (the highest verified similarity to another member; null for a row without
 * duplicates). The kept row of a group is the one with the smallest id (string order), so the
 * choice is stable across runs and runners.
 */
final class DuplicateFields implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final char SEPARATOR = '\u0000';

  private final String prefix;
  private final String idField;

  DuplicateFields(String prefix, String idField) {
    this.prefix = prefix;
    this.idField = idField;
  }

  List<Schema.Field> fields() {
    return List.of(
        ComputedColumns.field(prefix + "dup_group", FieldType.STRING),
        ComputedColumns.field(prefix + "is_canonical", FieldType.BOOLEAN),
        ComputedColumns.field(prefix + "dup_similarity", FieldType.DOUBLE));
  }

  Schema resultSchema() {
    return AttachResults.resultSchema(fields());
  }

  /** Picks the id field: the configured one, else {@code chunk_id} or {@code id} if present. */
  static String resolveIdField(Schema schema, String configured) {
    if (configured != null) {
      if (!schema.hasField(configured)) {
        throw new IllegalArgumentException(
            "Cannot use id field '"
                + configured
                + "': the rows have fields "
                + schema.getFieldNames());
      }
      return configured;
    }
    for (String f : new String[] {"chunk_id", "id"}) {
      if (schema.hasField(f)) {
        return f;
      }
    }
    return null;
  }

  /** A node of the duplicate graph: the row's id then its position, ordered like the kept row. */
  String rank(Row row) {
    Object id = idField == null ? null : row.getValue(idField);
    String rowId = RowPositions.rowId(row);
    return (id == null ? rowId : id.toString()) + SEPARATOR + rowId;
  }

  /**
   * A 64-bit key of a rank (FNV-1a, then SplitMix64), the compact node name the near-duplicate
   * stages pass around; two ranks with the same key are detected where their shingles meet.
   */
  static long key(String rank) {
    long h = 0xCBF29CE484222325L;
    for (int i = 0; i < rank.length(); i++) {
      h = (h ^ rank.charAt(i)) * 0x100000001B3L;
    }
    return Shingles.mix(h ^ rank.length());
  }

  static String rowIdOf(String rank) {
    return rank.substring(rank.indexOf(SEPARATOR) + 1);
  }

  static String idOf(String rank) {
    return rank.substring(0, rank.indexOf(SEPARATOR));
  }

  /** The result row of a member of a group whose kept row is {@code canonicalRank}. */
  Row result(String rank, String canonicalRank, Double similarity) {
    return Row.withSchema(resultSchema())
        .addValues(idOf(canonicalRank), rank.equals(canonicalRank), similarity)
        .build();
  }

  /** The field values of a member of a group whose kept row is {@code canonicalRank}. */
  Object[] values(String rank, String canonicalRank, Double similarity) {
    return new Object[] {idOf(canonicalRank), rank.equals(canonicalRank), similarity};
  }

  /** The values of a row without duplicates: its own group, kept. */
  Object[] single(Row row) {
    String rank = rank(row);
    return new Object[] {idOf(rank), true, null};
  }
}
