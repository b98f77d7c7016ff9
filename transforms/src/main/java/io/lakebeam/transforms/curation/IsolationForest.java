package io.lakebeam.transforms.curation;

import static org.apache.beam.sdk.util.Preconditions.checkArgumentNotNull;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * Isolation-forest outlier scores; see {@link Anomalies#isolationForest()}. The forest is grown on
 * a deterministic sample (the rows with the smallest seeded hashes of their ids, {@code trees *
 * sampleSize} at most), then every row is scored in parallel. Adds {@code iforest_score} (in (0,
 * 1], higher is more anomalous) and {@code is_iforest_anomaly}.
 */
public final class IsolationForest extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final String field;
  private final int trees;
  private final int sampleSize;
  private final long seed;
  private final double topFraction;
  private final AnomalyFields fields;
  private final ErrorHandler<BadRecord, ?> badRecords;

  IsolationForest(
      String field,
      int trees,
      int sampleSize,
      long seed,
      double topFraction,
      AnomalyFields fields,
      ErrorHandler<BadRecord, ?> badRecords) {
    this.field = field;
    this.trees = trees;
    this.sampleSize = sampleSize;
    this.seed = seed;
    this.topFraction = topFraction;
    this.fields = fields;
    this.badRecords = badRecords;
  }

  /** The vector field. Default {@code embedding}. */
  public IsolationForest onVector(String vectorField) {
    checkArgumentNotNull(vectorField, "Cannot score a null field");
    return new IsolationForest(
        vectorField, trees, sampleSize, seed, topFraction, fields, badRecords);
  }

  /** Trees. Default 100; 1-10000. */
  public IsolationForest withTrees(int n) {
    checkArgument(n >= 1 && n <= 10_000, "Cannot grow %s trees: use 1-10000", n);
    return new IsolationForest(field, n, sampleSize, seed, topFraction, fields, badRecords);
  }

  /** Points per tree (psi). Default 256; 2-65536. */
  public IsolationForest withSampleSize(int psi) {
    checkArgument(psi >= 2 && psi <= 65536, "Cannot use %s points per tree: use 2-65536", psi);
    return new IsolationForest(field, trees, psi, seed, topFraction, fields, badRecords);
  }

  /** Seed of the sample and the trees. Default 42. */
  public IsolationForest withSeed(long newSeed) {
    return new IsolationForest(field, trees, sampleSize, newSeed, topFraction, fields, badRecords);
  }

  /** The fraction of rows flagged. Default 0.01; (0, 0.5]. */
  public IsolationForest withTopFraction(double fraction) {
    checkArgument(
        fraction > 0 && fraction <= 0.5, "Cannot flag fraction %s: use (0, 0.5]", fraction);
    return new IsolationForest(field, trees, sampleSize, seed, fraction, fields, badRecords);
  }

  /**
   * Names of the score and flag fields. Default {@code iforest_score}, {@code is_iforest_anomaly}.
   */
  public IsolationForest toFields(String score, String flag) {
    checkArgumentNotNull(score, "Cannot use a null score field");
    checkArgumentNotNull(flag, "Cannot use a null flag field");
    return new IsolationForest(
        field, trees, sampleSize, seed, topFraction, new AnomalyFields(score, flag), badRecords);
  }

  /** Sends rows with unusable vectors to {@code handler}; they get null fields. Default: fail. */
  public IsolationForest withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
    checkArgumentNotNull(handler, "Cannot use a null error handler");
    return new IsolationForest(field, trees, sampleSize, seed, topFraction, fields, handler);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    String idField = DuplicateFields.resolveIdField(rows.getSchema(), null);
    PCollection<VectorBlock> blocks =
        rows.apply(
            "Vectors", new VectorBlocks(field, false, "anomalies", badRecords, idField, null));
    PCollectionView<IsolationForestModel> forest =
        blocks
            .apply("Sample", new DeterministicSample(Math.min(trees * sampleSize, 100_000), seed))
            .apply("Grow trees", ParDo.of(new Grow(trees, sampleSize, seed)))
            .setCoder(SerializableCoder.of(IsolationForestModel.class))
            .apply("Forest", View.asSingleton());
    PCollection<KV<String, Double>> scores =
        blocks
            .apply("Score rows", ParDo.of(new Score(forest)).withSideInputs(forest))
            .setCoder(FlagTopFraction.scoreCoder());
    return rows.apply(
        "Add anomaly fields",
        new AttachResults(
            scores.apply(
                "Flag top fraction",
                new FlagTopFraction(topFraction, AttachResults.resultSchema(fields.fields()))),
            fields.fields(),
            r -> new Object[2]));
  }

  /** Scores a block, all trees over all its rows. */
  private static final class Score extends DoFn<VectorBlock, KV<String, Double>> {
    private final PCollectionView<IsolationForestModel> forest;

    Score(PCollectionView<IsolationForestModel> forest) {
      this.forest = forest;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      VectorBlock block = c.element();
      double[] scores = new double[block.size()];
      c.sideInput(forest).score(block.flat, block.size(), block.d, scores);
      for (int i = 0; i < scores.length; i++) {
        c.output(KV.of(block.ids[i], scores[i]));
      }
    }
  }

  private static final class Grow extends DoFn<float[][], IsolationForestModel> {
    private final int trees;
    private final int sampleSize;
    private final long seed;

    Grow(int trees, int sampleSize, long seed) {
      this.trees = trees;
      this.sampleSize = sampleSize;
      this.seed = seed;
    }

    @ProcessElement
    public void process(@Element float[][] sample, OutputReceiver<IsolationForestModel> out) {
      if (sample.length == 0) {
        throw new IllegalStateException(
            "Cannot grow an isolation forest: no row has a usable vector");
      }
      out.output(IsolationForestModel.fit(sample, trees, sampleSize, seed));
    }
  }
}
