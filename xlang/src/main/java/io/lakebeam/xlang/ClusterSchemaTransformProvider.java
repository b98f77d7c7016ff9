package io.lakebeam.xlang;

import io.lakebeam.transforms.curation.Cluster;
import io.lakebeam.transforms.curation.KMeans;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;

/**
 * {@code beam:schematransform:org.lakebeam:cluster:v1}: {@link Cluster#kMeans()} for Python and
 * YAML; adds {@code cluster_id} and {@code cluster_distance} (or with {@code output_prefix}).
 *
 * <pre>{@code
 * - type: LakebeamCluster
 *   config: {vector_field: embedding, k: 256, iterations: 20}
 * }</pre>
 */
public final class ClusterSchemaTransformProvider extends LakebeamSchemaTransformProvider {
  static final String VECTOR_FIELD = "vector_field";
  static final String K = "k";
  static final String ITERATIONS = "iterations";
  static final String SEED = "seed";
  static final String SAMPLE_SIZE = "sample_size";
  static final String NORMALIZE = "normalize";
  static final String OUTPUT_PREFIX = "output_prefix";
  static final String CENTROIDS_LAKEHOUSE = "centroids_lakehouse";
  static final String CENTROIDS_TABLE = "centroids_table";

  public ClusterSchemaTransformProvider() {
    super("cluster");
  }

  @Override
  public String description() {
    return "k-means (k-means++ seeding, Lloyd iterations) on a vector field.";
  }

  @Override
  public Schema configurationSchema() {
    return Schema.builder()
        .addField(optional(VECTOR_FIELD, FieldType.STRING, "Vector field. Default embedding."))
        .addField(optional(K, FieldType.INT32, "Clusters, 1-65536. Default 16."))
        .addField(optional(ITERATIONS, FieldType.INT32, "Lloyd iterations, 0-1000. Default 20."))
        .addField(optional(SEED, FieldType.INT64, "Seed of the sample and k-means++. Default 42."))
        .addField(
            optional(
                SAMPLE_SIZE,
                FieldType.INT32,
                "Rows sampled for k-means++ seeding. Default max(20 k, 5000)."))
        .addField(
            optional(
                NORMALIZE,
                FieldType.BOOLEAN,
                "Unit-normalise vectors first (cosine geometry). Default true."))
        .addField(
            optional(
                OUTPUT_PREFIX, FieldType.STRING, "Prefix of the output fields. Default cluster_."))
        .addField(
            optional(
                CENTROIDS_LAKEHOUSE,
                FieldType.STRING,
                "Lakehouse of centroids_table. Required with centroids_table."))
        .addField(
            optional(
                CENTROIDS_TABLE,
                FieldType.STRING,
                "Also writes the centroids to this table. Default: not written."))
        .build();
  }

  @Override
  protected SchemaTransform build(Config config) {
    KMeans kMeans =
        Cluster.kMeans()
            .onVector(config.string(VECTOR_FIELD, "embedding"))
            .withK(config.integer(K, 16))
            .withIterations(config.integer(ITERATIONS, 20))
            .withSeed(config.longValue(SEED, 42));
    if (config.has(SAMPLE_SIZE)) {
      kMeans = kMeans.withSampleSize(config.integer(SAMPLE_SIZE, 0));
    }
    if (!config.bool(NORMALIZE, true)) {
      kMeans = kMeans.withoutNormalizing();
    }
    if (config.has(OUTPUT_PREFIX)) {
      kMeans = kMeans.withOutputPrefix(config.string(OUTPUT_PREFIX, null));
    }
    config.onlyWhen(config.has(CENTROIDS_TABLE), "centroids_table is set", CENTROIDS_LAKEHOUSE);
    if (config.has(CENTROIDS_TABLE)) {
      kMeans =
          kMeans.withCentroidsTable(
              config.lakehouse(CENTROIDS_LAKEHOUSE), config.string(CENTROIDS_TABLE, null));
    }
    return applying("k-means", kMeans);
  }
}
