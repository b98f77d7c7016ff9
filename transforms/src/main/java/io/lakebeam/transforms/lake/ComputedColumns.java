package io.lakebeam.transforms.lake;

import java.io.Serializable;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;

/**
 * Marks the fields a transform computes (dedup groups, cluster ids, scores...), so that {@link
 * Lake#writeBackColumns} writes them even when the table already has the column (a re-run replaces
 * the old values). Fields the table lacks are written too, marked or not.
 */
public final class ComputedColumns {
  /** Field option (BOOLEAN) set on computed fields. */
  public static final String OPTION = "lakebeam.computed";

  private ComputedColumns() {}

  /** A nullable computed field. */
  public static Schema.Field field(String name, FieldType type) {
    return Schema.Field.nullable(name, type)
        .withOptions(Schema.Options.builder().setOption(OPTION, FieldType.BOOLEAN, true));
  }

  /** Marks an existing field definition (e.g. a vector field) as computed. */
  public static Schema.Field mark(Schema.Field field) {
    return field.withOptions(
        Schema.Options.builder()
            .addOptions(field.getOptions())
            .setOption(OPTION, FieldType.BOOLEAN, true));
  }

  public static boolean isComputed(Schema.Field field) {
    return field.getOptions().hasOption(OPTION);
  }

  /**
   * {@code in} plus {@code added} fields, keeping the schema's options (its source collection). An
   * input field of the same name as an added one is replaced (a re-run computes it anew).
   */
  public static Schema extend(Schema in, List<Schema.Field> added) {
    Set<String> names = added.stream().map(Schema.Field::getName).collect(Collectors.toSet());
    return Schema.builder()
        .addFields(in.getFields().stream().filter(f -> !names.contains(f.getName())).toList())
        .addFields(added)
        .setOptions(in.getOptions())
        .build();
  }

  /** Builds output rows of {@link #extend}{@code (in, added)} from an input row and new values. */
  public static final class Appender implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Schema out;
    private final int[] kept;

    public Appender(Schema in, Schema out, int addedCount) {
      this.out = out;
      this.kept = new int[out.getFieldCount() - addedCount];
      for (int i = 0; i < kept.length; i++) {
        kept[i] = in.indexOf(out.getField(i).getName());
      }
    }

    public Schema schema() {
      return out;
    }

    /** The input row's kept values followed by {@code values} (as many as fields were added). */
    public Row append(Row row, Object... values) {
      Row.Builder b = Row.withSchema(out);
      for (int i : kept) {
        b.addValue(row.getValue(i));
      }
      return b.addValues(values).build();
    }
  }
}
