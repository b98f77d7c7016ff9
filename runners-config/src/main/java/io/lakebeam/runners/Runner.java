package io.lakebeam.runners;

import java.util.List;
import java.util.Locale;

/**
 * The Beam runners Lakebeam pipelines run on, with the options each needs. Direct and Flink ship
 * with Lakebeam; Spark and Dataflow run when their runner jar is on the classpath.
 */
public enum Runner {
  /** Beam's Direct runner: one JVM, all cores. The default. */
  DIRECT("DirectRunner", "org.apache.beam.runners.direct.DirectRunner", null),
  /** Flink: an embedded mini-cluster ({@code [local]}) or a remote cluster ({@code host:port}). */
  FLINK("FlinkRunner", "org.apache.beam.runners.flink.FlinkRunner", null),
  /** Spark: {@code local[N]} or a cluster master URL. */
  SPARK(
      "SparkRunner",
      "org.apache.beam.runners.spark.SparkRunner",
      "org.apache.beam:beam-runners-spark-3:2.70.0 with spark-core_2.12 and spark-streaming_2.12"
          + " 3.5"),
  /** Google Cloud Dataflow: needs a project, a region and a gs:// temp location. */
  DATAFLOW(
      "DataflowRunner",
      "org.apache.beam.runners.dataflow.DataflowRunner",
      "org.apache.beam:beam-runners-google-cloud-dataflow-java:2.70.0");

  private final String beamName;
  private final String className;
  private final String artifact;

  Runner(String beamName, String className, String artifact) {
    this.beamName = beamName;
    this.className = className;
    this.artifact = artifact;
  }

  /** Beam's name for {@code --runner}, e.g. {@code FlinkRunner}. */
  public String beamName() {
    return beamName;
  }

  /** Whether this runner's classes are on the classpath. */
  public boolean isAvailable() {
    try {
      Class.forName(className, false, Runner.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** The artifact to add when {@link #isAvailable()} is false (null for bundled runners). */
  public String artifact() {
    return artifact;
  }

  /**
   * Parses {@code direct}, {@code flink}, {@code spark} or {@code dataflow} (any case, with or
   * without the {@code Runner} suffix).
   *
   * @throws IllegalArgumentException naming the runners there are
   */
  public static Runner parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (n.endsWith("runner")) {
      n = n.substring(0, n.length() - "runner".length());
    }
    for (Runner r : values()) {
      if (r.name().toLowerCase(Locale.ROOT).equals(n)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "Cannot use runner '"
            + name
            + "': choose one of "
            + List.of(values()).stream().map(r -> r.name().toLowerCase(Locale.ROOT)).toList());
  }
}
