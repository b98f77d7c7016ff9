package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.S3ProxyServer;
import io.lakebeam.core.index.DiskCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache's training run (what {@code ./lakebeam build} runs under {@code
 * -XX:AOTCacheOutput}): both rounds, the local one and the one over an object-storage lakehouse on
 * S3Proxy, must complete, and the second must have built its index in the bucket.
 */
class AotTrainingCommandIT {
  @TempDir Path dir;

  @AfterEach
  void clearProperties() {
    System.clearProperty("lakebeam.memory.bytes");
    System.clearProperty("lakebeam.disk.cache.dir");
    System.clearProperty("lakebeam.disk.cache.bytes");
    DiskCache.configureShared(null, null); // the default cache again, for the tests after this one
  }

  @Test
  void bothRoundsRunAndTheSecondIndexesInTheBucket() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start(dir, "lake")) {
      AotTrainingCommand training = new AotTrainingCommand();
      training.rows = 3_000; // above the PQ and brute-force sizes: hot-pq over remote blocks
      training.dim = 16;
      training.searches = 20;
      training.s3Endpoint = s3.endpoint();
      training.s3Bucket = "lake";
      training.s3AccessKey = S3ProxyServer.ACCESS_KEY;
      training.s3SecretKey = S3ProxyServer.SECRET_KEY;

      assertThat(training.call()).isZero();

      Path index = dir.resolve("s3-blobs/lake/aot-training/default/aot_training/lakebeam-index");
      try (Stream<Path> files = Files.walk(index)) {
        List<String> names = files.map(p -> p.getFileName().toString()).toList();
        assertThat(names).anyMatch(n -> n.endsWith(".graph"));
        assertThat(names).anyMatch(n -> n.endsWith(".pq"));
      }
    }
  }
}
