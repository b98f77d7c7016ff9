package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ingest killed (SIGKILL) mid-pipeline leaves every table at its last committed snapshot, and
 * running it again ingests exactly what is missing.
 */
class IngestCrashIT {
  private static final Pattern EMBEDDED = Pattern.compile("([\\d,]+) chunks embedded");

  @TempDir Path dir;

  @Test
  void killedIngestLeavesTheLastSnapshotAndARerunCompletes() throws Exception {
    Path docs = Files.createDirectories(dir.resolve("docs"));
    Path lake = dir.resolve("lake");
    writeDocs(docs, 0, 5);
    assertThat(Main.run(ingestArgs(docs, lake))).isZero();
    long[] before = snapshots(lake);
    long chunksBefore = rows(lake, "kb.chunks");

    writeDocs(docs, 5, 40);
    Process ingest = start(docs, lake);
    try {
      waitForEmbeddedChunks(ingest);
      assertThat(ingest.isAlive()).as("the ingest is still running when killed").isTrue();
      ingest.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    } finally {
      ingest.destroyForcibly();
    }
    assertThat(snapshots(lake)).as("no table moved").containsExactly(before);
    assertThat(rows(lake, "kb.chunks")).isEqualTo(chunksBefore);

    assertThat(Main.run(ingestArgs(docs, lake))).isZero();
    assertThat(rows(lake, "kb.documents")).isEqualTo(40);
    try (Lakehouse l = Lakehouse.open(lake.toString())) {
      Collection chunks = l.collection("kb.chunks");
      List<String> ids =
          LiveRows.readAll(
                  chunks.table(), TableState.of(chunks.table()), chunks.schema().select("chunk_id"))
              .stream()
              .map(r -> (String) r.getField("chunk_id"))
              .toList();
      assertThat(ids).doesNotHaveDuplicates();
    }
  }

  private static String[] ingestArgs(Path docs, Path lake) {
    return new String[] {
      "ingest",
      "documents",
      docs.toString(),
      "--into",
      "kb",
      "--lakehouse",
      lake.toString(),
      "--no-index"
    };
  }

  private static void writeDocs(Path docs, int from, int to) throws IOException {
    Random random = new Random(from);
    String[] words = {"lake", "snapshot", "commit", "vector", "chunk", "runner", "table", "index"};
    for (int i = from; i < to; i++) {
      StringBuilder text = new StringBuilder("# Note " + i + "\n\n");
      for (int w = 0; w < 400; w++) {
        text.append(words[random.nextInt(words.length)]).append(w % 15 == 14 ? ".\n\n" : " ");
      }
      Files.writeString(docs.resolve("note-" + i + ".md"), text);
    }
  }

  private Process start(Path docs, Path lake) throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xss16m",
                "-Xmx2g",
                "--add-modules=jdk.incubator.vector",
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "io.lakebeam.cli.Main"));
    cmd.addAll(List.of(ingestArgs(docs, lake)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("LAKEBEAM_PROGRESS_SECONDS", "1");
    return pb.start();
  }

  private static void waitForEmbeddedChunks(Process p) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      Matcher m = EMBEDDED.matcher(line);
      if (m.find() && Long.parseLong(m.group(1).replace(",", "")) > 0) {
        return;
      }
    }
    throw new IllegalStateException("the ingest ended before embedding anything");
  }

  private static long[] snapshots(Path lake) throws IOException {
    try (Lakehouse l = Lakehouse.open(lake.toString())) {
      return new long[] {
        l.collection("kb.documents").snapshotId(), l.collection("kb.chunks").snapshotId()
      };
    }
  }

  private static long rows(Path lake, String name) throws IOException {
    try (Lakehouse l = Lakehouse.open(lake.toString())) {
      return TableState.of(l.collection(name).table()).liveRowCount();
    }
  }
}
