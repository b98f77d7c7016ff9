package io.lakebeam.runners;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Flink session cluster on 127.0.0.1 made of separate JVMs started from the Flink jars on the
 * classpath (the Maven artifacts Beam's Flink runner brings; {@code flink-dist} is not needed): one
 * JobManager ({@code StandaloneSessionClusterEntrypoint}) and N TaskManagers ({@code
 * TaskManagerRunner}), each with a small heap, a config directory of its own and free ports. For
 * tests and benchmarks of {@link Runner#FLINK} against a real multi-process cluster; production
 * runs a Flink distribution.
 *
 * <pre>{@code
 * try (LocalFlinkCluster cluster = LocalFlinkCluster.builder().withTaskManagers(2).start()) {
 *   PipelineOptions options =
 *       Runners.options(Runner.FLINK, "--flinkMaster=" + cluster.master(), "--parallelism=2");
 *   ...
 * }
 * }</pre>
 *
 * <p>The TaskManagers' classpath is the Flink, Beam and third-party jars of this JVM, without
 * Lakebeam's own classes ({@code lakebeam-*.jar}, {@code target/classes}): those reach the cluster
 * only through the job's staged jars, as on a real cluster. Stage the whole job classpath (Beam's
 * default {@code filesToStage}), not only Lakebeam's classes: Flink loads staged jars child-first,
 * and a Beam class found on the TaskManager's own classpath instead (e.g. {@code
 * SerializableCoder}, which deserializes with its own class loader) cannot see Lakebeam's classes
 * ({@code ClassNotFoundException: io.lakebeam.transforms.curation.Centroids} in k-means). {@link
 * #close()} kills the JVMs (and their child processes); a shutdown hook does the same if the
 * caller's JVM exits first.
 *
 * <p>Also a command: {@code java -cp ... io.lakebeam.runners.LocalFlinkCluster 2 1} starts two
 * TaskManagers with one slot each, prints {@code master=127.0.0.1:PORT} and runs until killed.
 */
public final class LocalFlinkCluster implements AutoCloseable {
  /** How long to wait for the JobManager's REST API and every TaskManager to register. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);

  private static final String JOB_MANAGER =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  private static final String TASK_MANAGER =
      "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  private static final Pattern TASK_MANAGER_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  // Flink's own JDK 17 flags (flink-conf.yaml env.java.opts.all) plus Lakebeam's.
  private static final List<String> JVM_FLAGS =
      List.of(
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
          "--add-modules=jdk.incubator.vector",
          "--sun-misc-unsafe-memory-access=allow",
          "--enable-native-access=ALL-UNNAMED",
          "-XX:+UseSerialGC",
          "-Xss16m");

  private final Path dir;
  private final int restPort;
  private final int slotsPerTaskManager;
  private final List<Process> processes = new ArrayList<>();
  private final Thread shutdownHook;

  private LocalFlinkCluster(Path dir, int restPort, int slotsPerTaskManager) {
    this.dir = dir;
    this.restPort = restPort;
    this.slotsPerTaskManager = slotsPerTaskManager;
    this.shutdownHook = new Thread(this::killAll, "local-flink-cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** A builder with defaults: 2 TaskManagers, 1 slot each, 512 MiB heap per JVM. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code host:port} of the JobManager's REST endpoint, for {@code --flinkMaster}. */
  public String master() {
    return "127.0.0.1:" + restPort;
  }

  /** The JobManager's REST port. */
  public int restPort() {
    return restPort;
  }

  /** The directory holding the config ({@code conf/}), the logs and Flink's temporary files. */
  public Path directory() {
    return dir;
  }

  /** Slots per TaskManager. */
  public int slotsPerTaskManager() {
    return slotsPerTaskManager;
  }

  /** The ids of the TaskManagers registered with the JobManager now. */
  public List<String> taskManagers() throws IOException {
    String body = get("/taskmanagers");
    List<String> ids = new ArrayList<>();
    Matcher m = TASK_MANAGER_ID.matcher(body);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  /** The JobManager's {@code /jobs/overview} JSON: the jobs it ran and their states. */
  public String jobsOverview() throws IOException {
    return get("/jobs/overview");
  }

  /** The process ids of the JobManager and TaskManager JVMs, JobManager first. */
  public List<Long> pids() {
    return processes.stream().map(Process::pid).toList();
  }

  /** Kills the JVMs (and anything they started) and removes the shutdown hook. */
  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private synchronized void killAll() {
    for (Process p : processes.reversed()) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private String get(String path) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + master() + path))
            .timeout(Duration.ofSeconds(5))
            .build();
    try (HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException(
            "Cannot read " + path + " from the JobManager: HTTP " + response.statusCode());
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while reading " + path, e);
    }
  }

  private void startJvm(String name, String mainClass, String classpath, String heap)
      throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(JVM_FLAGS);
    cmd.add("-Xms" + heap);
    cmd.add("-Xmx" + heap);
    cmd.add("-XX:MaxDirectMemorySize=384m");
    cmd.add("-Dlog.file=" + dir.resolve("log").resolve(name + ".log"));
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.add("--configDir");
    cmd.add(dir.resolve("conf").toString());
    if (mainClass.equals(TASK_MANAGER)) {
      cmd.add("-D");
      cmd.add("taskmanager.resource-id=" + name);
    }
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log").resolve(name + ".out").toFile());
    // A real cluster's JVMs do not see the client's Flink config.
    pb.environment().remove("FLINK_CONF_DIR");
    processes.add(pb.start());
  }

  private void awaitReady(int taskManagers, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IOException(
              "Cannot start the Flink cluster: a JVM exited with "
                  + p.exitValue()
                  + "; see the logs in "
                  + dir.resolve("log")
                  + tail());
        }
      }
      try {
        List<String> ids = taskManagers();
        if (ids.size() >= taskManagers) {
          return;
        }
        last = ids.size() + " of " + taskManagers + " TaskManagers registered";
      } catch (IOException notYet) {
        last = notYet.toString();
      }
      Thread.sleep(250);
    }
    throw new IOException(
        "Cannot start the Flink cluster within "
            + timeout
            + ": "
            + last
            + "; see the logs in "
            + dir.resolve("log")
            + tail());
  }

  private String tail() {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> logs = Files.list(dir.resolve("log"))) {
      for (Path log : logs.filter(f -> f.toString().endsWith(".out")).sorted().toList()) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        out.append("\n--- ").append(log.getFileName()).append('\n');
        out.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
      }
    } catch (IOException | UncheckedIOException e) {
      out.append("\n(cannot read the logs: ").append(e).append(')');
    }
    return out.toString();
  }

  /**
   * The entries of this JVM's classpath that a TaskManager gets: all but Lakebeam's own classes,
   * which jobs stage.
   */
  static String clusterClasspath(String classpath) {
    return Arrays.stream(classpath.split(File.pathSeparator))
        .filter(e -> !e.isBlank())
        .filter(e -> !isLakebeamEntry(e))
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static boolean isLakebeamEntry(String entry) {
    String name = Paths.get(entry).getFileName().toString();
    String normalized = entry.replace(File.separatorChar, '/');
    return name.startsWith("lakebeam-")
        || normalized.endsWith("/target/classes")
        || normalized.endsWith("/target/test-classes");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /** Settings of a {@link LocalFlinkCluster}; every {@code withX} has a default. */
  public static final class Builder {
    private int taskManagers = 2;
    private int slotsPerTaskManager = 1;
    private String heap = "512m";
    private String managedMemory = "128m";
    private Path directory;
    private String classpath;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private final Map<String, String> config = new LinkedHashMap<>();

    private Builder() {}

    /** Number of TaskManager JVMs, 1 or more (default 2). */
    public Builder withTaskManagers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("Cannot start fewer than 1 TaskManager: " + n);
      }
      this.taskManagers = n;
      return this;
    }

    /** Slots per TaskManager, 1 or more (default 1). */
    public Builder withSlotsPerTaskManager(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("Cannot give a TaskManager fewer than 1 slot: " + n);
      }
      this.slotsPerTaskManager = n;
      return this;
    }

    /** Heap of every JVM, e.g. {@code 512m} (the default) or {@code 2g}. */
    public Builder withHeap(String heap) {
      if (!heap.matches("\\d+[mMgG]")) {
        throw new IllegalArgumentException("Cannot use heap size '" + heap + "': use e.g. 512m");
      }
      this.heap = heap.toLowerCase(java.util.Locale.ROOT);
      return this;
    }

    /** Flink managed memory per TaskManager (sorting, hashing), e.g. {@code 128m} (default). */
    public Builder withManagedMemory(String size) {
      if (!size.matches("\\d+[mMgG]")) {
        throw new IllegalArgumentException("Cannot use managed memory '" + size + "'");
      }
      this.managedMemory = size.toLowerCase(java.util.Locale.ROOT);
      return this;
    }

    /** Where the config, logs and temporary files go (default: a new temporary directory). */
    public Builder withDirectory(Path dir) {
      this.directory = dir;
      return this;
    }

    /**
     * The classpath of the cluster's JVMs (default: this JVM's, without Lakebeam's own classes).
     */
    public Builder withClasspath(String classpath) {
      this.classpath = classpath;
      return this;
    }

    /** How long to wait for every TaskManager to register (default 120 s). */
    public Builder withStartTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    /** Any other Flink setting, e.g. {@code ("parallelism.default", "2")}. */
    public Builder withConfig(String key, String value) {
      config.put(key, value);
      return this;
    }

    /**
     * Writes the config, starts the JobManager and the TaskManagers and waits until all
     * TaskManagers have registered.
     *
     * @throws IOException naming the log directory when a JVM exits or the wait times out
     */
    public LocalFlinkCluster start() throws IOException {
      Path dir = directory != null ? directory : Files.createTempDirectory("lakebeam-flink-");
      Files.createDirectories(dir.resolve("conf"));
      Files.createDirectories(dir.resolve("log"));
      Files.createDirectories(dir.resolve("tmp"));
      int restPort = freePort();
      Map<String, String> conf = new LinkedHashMap<>();
      conf.put("jobmanager.rpc.address", "127.0.0.1");
      conf.put("jobmanager.rpc.port", Integer.toString(freePort()));
      conf.put("jobmanager.bind-host", "127.0.0.1");
      conf.put("rest.address", "127.0.0.1");
      conf.put("rest.bind-address", "127.0.0.1");
      conf.put("rest.port", Integer.toString(restPort));
      conf.put("blob.server.port", Integer.toString(freePort()));
      conf.put("taskmanager.host", "127.0.0.1");
      conf.put("taskmanager.bind-host", "127.0.0.1");
      conf.put("taskmanager.numberOfTaskSlots", Integer.toString(slotsPerTaskManager));
      // Flink's start scripts pass this (and the memory sizes) computed; TaskManagerRunner
      // started directly fails without it.
      conf.put("taskmanager.cpu.cores", slotsPerTaskManager + ".0");
      conf.put("parallelism.default", Integer.toString(taskManagers * slotsPerTaskManager));
      conf.put("jobmanager.memory.process.size", "1g");
      // Explicit TaskManager memory: the heap parts fit -Xmx, the rest fits the direct memory
      // limit; managed memory (sort buffers) is allocated off-heap.
      conf.put("taskmanager.memory.framework.heap.size", "64m");
      conf.put("taskmanager.memory.task.heap.size", heapMinus(heap, 64));
      conf.put("taskmanager.memory.managed.size", managedMemory);
      conf.put("taskmanager.memory.framework.off-heap.size", "64m");
      conf.put("taskmanager.memory.task.off-heap.size", "0m");
      conf.put("taskmanager.memory.network.min", "128m");
      conf.put("taskmanager.memory.network.max", "128m");
      // Batch shuffles are sort-based and take 512 buffers per result partition by default: a
      // Beam job with a dozen shuffles exhausted 64 MiB ("Insufficient number of network buffers").
      conf.put("taskmanager.network.sort-shuffle.min-buffers", "64");
      conf.put("taskmanager.memory.jvm-metaspace.size", "256m");
      conf.put("taskmanager.memory.jvm-overhead.min", "64m");
      conf.put("taskmanager.memory.jvm-overhead.max", "64m");
      conf.put("io.tmp.dirs", dir.resolve("tmp").toString());
      conf.put("web.tmpdir", dir.resolve("tmp").toString());
      conf.put("blob.storage.directory", dir.resolve("tmp").toString());
      conf.put("classloader.check-leaked-classloader", "false");
      conf.put("heartbeat.timeout", "60000");
      conf.putAll(config);
      StringBuilder yaml = new StringBuilder();
      conf.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
      // flink-conf.yaml: the flat format Flink 1.19 still reads (config.yaml is nested YAML).
      Files.writeString(dir.resolve("conf").resolve("flink-conf.yaml"), yaml);

      String cp =
          classpath != null
              ? classpath
              : clusterClasspath(System.getProperty("java.class.path", ""));
      LocalFlinkCluster cluster = new LocalFlinkCluster(dir, restPort, slotsPerTaskManager);
      try {
        cluster.startJvm("jobmanager", JOB_MANAGER, cp, heap);
        for (int i = 0; i < taskManagers; i++) {
          cluster.startJvm("taskmanager-" + i, TASK_MANAGER, cp, heap);
        }
        cluster.awaitReady(taskManagers, startTimeout);
        return cluster;
      } catch (IOException | RuntimeException e) {
        cluster.close();
        throw e;
      } catch (InterruptedException e) {
        cluster.close();
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted while starting the Flink cluster", e);
      }
    }

    private static String heapMinus(String heap, int mib) {
      long size = Long.parseLong(heap.substring(0, heap.length() - 1));
      long heapMib = heap.endsWith("g") ? size * 1024 : size;
      return Math.max(32, heapMib - mib) + "m";
    }
  }

  /**
   * Starts a cluster and keeps it running until the process is killed: {@code [taskManagers
   * [slotsPerTaskManager [heap [managedMemory]]]]}. Prints {@code master=host:port}, then {@code
   * pids=...}, then {@code dir=...}.
   */
  public static void main(String[] args) throws Exception {
    Builder b = builder();
    if (args.length > 0) {
      b.withTaskManagers(Integer.parseInt(args[0]));
    }
    if (args.length > 1) {
      b.withSlotsPerTaskManager(Integer.parseInt(args[1]));
    }
    if (args.length > 2) {
      b.withHeap(args[2]);
    }
    if (args.length > 3) {
      b.withManagedMemory(args[3]);
    }
    try (LocalFlinkCluster cluster = b.start()) {
      System.out.println("master=" + cluster.master());
      System.out.println(
          "pids=" + cluster.pids().stream().map(String::valueOf).collect(Collectors.joining(",")));
      System.out.println("dir=" + cluster.directory());
      System.out.flush();
      Thread.currentThread().join();
    }
  }

  /** Deletes a directory tree, e.g. {@link #directory()} after {@link #close()}. */
  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
