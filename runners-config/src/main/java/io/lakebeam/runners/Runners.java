package io.lakebeam.runners;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * core unless {@code --flinkMaster} names a cluster ({@code host:port} of its JobManager's REST
 * endpoint), where the job's classpath jars are staged and the parallelism defaults to the
 * cluster's total slots (asked of the JobManager's {@code /overview}); Spark runs {@code
 * local[cores]} unless {@code --sparkMaster} is given; Dataflow needs {@code --project}, {@code
 * --region} and {@code --tempLocation=gs://...}.
 */
public final class Runners {
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._-]+:\\d{1,5}");
  private static final Pattern SLOTS_TOTAL = Pattern.compile("\"slots-total\"\\s*:\\s*(\\d+)");

  private Runners() {}

  /**
   * Options for {@code runner} on the Flink cluster at {@code flinkMaster} ({@code host:port} of
   * the JobManager's REST endpoint, or {@code [local]}); a null or blank master is the runner's
   * default. This is what the CLI's {@code --flink-master} goes through.
   *
   * @throws IllegalArgumentException when a master is given for another runner than Flink, or is
   *     not {@code host:port}
   */
  public static PipelineOptions optionsWithFlinkMaster(
      Runner runner, String flinkMaster, String... passThrough) {
    if (flinkMaster == null || flinkMaster.isBlank()) {
      return options(runner, passThrough);
    }
    String master = flinkMaster.trim();
    if (runner != Runner.FLINK) {
      throw new IllegalArgumentException(
          "Cannot use Flink master "
              + master
              + " with the "
              + runner.beamName()
              + ": add --runner flink");
    }
    if (!master.equals("[local]") && !HOST_PORT.matcher(master).matches()) {
      throw new IllegalArgumentException(
          "Cannot use Flink master '"
              + master
              + "': give host:port of the JobManager's REST endpoint, e.g. 127.0.0.1:8081,"
              + " or [local]");
    }
    List<String> args = new ArrayList<>(Arrays.asList(passThrough));
    args.removeIf(a -> optionName(a).equals("--flinkMaster"));
    args.add(0, "--flinkMaster=" + master);
    return options(runner, args.toArray(String[]::new));
  }

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
        String master = value(passThrough, "flinkMaster");
        if (master == null) {
          args.add("--flinkMaster=[local]");
        }
        if (!has(passThrough, "parallelism")) {
          int parallelism = isEmbedded(master) ? cores : clusterSlots(master);
          if (parallelism > 0) {
            args.add("--parallelism=" + parallelism);
          }
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

  private static String value(String[] args, String name) {
    String value = null;
    for (String a : args) {
      if (a.startsWith("--" + name + "=")) {
        value = a.substring(name.length() + 3);
      }
    }
    return value;
  }

  private static boolean isEmbedded(String master) {
    return master == null
        || master.isBlank()
        || master.equals("[local]")
        || master.equals("[auto]")
        || master.equals("[collection]");
  }

  /**
   * The total task slots of the Flink cluster whose REST endpoint is {@code master}, or -1 when it
   * cannot be asked (the job then runs at Flink's default parallelism).
   */
  static int clusterSlots(String master) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + master + "/overview"))
            .timeout(Duration.ofSeconds(5))
            .build();
    try (HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      Matcher m = SLOTS_TOTAL.matcher(response.body());
      return response.statusCode() == 200 && m.find() ? Integer.parseInt(m.group(1)) : -1;
    } catch (IOException | IllegalArgumentException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static boolean sameOption(String a, String b) {
    return optionName(a).equals(optionName(b));
  }

  private static String optionName(String arg) {
    int eq = arg.indexOf('=');
    return eq < 0 ? arg : arg.substring(0, eq);
  }
}
