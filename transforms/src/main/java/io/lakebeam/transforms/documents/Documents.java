package io.lakebeam.transforms.documents;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.multimodal.documents.ExtractionLimits;
import io.lakebeam.transforms.BadRecords;
import io.lakebeam.transforms.lake.LakeTarget;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Beam transforms that read raw documents (PDF, Office, HTML, Markdown, e-mail, plain text, ...) by
 * reference and extract their text with Apache Tika.
 *
 * <pre>{@code
 * try (BadRecordErrorHandler<?> failures =
 *     p.registerBadRecordErrorHandler(Lake.writeFailures(lake, "corpus.failures"))) {
 *   p.apply(Documents.read("/data/raw/**").withBadRecordErrorHandler(failures))
 *    .apply(Chunk.recursive().withMaxTokens(256).withOverlap(32))
 *    .apply(Embed.text().withModel(Models.ALL_MINILM_L6_V2))
 *    .apply(Lake.write(lake, "corpus.chunks").withReplaceKey("doc_id"));
 * }
 * }</pre>
 */
public final class Documents {
  private Documents() {}

  /**
   * Reads every file that {@code pattern} names: a file, a directory (all files below it), a glob
   * ({@code /data/**.pdf}), or an object-storage prefix or glob ({@code s3://bucket/raw/**}, with
   * {@link Read#withLakehouse}). Output rows have {@link DocumentRows#SCHEMA}.
   */
  public static Read read(String pattern) {
    checkArgument(pattern != null && !pattern.isBlank(), "Cannot read documents: empty pattern");
    return new Read(pattern, null, null, ExtractionLimits.defaults(), null);
  }

  /** See {@link Documents#read}. */
  public static final class Read extends PTransform<PBegin, PCollection<Row>> {
    private final String pattern;
    private final transient Lakehouse lakehouse;
    private final String knownDocuments;
    private final ExtractionLimits limits;
    private final ErrorHandler<BadRecord, ?> badRecords;

    private Read(
        String pattern,
        Lakehouse lakehouse,
        String knownDocuments,
        ExtractionLimits limits,
        ErrorHandler<BadRecord, ?> badRecords) {
      this.pattern = pattern;
      this.lakehouse = lakehouse;
      this.knownDocuments = knownDocuments;
      this.limits = limits;
      this.badRecords = badRecords;
    }

    /** Lists and reads object-storage URIs with this lakehouse's storage settings. */
    public Read withLakehouse(Lakehouse lake) {
      checkArgument(lake != null, "Cannot use a null lakehouse");
      return new Read(pattern, lake, knownDocuments, limits, badRecords);
    }

    /**
     * Skips files whose content hash equals the one recorded for their URI in {@code documents} (a
     * collection of {@link DocumentRows}) of the lakehouse, so re-ingesting adds nothing for
     * unchanged files. Needs {@link #withLakehouse}.
     */
    public Read skippingUnchangedIn(String documents) {
      checkArgument(documents != null && !documents.isBlank(), "Cannot use a blank collection");
      return new Read(pattern, lakehouse, documents, limits, badRecords);
    }

    /**
     * Limits on size, time, text and embedded documents. Default: {@link
     * ExtractionLimits#defaults()}.
     */
    public Read withLimits(ExtractionLimits newLimits) {
      checkArgument(newLimits != null, "Cannot use null limits");
      return new Read(pattern, lakehouse, knownDocuments, newLimits, badRecords);
    }

    /** Sends files that cannot be extracted to {@code handler} with the reason. */
    public Read withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "Cannot use a null error handler");
      return new Read(pattern, lakehouse, knownDocuments, limits, handler);
    }

    @Override
    public PCollection<Row> expand(PBegin begin) {
      checkArgument(
          knownDocuments == null || lakehouse != null,
          "Cannot skip unchanged documents of %s without withLakehouse",
          knownDocuments);
      if (DocumentSource.isRemote(pattern) && lakehouse == null) {
        throw LakebeamException.invalid(
            "Cannot read '%s': object storage is read through a lakehouse's storage settings;"
                + " call withLakehouse(lake)",
            pattern);
      }
      List<String> files =
          ExternalFiles.list(lakehouse == null ? null : lakehouse.io(), pattern, "**");
      LakeTarget storage = lakehouse == null ? null : LakeTarget.of(lakehouse, "");
      LakeTarget known = null;
      long knownSnapshot = -1;
      if (knownDocuments != null && lakehouse.hasCollection(knownDocuments)) {
        known = LakeTarget.of(lakehouse, knownDocuments);
        knownSnapshot = lakehouse.collection(knownDocuments).snapshotId();
      }
      BadRecordRouter router = BadRecords.routerFor(badRecords);
      PCollectionTuple out =
          begin
              .apply("List files", Create.of(files).withCoder(StringUtf8Coder.of()))
              .apply("Spread files", Reshuffle.viaRandomKey())
              .apply(
                  "Extract text",
                  ParDo.of(
                          new ExtractFn(
                              new DocumentSource(storage), limits, known, knownSnapshot, router))
                      .withOutputTags(
                          ExtractFn.DOCUMENTS, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
      BadRecords.collect(out, badRecords);
      return out.get(ExtractFn.DOCUMENTS).setRowSchema(DocumentRows.SCHEMA);
    }
  }
}
