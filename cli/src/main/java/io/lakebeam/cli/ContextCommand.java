package io.lakebeam.cli;

import io.lakebeam.contextpackages.ContextPackage;
import io.lakebeam.contextpackages.ContextSpec;
import io.lakebeam.contextpackages.ContextStore;
import io.lakebeam.contextpackages.PackageBuilder;
import io.lakebeam.contextpackages.SpecParser;
import io.lakebeam.contextpackages.beam.ContextBuild;
import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.runners.Runner;
import io.lakebeam.runners.Runners;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakebeam context build|show|diff|versions|rebuild}: versioned context packages.
 *
 * <pre>{@code
 * ./lakebeam context build context-packages/examples/support-kb.yaml
 * ./lakebeam context show support-kb --topic "key rotation" --version 3
 * ./lakebeam context diff support-kb --topic "key rotation" --from 2 --to 3
 * }</pre>
 */
@Command(
    name = "context",
    description = "Build (Apache Beam), show and compare versioned context packages.",
    subcommands = {
      ContextCommand.Build.class,
      ContextCommand.Show.class,
      ContextCommand.Diff.class,
      ContextCommand.Versions.class,
      ContextCommand.Rebuild.class
    })
final class ContextCommand {

  /** Options that name one package topic in a packages table. */
  static class Target {
    @Parameters(paramLabel = "NAME", description = "Package name (the spec's name)")
    String name;

    @Option(names = "--topic", required = true, description = "Topic (one package per topic)")
    String topic;

    @Option(names = "--table", description = "Packages table (default: context.packages)")
    String table = ContextSpec.DEFAULT_TABLE;

    Collection packages(Lakehouse lake) {
      if (!lake.hasCollection(table)) {
        throw LakebeamException.notFound(
            "Cannot read context packages: table '%s' does not exist; run 'lakebeam context build"
                + " SPEC.yaml' first",
            table);
      }
      return lake.collection(table);
    }
  }

  @Command(
      name = "build",
      description =
          "Build one package per topic of SPEC with a Beam pipeline; a package whose content did"
              + " not change keeps its version.")
  static final class Build implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;

    @Parameters(paramLabel = "SPEC", description = "The spec (YAML)")
    Path spec;

    @Option(
        names = "--runner",
        defaultValue = "direct",
        description = "direct, flink, spark or dataflow (default: ${DEFAULT-VALUE})")
    String runner;

    @Option(names = "--batch-size", defaultValue = "64", description = "Queries per model call")
    int batchSize;

    @Option(names = "--beam-option", description = "A Beam option passed to the runner")
    List<String> beamOptions = List.of();

    @Override
    public Integer call() throws Exception {
      ContextSpec parsed = SpecParser.read(spec);
      try (Lakehouse lake = lakehouse.open()) {
        ContextBuild build = ContextBuild.of(parsed, lake).withBatchSize(batchSize);
        PipelineOptions options =
            Runners.options(Runner.parse(runner), beamOptions.toArray(String[]::new));
        Pipeline p = Pipeline.create(options);
        build.applyTo(p);
        long start = System.nanoTime();
        PipelineResult result = p.run();
        PipelineResult.State state = result.waitUntilFinish();
        if (state != PipelineResult.State.DONE) {
          System.err.println("error: the pipeline ended " + state);
          return 1;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("name", parsed.name());
        summary.put("topics", build.queries().size());
        summary.putAll(ContextBuild.summary(result));
        summary.put("source_snapshot_id", build.source().snapshotId());
        summary.put("model", build.source().model());
        summary.put("table", parsed.table());
        summary.put("failures_table", build.failuresCollection());
        summary.put("seconds", Math.round(seconds * 100) / 100.0);
        summary.put("packages_per_s", Math.round(build.queries().size() / seconds * 100) / 100.0);
        System.err.printf(
            "Built %s of %s topics of '%s' in %.1f s: %s new versions, %s unchanged, %s failed%s%n",
            summary.get("built"),
            summary.get("topics"),
            parsed.name(),
            seconds,
            summary.get("versions_added"),
            summary.get("unchanged"),
            summary.get("failed"),
            ((Long) summary.get("failed")) > 0 ? " (see " + build.failuresCollection() + ")" : "");
        Printer.jsonLine(summary);
        return 0;
      }
    }
  }

  @Command(name = "show", description = "Print a package (latest, or --version N) as JSON.")
  static final class Show implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;
    @Mixin Target target;

    @Option(names = "--version", description = "Version (default: the latest)")
    Integer version;

    @Option(names = "--text", description = "Print only the package text")
    boolean textOnly;

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open()) {
        ContextPackage p =
            ContextStore.of(lake).get(target.packages(lake), target.name, target.topic, version);
        if (textOnly) {
          System.out.println(p.text());
        } else {
          Printer.json(p.toMap());
        }
        return 0;
      }
    }
  }

  @Command(name = "diff", description = "What changed between two versions of a package.")
  static final class Diff implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;
    @Mixin Target target;

    @Option(names = "--from", required = true)
    int from;

    @Option(names = "--to", required = true)
    int to;

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open()) {
        Printer.json(
            ContextStore.of(lake).diff(target.packages(lake), target.name, target.topic, from, to));
        return 0;
      }
    }
  }

  @Command(name = "versions", description = "List the versions of a package topic.")
  static final class Versions implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;
    @Mixin Target target;

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open()) {
        Printer.json(
            ContextStore.of(lake).versions(target.packages(lake), target.name, target.topic));
        return 0;
      }
    }
  }

  @Command(
      name = "rebuild",
      description =
          "Rebuild a stored version from what it pinned (spec, source snapshot, model) and check"
              + " that the bytes are identical; exit 1 if they are not.")
  static final class Rebuild implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;
    @Mixin Target target;

    @Option(names = "--version", description = "Version (default: the latest)")
    Integer version;

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open()) {
        ContextPackage stored =
            ContextStore.of(lake).get(target.packages(lake), target.name, target.topic, version);
        ContextPackage rebuilt = PackageBuilder.rebuild(lake, stored);
        boolean same =
            rebuilt.text().equals(stored.text())
                && rebuilt.citationsJson().equals(stored.citationsJson())
                && rebuilt.contentHash().equals(stored.contentHash());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", stored.name());
        out.put("topic", stored.topic());
        out.put("version", stored.version());
        out.put("identical", same);
        out.put("stored_content_hash", stored.contentHash());
        out.put("rebuilt_content_hash", rebuilt.contentHash());
        out.put("source_snapshot_id", stored.sourceSnapshotId());
        Printer.jsonLine(out);
        return same ? 0 : 1;
      }
    }
  }
}
