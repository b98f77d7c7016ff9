package io.lakebeam.contextpackages.beam;

import io.lakebeam.contextpackages.ContextPackage;
import io.lakebeam.contextpackages.PackageTable;
import io.lakebeam.transforms.lake.LakeTarget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits every package built for one name as new versions where the content changed, in one
 * snapshot of the packages table, under the build's id (a re-executed commit is a no-op).
 */
final class CommitPackagesFn extends DoFn<KV<String, Iterable<Row>>, Row> {
  static final Schema SUMMARY =
      Schema.builder()
          .addStringField("name")
          .addInt64Field("snapshot_id")
          .addInt32Field("added")
          .addInt32Field("unchanged")
          .build();

  private static final Logger LOG = LoggerFactory.getLogger(CommitPackagesFn.class);

  private final LakeTarget packages;
  private final String buildId;
  private final Counter added = Metrics.counter("lakebeam", "context_versions_added");
  private final Counter unchanged = Metrics.counter("lakebeam", "context_packages_unchanged");

  CommitPackagesFn(LakeTarget packages, String buildId) {
    this.packages = packages;
    this.buildId = buildId;
  }

  @ProcessElement
  public void process(@Element KV<String, Iterable<Row>> group, OutputReceiver<Row> out) {
    List<ContextPackage> built = new ArrayList<>();
    group.getValue().forEach(r -> built.add(PackageRows.fromRow(r)));
    built.sort(Comparator.comparing(ContextPackage::topic)); // one stable order of rows
    PackageTable.CommitResult r = PackageTable.commit(packages.load(), built, buildId);
    added.inc(r.added().size());
    unchanged.inc(r.unchanged().size());
    LOG.info(
        "Context package {}: {} new versions, {} unchanged, snapshot {}",
        group.getKey(),
        r.added().size(),
        r.unchanged().size(),
        r.snapshotId());
    out.output(
        Row.withSchema(SUMMARY)
            .addValues(group.getKey(), r.snapshotId(), r.added().size(), r.unchanged().size())
            .build());
  }
}
