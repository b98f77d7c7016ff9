package io.lakebeam.transforms.curation;

import static org.apache.beam.sdk.util.Preconditions.checkArgumentNotNull;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.transforms.BadRecords;
import io.lakebeam.transforms.lake.RowPositions;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Near-duplicate text detection with MinHash and LSH; see {@link Dedup#nearDuplicates()}. Batch at
 * a time, with as few keyed stages as the algorithm needs:
 *
 * <ol>
 *   <li>rows are shingled (word n-grams) and MinHashed (SIMD over the permutations), and their band
 *       buckets leave each bundle as one batch of {@code (bucket, row key)} per bucket shard;
 *   <li>each shard's buckets give candidate pairs, routed to verification partitions;
 *   <li>only the rows in some candidate pair send their shingles, once per partition that needs
 *       them, where the pairs are verified by exact Jaccard similarity;
 *   <li>verified pairs become groups in one combine (a union-find over the group members, which is
 *       what has to fit in memory: one entry per duplicate, not per row), and every row looks its
 *       group up from a side input, so the rows themselves never pass through a shuffle.
 * </ol>
 *
 * Every step is a deterministic function of the rows, so the groups are the same on every runner.
 */
public final class NearDuplicates extends PTransform<PCollection<Row>, PCollection<Row>> {
  /** Keys of the band-bucket grouping: each shard holds the buckets whose hash falls in it. */
  static final int SHARDS = 16;

  /** Keys of the verification step (at most 64: a row's partitions are a bit mask). */
  static final int PARTITIONS = 8;

  private String textField = "text";
  private double jaccard = 0.8;
  private int numPerm = 128;
  private int shingleSize = 3;
  private String idField;
  private String prefix = "";
  private long seed = 1;
  private int inMemoryLimit = 2_000_000;
  private ErrorHandler<BadRecord, ?> badRecords;

  NearDuplicates() {}

  /** A copy with one setting changed; instances stay immutable to their users. */
  private NearDuplicates with(java.util.function.Consumer<NearDuplicates> change) {
    NearDuplicates copy = new NearDuplicates();
    copy.textField = textField;
    copy.jaccard = jaccard;
    copy.numPerm = numPerm;
    copy.shingleSize = shingleSize;
    copy.idField = idField;
    copy.prefix = prefix;
    copy.seed = seed;
    copy.inMemoryLimit = inMemoryLimit;
    copy.badRecords = badRecords;
    change.accept(copy);
    return copy;
  }

  /** The STRING field compared. Default {@code text}. */
  public NearDuplicates onText(String field) {
    checkArgumentNotNull(field, "Cannot compare a null field");
    return with(c -> c.textField = field);
  }

  /** Rows at or above this Jaccard similarity of shingles are duplicates. Default 0.8; (0, 1]. */
  public NearDuplicates withJaccard(double threshold) {
    checkArgument(
        threshold > 0 && threshold <= 1, "Cannot use Jaccard threshold %s: use (0, 1]", threshold);
    return with(c -> c.jaccard = threshold);
  }

  /** MinHash permutations (split into LSH bands). Default 128; 16-1024. */
  public NearDuplicates withNumPerm(int permutations) {
    checkArgument(
        permutations >= 16 && permutations <= 1024,
        "Cannot use %s permutations: use 16-1024",
        permutations);
    return with(c -> c.numPerm = permutations);
  }

  /** Words per shingle. Default 3; 1-16. */
  public NearDuplicates withShingleSize(int words) {
    checkArgument(words >= 1 && words <= 16, "Cannot use shingles of %s words: use 1-16", words);
    return with(c -> c.shingleSize = words);
  }

  /**
   * The field whose value names a row in {@code dup_group}; the kept row of a group is the one with
   * the smallest value. Default: {@code chunk_id} or {@code id} when present, else the row's file
   * and position.
   */
  public NearDuplicates withIdField(String field) {
    checkArgumentNotNull(field, "Cannot use a null id field");
    return with(c -> c.idField = field);
  }

  /** A prefix for the output fields (e.g. {@code "title_"}). Default: none. */
  public NearDuplicates withOutputPrefix(String outputPrefix) {
    checkArgumentNotNull(outputPrefix, "Cannot use a null prefix");
    return with(c -> c.prefix = outputPrefix);
  }

  /** The seed of the MinHash functions. Default 1. */
  public NearDuplicates withSeed(long newSeed) {
    return with(c -> c.seed = newSeed);
  }

  /**
   * The most group members solved in memory (one union-find in one combine, then a side-input
   * lookup); beyond it the groups come from distributed connected components, slower but unbounded.
   * Default 2,000,000 (a few hundred MB of heap on one worker).
   */
  public NearDuplicates withInMemoryGroupLimit(int members) {
    checkArgument(members >= 0, "Cannot hold %s group members in memory", members);
    return with(c -> c.inMemoryLimit = members);
  }

  /** Sends rows without text to {@code handler}; they get null fields. Default: fail. */
  public NearDuplicates withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
    checkArgumentNotNull(handler, "Cannot use a null error handler");
    return with(c -> c.badRecords = handler);
  }

  /** The LSH bands and rows these settings use. */
  public LshParams lshParams() {
    return LshParams.optimal(jaccard, numPerm);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    Schema in = rows.getSchema();
    RowPositions.require(in, "find near-duplicates");
    checkArgument(
        in.hasField(textField) && in.getField(textField).getType().getTypeName() == TypeName.STRING,
        "Cannot find near-duplicates on '%s': the rows have no STRING field of that name; fields: %s",
        textField,
        in.getFieldNames());
    DuplicateFields fields =
        new DuplicateFields(prefix, DuplicateFields.resolveIdField(in, idField));
    BadRecordRouter router = BadRecords.routerFor(badRecords);
    PCollectionTuple signed =
        rows.apply(
            "MinHash rows",
            ParDo.of(
                    new BandEntriesFn(
                        textField,
                        shingleSize,
                        new MinHasher(numPerm, seed),
                        lshParams(),
                        fields,
                        SHARDS,
                        router))
                .withOutputTags(
                    BandEntriesFn.ENTRIES, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
    BadRecords.collect(signed, badRecords);
    KvCoder<Integer, long[]> batchCoder = KvCoder.of(VarIntCoder.of(), LongArrayCoder.of());
    PCollection<KV<Integer, long[]>> candidates =
        signed
            .get(BandEntriesFn.ENTRIES)
            .setCoder(batchCoder)
            .apply("Group buckets by shard", GroupByKey.create())
            .apply("Candidate pairs", ParDo.of(new CandidatePairsFn(PARTITIONS)))
            .setCoder(batchCoder);
    PCollection<NeededRows> neededRows =
        candidates.apply(
            "Rows in candidate pairs", Combine.globally(new NeededRows.Fn()).withoutDefaults());
    PCollectionView<NeededRows> needed =
        neededRows.apply(
            "Candidate rows",
            View.<NeededRows>asSingleton()
                .withDefaultValue(new NeededRows.Fn().createAccumulator()));
    PCollection<KV<String, Iterable<Row>>> byFile =
        rows.apply("Rows by file", new RowsByFile(neededRows));
    PCollection<KV<Integer, ShingleBatch>> shingled =
        byFile
            .apply(
                "Shingles of candidate rows",
                ParDo.of(new ShingleRowsFn(textField, shingleSize, fields, PARTITIONS, needed))
                    .withSideInputs(needed))
            .setCoder(KvCoder.of(VarIntCoder.of(), ShingleBatch.Coder.of()));
    PCollection<DuplicateEdges> edges =
        KeyedPCollectionTuple.of(VerifyPartitionFn.PAIRS, candidates)
            .and(VerifyPartitionFn.ROWS, shingled)
            .apply("Meet pairs and shingles", CoGroupByKey.create())
            .apply("Verify pairs", ParDo.of(new VerifyPartitionFn(jaccard)))
            .setCoder(DuplicateEdges.Coder.of());
    String text = textField;
    return byFile.apply(
        "Duplicate groups",
        new GroupDuplicates(
            edges,
            fields,
            inMemoryLimit,
            r -> Shingles.hasWords(r.getString(text)) ? fields.single(r) : new Object[3],
            in));
  }
}
