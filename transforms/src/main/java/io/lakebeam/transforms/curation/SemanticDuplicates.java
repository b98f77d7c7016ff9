package io.lakebeam.transforms.curation;

import static org.apache.beam.sdk.util.Preconditions.checkArgumentNotNull;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * Semantic near-duplicates on an embedding field, SemDeDup style; see {@link Dedup#semantic()}. The
 * unit-normalised vectors are partitioned by k-means, every pair inside a partition is compared by
 * cosine similarity, and pairs at or above the threshold form duplicate groups. Pairs split across
 * two partitions are not compared (the method's known trade-off; more partitions are faster and
 * miss more).
 */
public final class SemanticDuplicates extends PTransform<PCollection<Row>, PCollection<Row>> {
  /** Lloyd iterations of the partitioning (partitions need not be optimal, only compact). */
  static final int PARTITION_ITERATIONS = 5;

  private final String field;
  private final double cosine;
  private final int partitions;
  private final String idField;
  private final String prefix;
  private final long seed;
  private final ErrorHandler<BadRecord, ?> badRecords;

  SemanticDuplicates(
      String field,
      double cosine,
      int partitions,
      String idField,
      String prefix,
      long seed,
      ErrorHandler<BadRecord, ?> badRecords) {
    this.field = field;
    this.cosine = cosine;
    this.partitions = partitions;
    this.idField = idField;
    this.prefix = prefix;
    this.seed = seed;
    this.badRecords = badRecords;
  }

  /** The vector field. Default {@code embedding}. */
  public SemanticDuplicates onVector(String vectorField) {
    checkArgumentNotNull(vectorField, "Cannot compare a null field");
    return new SemanticDuplicates(
        vectorField, cosine, partitions, idField, prefix, seed, badRecords);
  }

  /** Rows at or above this cosine similarity are duplicates. Default 0.95; (0, 1]. */
  public SemanticDuplicates withCosine(double threshold) {
    checkArgument(
        threshold > 0 && threshold <= 1, "Cannot use cosine threshold %s: use (0, 1]", threshold);
    return new SemanticDuplicates(field, threshold, partitions, idField, prefix, seed, badRecords);
  }

  /** k-means partitions compared pairwise inside. Default 64; 1-65536. */
  public SemanticDuplicates withPartitions(int k) {
    checkArgument(k >= 1 && k <= 65536, "Cannot use %s partitions: use 1-65536", k);
    return new SemanticDuplicates(field, cosine, k, idField, prefix, seed, badRecords);
  }

  /** See {@link NearDuplicates#withIdField}. */
  public SemanticDuplicates withIdField(String id) {
    checkArgumentNotNull(id, "Cannot use a null id field");
    return new SemanticDuplicates(field, cosine, partitions, id, prefix, seed, badRecords);
  }

  /** Prefix of the output fields. Default {@code semantic_}. */
  public SemanticDuplicates withOutputPrefix(String outputPrefix) {
    checkArgumentNotNull(outputPrefix, "Cannot use a null prefix");
    return new SemanticDuplicates(
        field, cosine, partitions, idField, outputPrefix, seed, badRecords);
  }

  /** Seed of the partitioning. Default 42. */
  public SemanticDuplicates withSeed(long newSeed) {
    return new SemanticDuplicates(field, cosine, partitions, idField, prefix, newSeed, badRecords);
  }

  /** Sends rows with unusable vectors to {@code handler}; they get null fields. Default: fail. */
  public SemanticDuplicates withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
    checkArgumentNotNull(handler, "Cannot use a null error handler");
    return new SemanticDuplicates(field, cosine, partitions, idField, prefix, seed, handler);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    String id = DuplicateFields.resolveIdField(rows.getSchema(), idField);
    DuplicateFields fields = new DuplicateFields(prefix, id);
    PCollection<VectorBlock> blocks =
        rows.apply(
            "Vectors", new VectorBlocks(field, true, "semantic-dedup", badRecords, id, fields));
    PCollectionView<Centroids> centroids =
        blocks.apply(
            "Partition by k-means",
            new KMeansFit(
                partitions,
                PARTITION_ITERATIONS,
                seed,
                Math.max(20 * partitions, 5000),
                null,
                "semantic partitions on " + field));
    PCollection<DuplicateEdges> edges =
        blocks
            .apply(
                "Split blocks by partition",
                ParDo.of(new SplitByPartition(centroids)).withSideInputs(centroids))
            .setCoder(KvCoder.of(VarIntCoder.of(), VectorBlock.Coder.of()))
            .apply("Group partitions", GroupByKey.create())
            .apply("Compare within partitions", ParDo.of(new PartitionPairs(cosine)))
            .setCoder(
                KvCoder.of(
                    KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()), DoubleCoder.of()))
            .apply("Edges", ParDo.of(new DuplicateEdges.FromPairs()))
            .setCoder(DuplicateEdges.Coder.of());
    String vectors = field;
    return rows.apply("Rows by file", new RowsByFile(edges))
        .apply(
            "Duplicate groups",
            new GroupDuplicates(
                edges,
                fields,
                2_000_000,
                r -> r.getValue(vectors) == null ? new Object[3] : fields.single(r),
                rows.getSchema()));
  }

  /** Splits a block into one sub-block per nearest partition centroid. */
  private static final class SplitByPartition extends DoFn<VectorBlock, KV<Integer, VectorBlock>> {
    private final PCollectionView<Centroids> centroids;

    SplitByPartition(PCollectionView<Centroids> centroids) {
      this.centroids = centroids;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Centroids all = c.sideInput(centroids);
      VectorBlock block = c.element();
      int n = block.size();
      int[] nearest = new int[n];
      all.kernel().assign(block.flat, n, nearest, new float[n]);
      int[] counts = new int[all.k];
      for (int p : nearest) {
        counts[p]++;
      }
      for (int p = 0; p < all.k; p++) {
        if (counts[p] == 0) {
          continue;
        }
        String[] ids = new String[counts[p]];
        String[] keys = new String[counts[p]];
        float[] flat = new float[counts[p] * block.d];
        int m = 0;
        for (int i = 0; i < n; i++) {
          if (nearest[i] == p) {
            ids[m] = block.ids[i];
            keys[m] = block.keys[i];
            System.arraycopy(block.flat, i * block.d, flat, m * block.d, block.d);
            m++;
          }
        }
        c.output(KV.of(p, new VectorBlock(block.d, ids, keys, flat)));
      }
    }
  }
}
