package io.lakebeam.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@code lakebeam} CLI run in a JVM of its own (this test's class path), so a test can kill it
 * with SIGKILL at any point, as {@link ServerCrashIT} and {@link IngestCrashIT} do.
 *
 * <pre>{@code
 * CliProcess p = CliProcess.start("serve", "--lakehouse", dir.toString(), "--port", "0");
 * String uri = p.serverUri();
 * p.kill();
 * }</pre>
 */
final class CliProcess {
  private final Process process;
  private long started = System.nanoTime();
  private boolean killed;
  private final CompletableFuture<Long> ended;

  private CliProcess(Process process) {
    this.process = process;
    this.ended = process.onExit().thenApply(p -> System.nanoTime());
  }

  /**
   * Milliseconds from start (or from the marker line of {@link #drainedAfter}) to exit, or -1 while
   * it runs or when it was killed.
   */
  long ranMillis() {
    if (process.isAlive() || killed) {
      return -1;
    }
    return (ended.join() - started) / 1_000_000;
  }

  static CliProcess start(String... args) throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xss16m",
                "-Xmx1g",
                "-XX:TieredStopAtLevel=1",
                "--add-modules=jdk.incubator.vector",
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "io.lakebeam.cli.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("LAKEBEAM_PROGRESS_SECONDS", "1");
    Process p = pb.start();
    return new CliProcess(p);
  }

  /** Reads the output up to the server's "listening on" line and drains the rest. */
  String serverUri() throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      int at = line.indexOf("listening on ");
      if (at >= 0) {
        drain(out);
        return line.substring(at + "listening on ".length()).trim();
      }
    }
    throw new IllegalStateException("server exited before listening");
  }

  /** Drains the output in the background, so the process never blocks on a full pipe. */
  CliProcess drained() {
    drain(
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
    return this;
  }

  /** Waits for the process to end (at most 10 minutes) and returns its exit code. */
  int waitFor() throws InterruptedException {
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the process ran for more than 10 minutes");
    }
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL; returns whether the process was still running (so the kill ended it). */
  boolean kill() throws InterruptedException {
    process.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    // SIGKILL; 0 when it had finished. Remembered: the exit future completes at the kill, so
    // cancelling it afterwards did nothing, ranMillis() reported the kill point as a quick clean
    // run, and the fault matrix shrank its windows until every kill landed at 0-30 ms.
    killed = process.exitValue() == 128 + 9;
    return killed;
  }

  /**
   * Reads the output up to the first line containing {@code marker} (or its end), then drains the
   * rest in the background; {@link #ranMillis()} then counts from that line, so a kill can aim at
   * the work after it rather than at the JVM's start.
   */
  CliProcess drainedAfter(String marker) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    do {
      line = out.readLine();
    } while (line != null && !line.contains(marker));
    started = System.nanoTime();
    drain(out);
    return this;
  }

  private static void drain(BufferedReader out) {
    Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "cli-output-drain");
    drain.setDaemon(true);
    drain.start();
  }
}
