package io.lakebeam.xlang;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.lake.Lakehouse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;
import org.apache.beam.sdk.schemas.transforms.SchemaTransformProvider;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionRowTuple;
import org.apache.beam.sdk.values.Row;

/**
 * Base of Lakebeam's {@link SchemaTransformProvider}s: a documented configuration schema
 * (snake_case fields with descriptions), validation of the configuration row before anything is
 * built (an unknown option fails naming it and the known ones), and typed getters with defaults.
 *
 * <p>Identifiers read {@code beam:schematransform:org.lakebeam:<name>:v1}; every provider takes one
 * input {@code input} (when it has one) and gives one output {@code output}.
 */
public abstract class LakebeamSchemaTransformProvider implements SchemaTransformProvider {
  /** Prefix of every Lakebeam transform URN. */
  public static final String URN_PREFIX = "beam:schematransform:org.lakebeam:";

  static final String INPUT = "input";
  static final String OUTPUT = "output";

  /** The option naming a lakehouse directory or {@code lakehouse.properties} file. */
  static final String LAKEHOUSE = "lakehouse";

  /** The option naming a collection of that lakehouse. */
  static final String COLLECTION = "collection";

  /** Whether a provider reads the input {@code input} or starts a pipeline branch. */
  enum Input {
    ONE,
    NONE
  }

  private final String name;
  private final Input input;

  /** A provider of a transform with one input, {@code input}. */
  protected LakebeamSchemaTransformProvider(String name) {
    this(name, Input.ONE);
  }

  protected LakebeamSchemaTransformProvider(String name, Input input) {
    this.name = name;
    this.input = input;
  }

  /** {@code beam:schematransform:org.lakebeam:<name>:v1}. */
  public static String urn(String name) {
    return URN_PREFIX + name + ":v1";
  }

  @Override
  public final String identifier() {
    return urn(name);
  }

  @Override
  public final List<String> inputCollectionNames() {
    return input == Input.ONE ? List.of(INPUT) : List.of();
  }

  @Override
  public List<String> outputCollectionNames() {
    return List.of(OUTPUT);
  }

  /** A documented optional option. */
  static Schema.Field optional(String name, Schema.FieldType type, String description) {
    return Schema.Field.nullable(name, type).withDescription(description);
  }

  /** A documented required option. */
  static Schema.Field required(String name, Schema.FieldType type, String description) {
    return Schema.Field.of(name, type).withDescription(description);
  }

  /** The required {@code lakehouse} option. */
  static Schema.Field requiredLakehouse() {
    return required(
        LAKEHOUSE, FieldType.STRING, "Lakehouse directory or lakehouse.properties file. Required.");
  }

  /** The optional {@code lakehouse} option, described by what it is used for. */
  static Schema.Field optionalLakehouse(String description) {
    return optional(LAKEHOUSE, FieldType.STRING, description);
  }

  /** The required {@code collection} option. */
  static Schema.Field requiredCollection(String description) {
    return required(COLLECTION, FieldType.STRING, description + " Required.");
  }

  /** A schema transform with no input whose output is what {@code source} adds to the pipeline. */
  static SchemaTransform producing(Function<Pipeline, PCollection<Row>> source) {
    return new SchemaTransform() {
      @Override
      public PCollectionRowTuple expand(PCollectionRowTuple input) {
        return PCollectionRowTuple.of(OUTPUT, source.apply(input.getPipeline()));
      }
    };
  }

  /**
   * A schema transform applying {@code t} to the input {@code input}, with the row positions under
   * their portable names outside ({@link PortableRowPositions}).
   */
  static SchemaTransform applying(String step, PTransform<PCollection<Row>, PCollection<Row>> t) {
    return new SchemaTransform() {
      @Override
      public PCollectionRowTuple expand(PCollectionRowTuple input) {
        PCollection<Row> rows = PortableRowPositions.toJava(input.get(INPUT));
        return PCollectionRowTuple.of(OUTPUT, PortableRowPositions.toPortable(rows.apply(step, t)));
      }
    };
  }

  /** Builds the transform from a configuration already checked against the schema. */
  protected abstract SchemaTransform build(Config config);

  @Override
  public final SchemaTransform from(Row configuration) {
    checkArgument(configuration != null, "Cannot configure %s: no configuration row", name);
    Schema known = configurationSchema();
    List<String> unknown = new ArrayList<>();
    for (Schema.Field f : configuration.getSchema().getFields()) {
      if (!known.hasField(f.getName())) {
        unknown.add(f.getName());
      }
    }
    checkArgument(
        unknown.isEmpty(),
        "Cannot configure %s: unknown option(s) %s; known options: %s",
        identifier(),
        unknown,
        known.getFieldNames());
    return build(new Config(identifier(), configuration));
  }

  /** Read access to one configuration row with defaults and required-option errors. */
  protected static final class Config {
    private final String urn;
    private final Row row;

    Config(String urn, Row row) {
      this.urn = urn;
      this.row = row;
    }

    private Object value(String field) {
      return row.getSchema().hasField(field) ? row.getValue(field) : null;
    }

    /** The string option, or {@code fallback} when unset. */
    public String string(String field, String fallback) {
      Object v = value(field);
      return v == null ? fallback : v.toString();
    }

    /** The string option; fails naming it when unset or blank. */
    public String requiredString(String field) {
      String v = string(field, null);
      checkArgument(
          v != null && !v.isBlank(), "Cannot expand %s: option '%s' is required", urn, field);
      return v;
    }

    /** The integer option, or {@code fallback} when unset. */
    public int integer(String field, int fallback) {
      Object v = value(field);
      return v == null ? fallback : ((Number) v).intValue();
    }

    /** The number option, or {@code fallback} when unset. */
    public double decimal(String field, double fallback) {
      Object v = value(field);
      return v == null ? fallback : ((Number) v).doubleValue();
    }

    /** The long option, or {@code fallback} when unset. */
    public long longValue(String field, long fallback) {
      Object v = value(field);
      return v == null ? fallback : ((Number) v).longValue();
    }

    /** The boolean option, or {@code fallback} when unset. */
    public boolean bool(String field, boolean fallback) {
      Object v = value(field);
      return v == null ? fallback : (Boolean) v;
    }

    /** The string-list option, or an empty list when unset. */
    public List<String> strings(String field) {
      Object v = value(field);
      List<String> out = new ArrayList<>();
      if (v != null) {
        for (Object o : (Iterable<?>) v) {
          out.add(o.toString());
        }
      }
      return out;
    }

    /** The string option, one of {@code choices} (the first is the default when unset). */
    public String choice(String field, String... choices) {
      String v = string(field, choices[0]);
      checkArgument(
          List.of(choices).contains(v),
          "Cannot expand %s: option '%s' is '%s'; use one of %s",
          urn,
          field,
          v,
          List.of(choices));
      return v;
    }

    /** Fails naming every set option of {@code fields} when {@code applies} is false. */
    public void onlyWhen(boolean applies, String condition, String... fields) {
      for (String f : fields) {
        checkArgument(
            applies || !has(f),
            "Cannot expand %s: option '%s' applies only when %s",
            urn,
            f,
            condition);
      }
    }

    /** Opens the lakehouse the option names; fails naming the option when it is unset. */
    public Lakehouse lakehouse(String field) {
      return Lakehouse.open(requiredString(field));
    }

    /** The lakehouse the option names, or null when it is unset. */
    public Lakehouse lakehouseIfSet(String field) {
      return has(field) ? lakehouse(field) : null;
    }

    /** Whether the option is set. */
    public boolean has(String field) {
      return value(field) != null;
    }
  }
}
