package io.lakebeam.transforms.curation;

import static org.apache.beam.sdk.util.Preconditions.checkArgumentNotNull;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.transforms.BadRecords;
import io.lakebeam.transforms.lake.RowPositions;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Near-duplicate text detection with MinHash and LSH; see {@link Dedup#nearDuplicates()}. Rows are
 * shingled (word n-grams) and MinHashed; rows sharing an LSH band bucket are candidates, verified
 * by exact Jaccard similarity of their shingles; verified pairs form duplicate groups by
 * distributed connected components. No step holds more than one bucket or one row's neighbours.
 */
public final class NearDuplicates extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final String textField;
  private final double jaccard;
  private final int numPerm;
  private final int shingleSize;
  private final String idField;
  private final String prefix;
  private final long seed;
  private final ErrorHandler<BadRecord, ?> badRecords;

  NearDuplicates(
      String textField,
      double jaccard,
      int numPerm,
      int shingleSize,
      String idField,
      String prefix,
      long seed,
      ErrorHandler<BadRecord, ?> badRecords) {
    this.textField = textField;
    this.jaccard = jaccard;
    this.numPerm = numPerm;
    this.shingleSize = shingleSize;
    this.idField = idField;
    this.prefix = prefix;
    this.seed = seed;
    this.badRecords = badRecords;
  }

  /** The STRING field compared. Default {@code text}. */
  public NearDuplicates onText(String field) {
    checkArgumentNotNull(field, "Cannot compare a null field");
    return new NearDuplicates(
        field, jaccard, numPerm, shingleSize, idField, prefix, seed, badRecords);
  }

  /** Rows at or above this Jaccard similarity of shingles are duplicates. Default 0.8; (0, 1]. */
  public NearDuplicates withJaccard(double threshold) {
    checkArgument(
        threshold > 0 && threshold <= 1, "Cannot use Jaccard threshold %s: use (0, 1]", threshold);
    return new NearDuplicates(
        textField, threshold, numPerm, shingleSize, idField, prefix, seed, badRecords);
  }

  /** MinHash permutations (split into LSH bands). Default 128; 16-1024. */
  public NearDuplicates withNumPerm(int permutations) {
    checkArgument(
        permutations >= 16 && permutations <= 1024,
        "Cannot use %s permutations: use 16-1024",
        permutations);
    return new NearDuplicates(
        textField, jaccard, permutations, shingleSize, idField, prefix, seed, badRecords);
  }

  /** Words per shingle. Default 3; 1-16. */
  public NearDuplicates withShingleSize(int words) {
    checkArgument(words >= 1 && words <= 16, "Cannot use shingles of %s words: use 1-16", words);
    return new NearDuplicates(
        textField, jaccard, numPerm, words, idField, prefix, seed, badRecords);
  }

  /**
   * The field whose value names a row in {@code dup_group}; the kept row of a group is the one with
   * the smallest value. Default: {@code chunk_id} or {@code id} when present, else the row's file
   * and position.
   */
  public NearDuplicates withIdField(String field) {
    checkArgumentNotNull(field, "Cannot use a null id field");
    return new NearDuplicates(
        textField, jaccard, numPerm, shingleSize, field, prefix, seed, badRecords);
  }

  /** A prefix for the output fields (e.g. {@code "title_"}). Default: none. */
  public NearDuplicates withOutputPrefix(String outputPrefix) {
    checkArgumentNotNull(outputPrefix, "Cannot use a null prefix");
    return new NearDuplicates(
        textField, jaccard, numPerm, shingleSize, idField, outputPrefix, seed, badRecords);
  }

  /** The seed of the MinHash functions. Default 1. */
  public NearDuplicates withSeed(long newSeed) {
    return new NearDuplicates(
        textField, jaccard, numPerm, shingleSize, idField, prefix, newSeed, badRecords);
  }

  /** Sends rows without text to {@code handler}; they get null fields. Default: fail. */
  public NearDuplicates withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
    checkArgumentNotNull(handler, "Cannot use a null error handler");
    return new NearDuplicates(
        textField, jaccard, numPerm, shingleSize, idField, prefix, seed, handler);
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
                    new SignFn(
                        textField,
                        shingleSize,
                        new MinHasher(numPerm, seed),
                        lshParams(),
                        fields,
                        router))
                .withOutputTags(SignFn.BANDS, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
    BadRecords.collect(signed, badRecords);
    PCollection<KV<String, Row>> groups =
        signed
            .get(SignFn.BANDS)
            .setCoder(
                KvCoder.of(VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), ShingledRow.Coder.of())))
            .apply("Group by bucket shard", GroupByKey.create())
            .apply("Verify candidates", ParDo.of(new VerifyBucketFn(jaccard)))
            .setCoder(
                KvCoder.of(
                    KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()), DoubleCoder.of()))
            .apply("Distinct pairs", Max.doublesPerKey())
            .apply("Duplicate groups", new DuplicateGroups(fields, 4));
    String text = textField;
    return rows.apply(
        "Add duplicate fields",
        new AttachResults(
            groups,
            fields.fields(),
            r -> emptyText(r.getString(text)) ? new Object[3] : fields.single(r)));
  }

  static boolean emptyText(String text) {
    return text == null || Shingles.of(text, 1).length == 0;
  }
}
