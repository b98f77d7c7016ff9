package io.lakebeam.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.jbellis.jvector.disk.RandomAccessReader;
import io.github.jbellis.jvector.disk.ReaderSupplier;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.S3ProxyServer;
import io.lakebeam.core.TestData;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.lake.Metric;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.io.FileIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The warm and cold tiers against a real S3 API (S3Proxy on 127.0.0.1): index files read by ranged
 * requests into a small disk cache, whole-file downloads, and broken segments.
 */
class TieredStorageIT {
  static final int DIM = 8;
  static final int ROWS = 9_000; // above SearchExecution.BRUTE_FORCE_MAX_ROWS: a graph search

  @TempDir static Path dir;
  static S3ProxyServer s3;
  static LakehouseConfig config;
  static List<float[]> vectors;

  @TempDir Path cacheDir;

  @BeforeAll
  static void buildIndexOnS3() throws Exception {
    s3 = S3ProxyServer.start(dir, "lake");
    Files.createDirectories(dir.resolve("catalog"));
    config = LakehouseConfig.of(s3.lakehouseProperties(dir.resolve("catalog"), "lake", "wh"));
    DiskCache.useShared(DiskCache.open(dir.resolve("build-cache"), 1L << 30));
    try (Lakehouse lake = Lakehouse.open(config)) {
      Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
      vectors = TestData.insert(c, 0, ROWS, DIM, 11);
      lake.indexes().build(c, "embedding", null, IndexParams.defaults());
    }
  }

  @AfterAll
  static void stopS3() throws Exception {
    DiskCache.useShared(null);
    s3.close();
  }

  @AfterEach
  void resetSettings() {
    System.clearProperty(IndexFiles.WHOLE_FILE_PROPERTY);
    System.clearProperty(IndexFiles.BLOCK_PROPERTY);
    System.clearProperty(IndexFiles.BOUNDED_REQUESTS_PROPERTY);
  }

  /** Searches with a fresh lakehouse (a fresh server) over the given empty cache. */
  private static List<List<SearchHit>> searchFresh(DiskCache cache) throws Exception {
    DiskCache.useShared(cache);
    try (Lakehouse lake = Lakehouse.open(config)) {
      Collection c = lake.collection("docs");
      float[][] queries = {vectors.get(3), vectors.get(4_321), vectors.get(8_999)};
      return lake.indexes().search(c, new SearchRequest(null, queries, 10, 0, null));
    }
  }

  private static String graphPath(Lakehouse lake) {
    Collection c = lake.collection("docs");
    return IndexRegistry.find(c.table(), "embedding").orElseThrow().segments().get(0).graphPath();
  }

  @Test
  void aFreshServerSearchesByRangedReadsInACacheSmallerThanTheSegment() throws Exception {
    List<List<SearchHit>> whole = searchFresh(DiskCache.open(cacheDir.resolve("whole"), 1L << 30));
    DiskCache wholeCache = DiskCache.shared();
    assertThat(wholeCache.stats().misses()).isEqualTo(2); // .graph and .rows, whole
    try (Lakehouse lake = Lakehouse.open(config)) {
      Map<String, Object> d = lake.indexes().describe(lake.collection("docs")).get(0);
      assertThat(d)
          .containsEntry("storage", "object-store")
          .containsEntry("disk_cached_segments", 1L);
    }

    System.setProperty(IndexFiles.WHOLE_FILE_PROPERTY, "1");
    System.setProperty(IndexFiles.BLOCK_PROPERTY, "16k");
    long budget = 256 << 10;
    DiskCache small = DiskCache.open(cacheDir.resolve("ranged"), budget);
    List<List<SearchHit>> ranged = searchFresh(small);

    assertThat(ranged).isEqualTo(whole);
    for (int q = 0; q < 3; q++) {
      assertThat(ranged.get(q).get(0).pos()).isIn(3L, 4_321L, 8_999L);
    }
    DiskCache.Stats s = small.stats();
    try (Lakehouse lake = Lakehouse.open(config)) {
      long graphBytes = lake.io().newInputFile(graphPath(lake)).getLength();
      assertThat(graphBytes).isGreaterThan(budget); // the segment never fit
    }
    assertThat(s.usedBytes()).isLessThanOrEqualTo(budget);
    assertThat(s.misses()).isGreaterThan(10);
    assertThat(s.evictions()).isPositive();
  }

  @ParameterizedTest(name = "bounded requests: {0}")
  @ValueSource(booleans = {true, false})
  void rangedReadsOverS3MatchTheMappedFileForEveryReadKind(boolean bounded) throws Exception {
    Path local = RangedReaderTest.randomFile(cacheDir, 150_000, 21);
    String location = "s3://lake/raw/blob.bin";
    try (Lakehouse lake = Lakehouse.open(config)) {
      FileIO io = lake.io();
      try (OutputStream out = io.newOutputFile(location).createOrOverwrite()) {
        Files.copy(local, out);
      }
      System.setProperty(IndexFiles.WHOLE_FILE_PROPERTY, "64k");
      System.setProperty(IndexFiles.BLOCK_PROPERTY, "4k");
      System.setProperty(IndexFiles.BOUNDED_REQUESTS_PROPERTY, Boolean.toString(bounded));
      DiskCache cache = DiskCache.open(cacheDir.resolve("c"), 12 * 4096);
      DiskCache.useShared(cache);
      try (ReaderSupplier remote = IndexFiles.open(io, location);
          ReaderSupplier mapped = ReaderSupplierFactory.open(local);
          RandomAccessReader actual = remote.get();
          RandomAccessReader expected = mapped.get()) {
        assertThat(remote).isInstanceOf(RemoteBlocks.class);
        RangedReaderTest.checkRandomReads(actual, expected, 250, 5);
        // more block requests than the HTTP client's pool holds connections (50): none leaked
        assertThat(((RemoteBlocks) remote).fetchedBlocks()).isGreaterThan(100);
      }
      assertThat(cache.stats().usedBytes()).isLessThanOrEqualTo(12 * 4096);

      System.setProperty(IndexFiles.WHOLE_FILE_PROPERTY, "1m"); // now a small file: whole
      DiskCache wholeCache = DiskCache.open(cacheDir.resolve("w"), 1 << 20);
      DiskCache.useShared(wholeCache);
      try (ReaderSupplier remote = IndexFiles.open(io, location);
          ReaderSupplier mapped = ReaderSupplierFactory.open(local);
          RandomAccessReader actual = remote.get();
          RandomAccessReader expected = mapped.get()) {
        assertThat(remote).isInstanceOf(PinnedReaders.class);
        assertThat(wholeCache.stats().pinnedFiles()).isEqualTo(1);
        RangedReaderTest.checkRandomReads(actual, expected, 100, 6);
      }
      assertThat(wholeCache.stats().pinnedFiles()).isZero();
      assertThat(wholeCache.stats().usedBytes()).isEqualTo(150_000);
    }
  }

  @Test
  void boundedRequestsReadExactlyTheirBytesAndNameAnObjectThatIsTooShort() throws Exception {
    Path local = RangedReaderTest.randomFile(cacheDir, 70_000, 23);
    byte[] bytes = Files.readAllBytes(local);
    String location = "s3://lake/raw/ranges.bin";
    try (Lakehouse lake = Lakehouse.open(config)) {
      FileIO io = lake.io();
      try (OutputStream out = io.newOutputFile(location).createOrOverwrite()) {
        out.write(bytes);
      }
      assertThat(S3Ranges.of(io, local.toString())).isNull();
      assertThat(S3Ranges.of(io, "s3://lake/")).isNull();
      S3Ranges ranges = S3Ranges.of(io, location);
      assertThat(ranges).isNotNull();
      assertThat(ranges.read(12_345, 4_000))
          .isEqualTo(java.util.Arrays.copyOfRange(bytes, 12_345, 16_345));
      assertThat(ranges.read(0, 70_000)).isEqualTo(bytes);
      assertThatThrownBy(() -> ranges.read(69_000, 4_096)) // the object ends 1,000 bytes in
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining(location)
          .hasMessageContaining("got 1000 bytes");
      assertThatThrownBy(() -> ranges.read(80_000, 10)) // starts past the end
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("Cannot read bytes 80000-80009 of " + location);
    }
  }

  @Test
  void aTruncatedSegmentNamesTheIndexAndSaysToRebuildIt() throws Exception {
    withBrokenGraph(
        (io, location) -> {
          byte[] head;
          try (InputStream in = io.newInputFile(location).newStream()) {
            head = in.readNBytes(50_000);
          }
          try (OutputStream out = io.newOutputFile(location).createOrOverwrite()) {
            out.write(head);
          }
        });
  }

  @Test
  void aMissingSegmentNamesTheIndexAndSaysToRebuildIt() throws Exception {
    withBrokenGraph((io, location) -> io.deleteFile(location));
  }

  @Test
  void aCorruptSegmentNamesTheIndexAndSaysToRebuildIt() throws Exception {
    withBrokenGraph(
        (io, location) -> {
          long length = io.newInputFile(location).getLength();
          byte[] junk = new byte[(int) length];
          new java.util.Random(3).nextBytes(junk);
          try (OutputStream out = io.newOutputFile(location).createOrOverwrite()) {
            out.write(junk);
          }
        });
  }

  interface Damage {
    void apply(FileIO io, String location) throws Exception;
  }

  /** Damages a copy of the segment, checks both read paths fail clearly, then restores it. */
  private void withBrokenGraph(Damage damage) throws Exception {
    try (Lakehouse lake = Lakehouse.open(config)) {
      FileIO io = lake.io();
      String graph = graphPath(lake);
      Path saved = cacheDir.resolve("saved.graph");
      try (InputStream in = io.newInputFile(graph).newStream()) {
        Files.copy(in, saved);
      }
      try {
        damage.apply(io, graph);
        for (String threshold : new String[] {"1", "1g"}) { // ranged reads, then whole download
          System.setProperty(IndexFiles.WHOLE_FILE_PROPERTY, threshold);
          System.setProperty(IndexFiles.BLOCK_PROPERTY, "16k");
          DiskCache cache = DiskCache.open(cacheDir.resolve("t" + threshold), 1L << 30);
          assertThatThrownBy(() -> searchFresh(cache))
              .as("threshold %s", threshold)
              .isInstanceOf(LakebeamException.class)
              .hasMessageContaining("Cannot load the index of")
              .hasMessageContaining("docs.embedding")
              .hasMessageContaining("lakebeam index build")
              .hasMessageContaining("create_index");
          assertThat(cache.stats().pinnedFiles()).isZero();
        }
      } finally {
        try (OutputStream out = io.newOutputFile(graph).createOrOverwrite()) {
          Files.copy(saved, out);
        }
      }
    }
  }
}
