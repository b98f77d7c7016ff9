package io.lakebeam.xlang;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.curation.Anomalies;
import io.lakebeam.transforms.curation.IsolationForest;
import io.lakebeam.transforms.curation.KnnDistance;
import io.lakebeam.transforms.curation.MultiScaleKnn;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;

/**
 * {@code beam:schematransform:org.lakebeam:anomalies:v1}: {@link Anomalies} for Python and YAML.
 * {@code method} picks isolation_forest (no index needed), knn_distance or multi_scale_knn (both
 * ask the vector index of the collection the rows were read from, or of {@code index_collection});
 * each adds {@code anomaly_score} and {@code is_anomaly}. An option of another method fails.
 *
 * <pre>{@code
 * - type: LakebeamAnomalies
 *   config: {method: isolation_forest, trees: 100, top_fraction: 0.01}
 * }</pre>
 */
public final class AnomaliesSchemaTransformProvider extends LakebeamSchemaTransformProvider {
  static final String METHOD = "method";
  static final String VECTOR_FIELD = "vector_field";
  static final String TOP_FRACTION = "top_fraction";
  static final String SCORE_FIELD = "score_field";
  static final String FLAG_FIELD = "flag_field";
  static final String TREES = "trees";
  static final String SAMPLE_SIZE = "sample_size";
  static final String SEED = "seed";
  static final String K = "k";
  static final String INDEX_COLLECTION = "index_collection";

  public AnomaliesSchemaTransformProvider() {
    super("anomalies");
  }

  @Override
  public String description() {
    return "Scores rows by how anomalous their vectors are and flags the top fraction.";
  }

  @Override
  public Schema configurationSchema() {
    return Schema.builder()
        .addField(
            optional(
                METHOD,
                FieldType.STRING,
                "isolation_forest, knn_distance or multi_scale_knn. Default isolation_forest."))
        .addField(optional(VECTOR_FIELD, FieldType.STRING, "Vector field. Default embedding."))
        .addField(
            optional(TOP_FRACTION, FieldType.DOUBLE, "Fraction flagged, (0, 0.5]. Default 0.01."))
        .addField(optional(SCORE_FIELD, FieldType.STRING, "Score field. Default anomaly_score."))
        .addField(optional(FLAG_FIELD, FieldType.STRING, "Flag field. Default is_anomaly."))
        .addField(optional(TREES, FieldType.INT32, "isolation_forest: trees, 1-10000. 100."))
        .addField(optional(SAMPLE_SIZE, FieldType.INT32, "isolation_forest: points per tree. 256."))
        .addField(optional(SEED, FieldType.INT64, "isolation_forest: seed. 42."))
        .addField(
            optional(
                K,
                FieldType.INT32,
                "knn_distance: neighbours averaged (10); multi_scale_knn: largest scale (100)."))
        .addField(optionalLakehouse("knn methods: lakehouse of index_collection."))
        .addField(
            optional(
                INDEX_COLLECTION,
                FieldType.STRING,
                "knn methods: collection whose index answers. Default: the rows' own."))
        .build();
  }

  @Override
  protected SchemaTransform build(Config config) {
    String method = config.choice(METHOD, "isolation_forest", "knn_distance", "multi_scale_knn");
    boolean forest = method.equals("isolation_forest");
    config.onlyWhen(forest, "method is isolation_forest", TREES, SAMPLE_SIZE, SEED);
    config.onlyWhen(!forest, "method is knn_distance or multi_scale_knn", K, INDEX_COLLECTION);
    config.onlyWhen(config.has(INDEX_COLLECTION), "index_collection is set", LAKEHOUSE);
    String vector = config.string(VECTOR_FIELD, "embedding");
    double top = config.decimal(TOP_FRACTION, 0.01);
    String score = config.string(SCORE_FIELD, "anomaly_score");
    String flag = config.string(FLAG_FIELD, "is_anomaly");
    if (forest) {
      IsolationForest t =
          Anomalies.isolationForest()
              .onVector(vector)
              .withTopFraction(top)
              .toFields(score, flag)
              .withTrees(config.integer(TREES, 100))
              .withSampleSize(config.integer(SAMPLE_SIZE, 256))
              .withSeed(config.longValue(SEED, 42));
      return applying("Isolation forest", t);
    }
    Lakehouse lake = config.has(INDEX_COLLECTION) ? config.lakehouse(LAKEHOUSE) : null;
    if (method.equals("knn_distance")) {
      KnnDistance t =
          Anomalies.knnDistance()
              .onVector(vector)
              .withTopFraction(top)
              .toFields(score, flag)
              .withK(config.integer(K, 10));
      if (lake != null) {
        t = t.withIndexOf(lake, config.string(INDEX_COLLECTION, null));
      }
      return applying("kNN distance", t);
    }
    MultiScaleKnn t =
        Anomalies.multiScaleKnn()
            .onVector(vector)
            .withTopFraction(top)
            .toFields(score, flag)
            .withMaxK(config.integer(K, 100));
    if (lake != null) {
      t = t.withIndexOf(lake, config.string(INDEX_COLLECTION, null));
    }
    return applying("Multi-scale kNN", t);
  }
}
