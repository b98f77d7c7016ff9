package io.lakebeam.runners;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Builds Beam {@link PipelineOptions} for a {@link Runner}, with the settings Lakebeam pipelines
 * need on each, plus any Beam option the user passes through ({@code --parallelism=8}). This is the
 * only place in Lakebeam that knows runners.
 *
 * <pre>{@code
 * PipelineOptions options = Runners.options(Runner.FLINK, "--flinkMaster=jobmanager:8081");
 * Pipeline p = Pipeline.create(options);
 * }</pre>
 *
 * <p>Defaults: Direct runs with one worker thread per core and without its test-time immutability
 * and encodability checks; Flink runs an embedded mini-cluster ({@code [local]}) with one slot per
 * core unless {@code --flinkMaster} names a cluster; Spark runs {@code local[cores]} unless {@code
 * --sparkMaster} is given; Dataflow needs {@code --project}, {@code --region} and {@code
 * --tempLocation=gs://...}.
 */
public final class Runners {
  private Runners() {}

  /**
   * Options for {@code runner}; {@code passThrough} are Beam options ({@code --name=value}) that
   * override the defaults.
   *
   * @throws IllegalArgumentException when the runner is not on the classpath (the message names the
   *     artifact to add) or an option is unknown
   */
  public static PipelineOptions options(Runner runner, String... passThrough) {
    if (!runner.isAvailable()) {
      throw new IllegalArgumentException(
          "Cannot run on "
              + runner.beamName()
              + ": it is not on the classpath; add "
              + runner.artifact()
              + " (Lakebeam bundles the Direct and Flink runners)");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    List<String> args = new ArrayList<>();
    args.add("--runner=" + runner.beamName());
    switch (runner) {
      case DIRECT -> {
        args.add("--targetParallelism=" + Math.max(2, cores));
        args.add("--blockOnRun=false");
        // Beam's test-time checks encode every element twice; tests turn them back on.
        args.add("--enforceImmutability=false");
        args.add("--enforceEncodability=false");
      }
      case FLINK -> {
        if (!has(passThrough, "flinkMaster")) {
          args.add("--flinkMaster=[local]");
        }
        if (!has(passThrough, "parallelism")) {
          args.add("--parallelism=" + cores);
        }
        args.add("--reIterableGroupByKeyResult=true");
        args.add("--fasterCopy=true");
      }
      case SPARK -> {
        if (!has(passThrough, "sparkMaster")) {
          args.add("--sparkMaster=local[" + cores + "]");
        }
      }
      case DATAFLOW -> {
        for (String required : new String[] {"project", "region", "tempLocation"}) {
          if (!has(passThrough, required)) {
            throw new IllegalArgumentException(
                "Cannot run on Dataflow without --" + required + "=...");
          }
        }
      }
    }
    for (String a : passThrough) {
      args.removeIf(existing -> sameOption(existing, a));
      args.add(a);
    }
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation().create();
  }

  private static boolean has(String[] args, String name) {
    for (String a : args) {
      if (a.startsWith("--" + name + "=") || a.equals("--" + name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameOption(String a, String b) {
    return optionName(a).equals(optionName(b));
  }

  private static String optionName(String arg) {
    int eq = arg.indexOf('=');
    return eq < 0 ? arg : arg.substring(0, eq);
  }
}
