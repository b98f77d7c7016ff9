package io.lakebeam.transforms.curation;

import static org.apache.beam.sdk.util.Preconditions.checkArgumentNotNull;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.lake.ComputedColumns;
import io.lakebeam.transforms.lake.Lake;
import io.lakebeam.transforms.lake.VectorOptions;
import java.util.List;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * Distributed k-means on a vector field; see {@link Cluster#kMeans()}. Adds {@code cluster_id}
 * (INT32, 0..k-1) and {@code cluster_distance} (DOUBLE, Euclidean distance to the centroid, on
 * unit-normalised vectors unless {@link #withoutNormalizing()}); optionally writes the centroids
 * (with each cluster's size and inertia) to a table of their own.
 */
public final class KMeans extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final transient Settings s;

  private record Settings(
      String field,
      int k,
      int iterations,
      long seed,
      int sampleSize,
      float[][] initial,
      boolean normalize,
      String prefix,
      Lakehouse centroidsLake,
      String centroidsTable,
      ErrorHandler<BadRecord, ?> badRecords) {}

  KMeans() {
    this(new Settings("embedding", 16, 20, 42, 0, null, true, "cluster_", null, null, null));
  }

  private KMeans(Settings s) {
    this.s = s;
  }

  /** The vector field. Default {@code embedding}. */
  public KMeans onVector(String field) {
    checkArgumentNotNull(field, "Cannot cluster a null field");
    return new KMeans(
        new Settings(
            field,
            s.k,
            s.iterations,
            s.seed,
            s.sampleSize,
            s.initial,
            s.normalize,
            s.prefix,
            s.centroidsLake,
            s.centroidsTable,
            s.badRecords));
  }

  /** Clusters. Default 16; 1-65536. With fewer usable rows than k, k is the row count. */
  public KMeans withK(int clusters) {
    checkArgument(clusters >= 1 && clusters <= 65536, "Cannot use k = %s: use 1-65536", clusters);
    return new KMeans(
        new Settings(
            s.field,
            clusters,
            s.iterations,
            s.seed,
            s.sampleSize,
            s.initial,
            s.normalize,
            s.prefix,
            s.centroidsLake,
            s.centroidsTable,
            s.badRecords));
  }

  /** Lloyd iterations, each one pass over the rows. Default 20; 0-1000. */
  public KMeans withIterations(int n) {
    checkArgument(n >= 0 && n <= 1000, "Cannot run %s iterations: use 0-1000", n);
    return new KMeans(
        new Settings(
            s.field,
            s.k,
            n,
            s.seed,
            s.sampleSize,
            s.initial,
            s.normalize,
            s.prefix,
            s.centroidsLake,
            s.centroidsTable,
            s.badRecords));
  }

  /** Seed of the sample and of k-means++. Default 42. */
  public KMeans withSeed(long seed) {
    return new KMeans(
        new Settings(
            s.field,
            s.k,
            s.iterations,
            seed,
            s.sampleSize,
            s.initial,
            s.normalize,
            s.prefix,
            s.centroidsLake,
            s.centroidsTable,
            s.badRecords));
  }

  /** Rows sampled for k-means++ seeding. Default {@code max(20 k, 5000)}; at least k. */
  public KMeans withSampleSize(int rows) {
    checkArgument(rows >= 1, "Cannot sample %s rows", rows);
    return new KMeans(
        new Settings(
            s.field,
            s.k,
            s.iterations,
            s.seed,
            rows,
            s.initial,
            s.normalize,
            s.prefix,
            s.centroidsLake,
            s.centroidsTable,
            s.badRecords));
  }

  /** Starts from these centroids instead of k-means++ (a warm start; sets k). */
  public KMeans withInitialCentroids(float[][] centroids) {
    checkArgument(centroids != null && centroids.length > 0, "Cannot start from no centroids");
    return new KMeans(
        new Settings(
            s.field,
            centroids.length,
            s.iterations,
            s.seed,
            s.sampleSize,
            centroids,
            s.normalize,
            s.prefix,
            s.centroidsLake,
            s.centroidsTable,
            s.badRecords));
  }

  /** Clusters the raw vectors. Default: unit-normalised (cosine geometry). */
  public KMeans withoutNormalizing() {
    return new KMeans(
        new Settings(
            s.field,
            s.k,
            s.iterations,
            s.seed,
            s.sampleSize,
            s.initial,
            false,
            s.prefix,
            s.centroidsLake,
            s.centroidsTable,
            s.badRecords));
  }

  /** Prefix of the output fields. Default {@code cluster_}. */
  public KMeans withOutputPrefix(String prefix) {
    checkArgumentNotNull(prefix, "Cannot use a null prefix");
    return new KMeans(
        new Settings(
            s.field,
            s.k,
            s.iterations,
            s.seed,
            s.sampleSize,
            s.initial,
            s.normalize,
            prefix,
            s.centroidsLake,
            s.centroidsTable,
            s.badRecords));
  }

  /**
   * Also writes the centroids to {@code table} ({@code field, cluster_id, size, inertia,
   * centroid}), replacing the previous centroids of the same field. Default: not written.
   */
  public KMeans withCentroidsTable(Lakehouse lakehouse, String table) {
    checkArgumentNotNull(lakehouse, "Cannot write centroids without a lakehouse");
    checkArgumentNotNull(table, "Cannot write centroids to a null table");
    return new KMeans(
        new Settings(
            s.field,
            s.k,
            s.iterations,
            s.seed,
            s.sampleSize,
            s.initial,
            s.normalize,
            s.prefix,
            lakehouse,
            table,
            s.badRecords));
  }

  /** Sends rows with unusable vectors to {@code handler}; they get null fields. Default: fail. */
  public KMeans withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
    checkArgumentNotNull(handler, "Cannot use a null error handler");
    return new KMeans(
        new Settings(
            s.field,
            s.k,
            s.iterations,
            s.seed,
            s.sampleSize,
            s.initial,
            s.normalize,
            s.prefix,
            s.centroidsLake,
            s.centroidsTable,
            handler));
  }

  List<Schema.Field> outputFields() {
    return List.of(
        ComputedColumns.field(s.prefix + "id", FieldType.INT32),
        ComputedColumns.field(s.prefix + "distance", FieldType.DOUBLE));
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    int dimension = VectorValues.checkField(rows.getSchema(), s.field, "cluster");
    if (s.initial != null && dimension > 0 && s.initial[0].length != dimension) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot start k-means from centroids of dimension %d: field '%s' has dimension %d",
              s.initial[0].length, s.field, dimension));
    }
    String idField = DuplicateFields.resolveIdField(rows.getSchema(), null);
    PCollection<VectorBlock> blocks =
        rows.apply(
            "Vectors",
            new VectorBlocks(s.field, s.normalize, "cluster", s.badRecords, idField, null));
    int sample = s.sampleSize > 0 ? Math.max(s.sampleSize, s.k) : Math.max(20 * s.k, 5000);
    Centroids initial = s.initial == null ? null : Centroids.of(normalized(s.initial));
    PCollectionView<Centroids> view =
        blocks.apply(
            "Fit k-means",
            new KMeansFit(s.k, s.iterations, s.seed, sample, initial, "k-means on " + s.field));
    PCollection<ClusterAssignments> assigned =
        blocks
            .apply("Assign clusters", ParDo.of(new Assign(view)).withSideInputs(view))
            .setCoder(SerializableCoder.of(ClusterAssignments.class));
    if (s.centroidsTable != null) {
      if (dimension < 1) {
        throw new IllegalArgumentException(
            "Cannot write centroids of '"
                + s.field
                + "': its dimension is not recorded on the field");
      }
      assigned
          .apply("Describe centroids", new CentroidRows(s.field, dimension, view))
          .apply(
              "Write centroids",
              Lake.write(s.centroidsLake, s.centroidsTable).withReplaceKey("field"));
    }
    return rows.apply("Add cluster fields", new AttachAssignments(assigned, outputFields()));
  }

  private float[][] normalized(float[][] centroids) {
    float[][] out = new float[centroids.length][];
    for (int i = 0; i < centroids.length; i++) {
      out[i] = centroids[i].clone();
      if (s.normalize) {
        VectorMath.normalize(out[i]);
      }
    }
    return out;
  }

  /** The schema of the centroids table. */
  static Schema centroidSchema(int dimension) {
    return Schema.builder()
        .addStringField("field")
        .addInt32Field("cluster_id")
        .addInt64Field("size")
        .addDoubleField("inertia")
        .addField(VectorOptions.field("centroid", dimension, null))
        .build();
  }

  /** Assigns each row of a block to its nearest centroid, with the exact distance to it. */
  private static final class Assign extends DoFn<VectorBlock, ClusterAssignments> {
    private final PCollectionView<Centroids> centroids;

    Assign(PCollectionView<Centroids> centroids) {
      this.centroids = centroids;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(ClusterAssignments.of(c.element(), c.sideInput(centroids)));
    }
  }
}
