package io.lakebeam.xlang;

import io.lakebeam.transforms.curation.Dedup;
import io.lakebeam.transforms.curation.ExactDuplicates;
import io.lakebeam.transforms.curation.NearDuplicates;
import io.lakebeam.transforms.curation.SemanticDuplicates;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;

/**
 * {@code beam:schematransform:org.lakebeam:dedup:v1}: {@link Dedup} for Python and YAML. {@code
 * method} picks exact (SHA-256 of the text), near (MinHash LSH on word shingles) or semantic
 * (cosine within k-means partitions); each adds {@code <prefix>dup_group}, {@code
 * <prefix>is_canonical} and {@code <prefix>dup_similarity}. An option of another method fails.
 *
 * <pre>{@code
 * - type: LakebeamDedup
 *   config: {method: near, text_field: text, jaccard: 0.8}
 * }</pre>
 */
public final class DedupSchemaTransformProvider extends LakebeamSchemaTransformProvider {
  static final String METHOD = "method";
  static final String TEXT_FIELD = "text_field";
  static final String VECTOR_FIELD = "vector_field";
  static final String ID_FIELD = "id_field";
  static final String OUTPUT_PREFIX = "output_prefix";
  static final String JACCARD = "jaccard";
  static final String NUM_PERM = "num_perm";
  static final String SHINGLE_SIZE = "shingle_size";
  static final String COSINE = "cosine";
  static final String PARTITIONS = "partitions";
  static final String SEED = "seed";

  public DedupSchemaTransformProvider() {
    super("dedup");
  }

  @Override
  public String description() {
    return "Marks duplicate rows: exact text, near-duplicate text (MinHash) or semantic.";
  }

  @Override
  public Schema configurationSchema() {
    return Schema.builder()
        .addField(optional(METHOD, FieldType.STRING, "near, exact or semantic. Default near."))
        .addField(
            optional(TEXT_FIELD, FieldType.STRING, "Text compared (near, exact). Default text."))
        .addField(
            optional(
                VECTOR_FIELD, FieldType.STRING, "Vector compared (semantic). Default embedding."))
        .addField(
            optional(
                ID_FIELD,
                FieldType.STRING,
                "Field naming a row; a group keeps its smallest. Default chunk_id or id."))
        .addField(
            optional(
                OUTPUT_PREFIX,
                FieldType.STRING,
                "Prefix of the output fields. Default: none (near), exact_, semantic_."))
        .addField(optional(JACCARD, FieldType.DOUBLE, "near: Jaccard threshold, (0, 1]. 0.8."))
        .addField(optional(NUM_PERM, FieldType.INT32, "near: MinHash permutations, 16-1024. 128."))
        .addField(optional(SHINGLE_SIZE, FieldType.INT32, "near: words per shingle, 1-16. 3."))
        .addField(optional(COSINE, FieldType.DOUBLE, "semantic: cosine threshold, (0, 1]. 0.95."))
        .addField(
            optional(PARTITIONS, FieldType.INT32, "semantic: k-means partitions, 1-65536. 64."))
        .addField(
            optional(SEED, FieldType.INT64, "near: MinHash seed (1); semantic: partitioning (42)."))
        .build();
  }

  @Override
  protected SchemaTransform build(Config config) {
    String method = config.choice(METHOD, "near", "exact", "semantic");
    config.onlyWhen(method.equals("near"), "method is near", JACCARD, NUM_PERM, SHINGLE_SIZE);
    config.onlyWhen(method.equals("semantic"), "method is semantic", COSINE, PARTITIONS);
    config.onlyWhen(!method.equals("semantic"), "method is near or exact", TEXT_FIELD);
    config.onlyWhen(method.equals("semantic"), "method is semantic", VECTOR_FIELD);
    config.onlyWhen(!method.equals("exact"), "method is near or semantic", SEED);
    return switch (method) {
      case "exact" -> applying("Exact duplicates", exact(config));
      case "semantic" -> applying("Semantic duplicates", semantic(config));
      default -> applying("Near duplicates", near(config));
    };
  }

  private static ExactDuplicates exact(Config config) {
    ExactDuplicates t = Dedup.exact().onText(config.string(TEXT_FIELD, "text"));
    if (config.has(ID_FIELD)) {
      t = t.withIdField(config.string(ID_FIELD, null));
    }
    return config.has(OUTPUT_PREFIX) ? t.withOutputPrefix(config.string(OUTPUT_PREFIX, "")) : t;
  }

  private static NearDuplicates near(Config config) {
    NearDuplicates t =
        Dedup.nearDuplicates()
            .onText(config.string(TEXT_FIELD, "text"))
            .withJaccard(config.decimal(JACCARD, 0.8))
            .withNumPerm(config.integer(NUM_PERM, 128))
            .withShingleSize(config.integer(SHINGLE_SIZE, 3))
            .withSeed(config.longValue(SEED, 1));
    if (config.has(ID_FIELD)) {
      t = t.withIdField(config.string(ID_FIELD, null));
    }
    return config.has(OUTPUT_PREFIX) ? t.withOutputPrefix(config.string(OUTPUT_PREFIX, "")) : t;
  }

  private static SemanticDuplicates semantic(Config config) {
    SemanticDuplicates t =
        Dedup.semantic()
            .onVector(config.string(VECTOR_FIELD, "embedding"))
            .withCosine(config.decimal(COSINE, 0.95))
            .withPartitions(config.integer(PARTITIONS, 64))
            .withSeed(config.longValue(SEED, 42));
    if (config.has(ID_FIELD)) {
      t = t.withIdField(config.string(ID_FIELD, null));
    }
    return config.has(OUTPUT_PREFIX) ? t.withOutputPrefix(config.string(OUTPUT_PREFIX, "")) : t;
  }
}
