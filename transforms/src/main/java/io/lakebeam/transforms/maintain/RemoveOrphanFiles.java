package io.lakebeam.transforms.maintain;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.maintain.OrphanFiles;
import io.lakebeam.transforms.lake.LakeTarget;
import java.time.Duration;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Removes the orphan files of each collection named by the input; outputs one row per collection
 * ({@link #SCHEMA}). Immutable; made by {@link Maintain#removeOrphanFiles}.
 */
public final class RemoveOrphanFiles extends PTransform<PCollection<String>, PCollection<Row>> {
  /** The output: what was found (and removed unless a dry run). */
  public static final Schema SCHEMA =
      Schema.builder()
          .addStringField("collection")
          .addInt64Field("data_files")
          .addInt64Field("index_files")
          .addInt64Field("bytes")
          .addBooleanField("dry_run")
          .build();

  private final LakeTarget lakehouse;
  private final long safetyAgeMillis;
  private final boolean dryRun;

  RemoveOrphanFiles(LakeTarget lakehouse, long safetyAgeMillis, boolean dryRun) {
    this.lakehouse = lakehouse;
    this.safetyAgeMillis = safetyAgeMillis;
    this.dryRun = dryRun;
  }

  /** Keeps files younger than {@code age} (default 1 day; 0 or more): longer than any job runs. */
  public RemoveOrphanFiles olderThan(Duration age) {
    checkArgument(!age.isNegative(), "Cannot remove files older than %s: give 0 or more", age);
    return new RemoveOrphanFiles(lakehouse, age.toMillis(), dryRun);
  }

  /** Only counts the orphans (default false). */
  public RemoveOrphanFiles dryRun(boolean dry) {
    return new RemoveOrphanFiles(lakehouse, safetyAgeMillis, dry);
  }

  @Override
  public PCollection<Row> expand(PCollection<String> collections) {
    return collections
        .apply("Remove orphan files", ParDo.of(new RemoveFn(lakehouse, safetyAgeMillis, dryRun)))
        .setRowSchema(SCHEMA);
  }

  /** Runs one collection's orphan removal. */
  static final class RemoveFn extends DoFn<String, Row> {
    private final LakeTarget lakehouse;
    private final long safetyAgeMillis;
    private final boolean dryRun;

    RemoveFn(LakeTarget lakehouse, long safetyAgeMillis, boolean dryRun) {
      this.lakehouse = lakehouse;
      this.safetyAgeMillis = safetyAgeMillis;
      this.dryRun = dryRun;
    }

    @ProcessElement
    public void process(@Element String name, OutputReceiver<Row> out) {
      OrphanFiles.Result r =
          OrphanFiles.of(lakehouse.lakehouse().collection(name))
              .olderThan(Duration.ofMillis(safetyAgeMillis))
              .dryRun(dryRun)
              .run();
      out.output(
          Row.withSchema(SCHEMA)
              .addValues(name, r.count("data"), r.count("index"), r.bytes(), dryRun)
              .build());
    }
  }
}
