package io.lakebeam.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.lakebeam.core.TestData;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build whose vectors exceed its heap share stages them in a memory-mapped scratch file: the
 * index it writes must search as well as one built from heap vectors.
 */
class MappedVectorsTest {
  @TempDir Path dir;

  @Test
  void vectorsReadBackExactlyAndACopyReadsIndependently() throws Exception {
    int dim = 37;
    int n = 30_000; // more than one 1 MiB write buffer
    Random rnd = new Random(5);
    float[][] written = new float[n][dim];
    Path file = dir.resolve("v.vectors");
    try (MappedVectors.Writer w = MappedVectors.writer(file, dim)) {
      for (float[] v : written) {
        for (int d = 0; d < dim; d++) {
          v[d] = (float) rnd.nextGaussian();
        }
        w.add(v);
      }
      assertThat(w.count()).isEqualTo(n);
    }
    assertThat(Files.size(file)).isEqualTo(4L * dim * n);
    try (MappedVectors vectors = MappedVectors.open(file, dim)) {
      assertThat(vectors.size()).isEqualTo(n);
      assertThat(vectors.isValueShared()).isTrue();
      MappedVectors other = vectors.copy();
      for (int i = 0; i < n; i += 997) {
        var a = vectors.getVector(i);
        var b = other.getVector(n - 1 - i); // a second reader does not overwrite the first
        for (int d = 0; d < dim; d++) {
          assertThat(a.get(d)).isEqualTo(written[i][d]);
          assertThat(b.get(d)).isEqualTo(written[n - 1 - i][d]);
        }
      }
    }
  }

  @Test
  void aParallelGraphBuildReadsEachSharedReaderFromOneThread() throws Exception {
    // A mapped reader returns one reused vector: two threads on one reader corrupt each other's
    // vectors. The build once passed the root reader to every insertion thread (recall@10 fell
    // from 0.9999 to 0.93 at 100k); each thread must use a reader of its own.
    int dim = 16;
    int n = 4_000;
    Random rnd = new Random(3);
    Path file = dir.resolve("g.vectors");
    try (MappedVectors.Writer w = MappedVectors.writer(file, dim)) {
      for (int i = 0; i < n; i++) {
        w.add(TestData.vector(rnd, dim));
      }
    }
    AtomicInteger sharedAcrossThreads = new AtomicInteger();
    try (MappedVectors vectors = MappedVectors.open(file, dim)) {
      var graph =
          SegmentBuilder.buildGraph(
              new OneThreadPerReader(vectors, sharedAcrossThreads),
              Metric.COSINE,
              IndexParams.defaults(),
              2,
              "mapped");
      assertThat(graph.size(0)).isEqualTo(n);
    }
    assertThat(sharedAcrossThreads.get()).as("reads of a reader from a second thread").isZero();
  }

  /** Counts reads of one reader from more than one thread. */
  private static final class OneThreadPerReader implements RandomAccessVectorValues {
    private final RandomAccessVectorValues delegate;
    private final AtomicInteger violations;
    private final AtomicReference<Thread> owner = new AtomicReference<>();

    OneThreadPerReader(RandomAccessVectorValues delegate, AtomicInteger violations) {
      this.delegate = delegate;
      this.violations = violations;
    }

    @Override
    public int size() {
      return delegate.size();
    }

    @Override
    public int dimension() {
      return delegate.dimension();
    }

    @Override
    public VectorFloat<?> getVector(int node) {
      Thread me = Thread.currentThread();
      if (!owner.compareAndSet(null, me) && owner.get() != me) {
        violations.incrementAndGet();
      }
      return delegate.getVector(node);
    }

    @Override
    public boolean isValueShared() {
      return true;
    }

    @Override
    public RandomAccessVectorValues copy() {
      return new OneThreadPerReader(delegate.copy(), violations);
    }
  }

  @Test
  void aFileThatIsNotWholeVectorsIsRefusedByName() throws Exception {
    Path file = dir.resolve("bad.vectors");
    Files.write(file, new byte[4 * 10 + 2]);
    assertThatThrownBy(() -> MappedVectors.open(file, 10))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("bad.vectors")
        .hasMessageContaining("10-d vectors");
  }

  @Test
  void scratchFilesOfAStoppedProcessAreSweptAndLiveOnesKept() throws Exception {
    Process stopped = new ProcessBuilder("true").start();
    stopped.waitFor();
    long deadPid = stopped.pid();
    long ownPid = ProcessHandle.current().pid();
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Path leftBehind = cache.resolve("build-" + deadPid + "-123.vectors");
    Files.write(leftBehind, new byte[4096]);
    Path partLeftBehind = cache.resolve("build-" + deadPid + "-456.part");
    Files.write(partLeftBehind, new byte[100]);
    Path own = cache.resolve("build-" + ownPid + "-789.vectors");
    Files.write(own, new byte[10]);
    Path cached = cache.resolve("block-abc");
    Files.write(cached, new byte[10]);

    assertThat(IndexFiles.sweepScratch(cache)).isEqualTo(4096 + 100);

    assertThat(leftBehind).doesNotExist();
    assertThat(partLeftBehind).doesNotExist();
    assertThat(own).exists();
    assertThat(cached).exists();
  }

  @Test
  void aBuildBeyondItsHeapShareSearchesLikeAHeapBuild() throws Exception {
    int dim = 24;
    int rows = 3_000; // above the brute-force size, so the graph is searched
    try (Lakehouse lake = Lakehouse.open(dir.resolve("lake").toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(dim), Metric.COSINE, false);
      List<float[]> vectors = TestData.insert(c, 0, rows, dim, 9);
      int mappedBefore = VectorSink.MAPPED.get();
      withHeapShare(
          "1024", () -> lake.indexes().build(c, "embedding", null, IndexParams.defaults()));
      assertThat(VectorSink.MAPPED.get()).isEqualTo(mappedBefore + 1);

      Map<String, Object> described = lake.indexes().describe(c).get(0);
      assertThat(described.get("rows")).isEqualTo((long) rows);
      assertThat(described.get("unreachable_nodes")).isEqualTo(0);
      int self = 0;
      for (int i = 0; i < rows; i += 10) {
        List<SearchHit> hits =
            lake.indexes()
                .search(c, new SearchRequest(null, new float[][] {vectors.get(i)}, 1, 0, null))
                .get(0);
        if (hits.get(0).pos() == i) {
          self++;
        }
      }
      assertThat(self).as("rows that are their own nearest neighbour, of 300").isEqualTo(300);
      assertNoScratchVectorsLeft();
    }
  }

  /** A test step that may throw. */
  interface Step {
    void run() throws Exception;
  }

  /** Runs {@code step} with the build's heap share for vectors set to {@code bytes}. */
  static void withHeapShare(String bytes, Step step) throws Exception {
    String previous = System.getProperty("lakebeam.build.heap.vectors.bytes");
    System.setProperty("lakebeam.build.heap.vectors.bytes", bytes);
    try {
      step.run();
    } finally {
      if (previous == null) {
        System.clearProperty("lakebeam.build.heap.vectors.bytes");
      } else {
        System.setProperty("lakebeam.build.heap.vectors.bytes", previous);
      }
    }
  }

  static void assertNoScratchVectorsLeft() throws IOException {
    try (var stream = Files.list(IndexFiles.cacheDir())) {
      assertThat(stream.filter(p -> p.toString().endsWith(".vectors")).toList())
          .as("scratch files left behind")
          .isEmpty();
    }
  }
}
