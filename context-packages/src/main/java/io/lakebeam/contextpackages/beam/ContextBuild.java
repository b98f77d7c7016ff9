package io.lakebeam.contextpackages.beam;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.contextpackages.ContextSpec;
import io.lakebeam.contextpackages.PackageTable;
import io.lakebeam.contextpackages.ResolvedSource;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.BadRecords;
import io.lakebeam.transforms.lake.Lake;
import io.lakebeam.transforms.lake.LakeTarget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The Beam pipeline that builds a spec's context packages, one per topic, and commits the changed
 * ones as new versions of the packages table. Topics that cannot be built go to {@code
 * <table>_failures} with the reason.
 *
 * <pre>{@code
 * ContextSpec spec = SpecParser.read(Path.of("support-kb.yaml"));
 * ContextBuild build = ContextBuild.of(spec, lake);
 * Pipeline p = Pipeline.create(options);
 * build.applyTo(p);                      // validates the spec against the lakehouse first
 * PipelineResult result = p.run();
 * result.waitUntilFinish();
 * ContextBuild.summary(result);          // built, failed, versions added, unchanged
 * }</pre>
 *
 * <p>Every package of one build reads the source at one snapshot (the latest when the spec says
 * {@code snapshot: latest}), resolved before the pipeline runs.
 */
public final class ContextBuild {
  /** Queries embedded per model call by default. */
  public static final int DEFAULT_BATCH_SIZE = 64;

  private final ContextSpec spec;
  private final Lakehouse lake;
  private final int batchSize;
  private ResolvedSource resolved;
  private List<ContextSpec.Query> queries;

  private ContextBuild(ContextSpec spec, Lakehouse lake, int batchSize) {
    this.spec = spec;
    this.lake = lake;
    this.batchSize = batchSize;
  }

  public static ContextBuild of(ContextSpec spec, Lakehouse lake) {
    checkArgument(spec != null && lake != null, "Cannot build context packages without a spec");
    return new ContextBuild(spec, lake, DEFAULT_BATCH_SIZE);
  }

  /** Queries embedded per model call (1..4096). Default {@value #DEFAULT_BATCH_SIZE}. */
  public ContextBuild withBatchSize(int size) {
    checkArgument(size >= 1 && size <= 4096, "Cannot use batch size %s: use 1..4096", size);
    return new ContextBuild(spec, lake, size);
  }

  /** Where topics that could not be built are recorded. */
  public String failuresCollection() {
    return spec.table() + "_failures";
  }

  /** The source as resolved by {@link #applyTo} (snapshot, model), or null before. */
  public ResolvedSource source() {
    return resolved;
  }

  /** The topics of this build, as resolved by {@link #applyTo}. */
  public List<ContextSpec.Query> queries() {
    return queries;
  }

  /**
   * Checks the spec against the lakehouse (collection, field, columns, snapshot, model, queries),
   * creates the packages table if needed, and adds the build steps to {@code p}; returns the commit
   * summary rows.
   */
  public PCollection<Row> applyTo(Pipeline p) {
    resolved = ResolvedSource.resolve(lake, spec);
    queries = QueryTables.queries(lake, spec);
    PackageTable.ensure(lake, spec.table());
    LakeTarget source = LakeTarget.of(lake, resolved.collection());
    LakeTarget packages = LakeTarget.of(lake, spec.table());
    String buildId = "context-" + UUID.randomUUID();
    List<Row> rows =
        queries.stream()
            .map(q -> Row.withSchema(PackageRows.QUERY).addValues(q.topic(), q.text()).build())
            .toList();
    try (BadRecordErrorHandler<PCollection<Row>> failures =
        p.registerBadRecordErrorHandler(Lake.writeFailures(lake, failuresCollection()))) {
      PCollectionTuple built =
          p.apply("Topics", Create.of(rows).withRowSchema(PackageRows.QUERY))
              // Create makes one bundle: spread the topics over the workers.
              .apply("Spread topics", Reshuffle.viaRandomKey())
              .apply(
                  "Build packages",
                  ParDo.of(
                          new BuildPackagesFn(
                              source, spec, resolved, batchSize, BadRecordRouter.RECORDING_ROUTER))
                      .withOutputTags(
                          BuildPackagesFn.BUILT, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
      BadRecords.collect(built, failures);
      return built
          .get(BuildPackagesFn.BUILT)
          .setRowSchema(PackageRows.SCHEMA)
          .apply("Key by name", WithKeys.of(spec.name()))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), SchemaCoder.of(PackageRows.SCHEMA)))
          .apply("Gather packages", GroupByKey.create())
          .apply("Commit versions", ParDo.of(new CommitPackagesFn(packages, buildId)))
          .setRowSchema(CommitPackagesFn.SUMMARY);
    }
  }

  /** What a finished build did, from its Beam metrics. */
  public static Map<String, Object> summary(PipelineResult result) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("built", counter(result, "context_packages_built"));
    m.put("failed", counter(result, "context_packages_failed"));
    m.put("versions_added", counter(result, "context_versions_added"));
    m.put("unchanged", counter(result, "context_packages_unchanged"));
    return m;
  }

  private static long counter(PipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("lakebeam", name))
                    .build())
            .getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }
}
