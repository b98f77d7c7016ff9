package io.lakebeam.transforms.documents;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.S3ProxyServer;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.read.TableState;
import io.lakebeam.runners.Runner;
import io.lakebeam.transforms.Pipelines;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.io.FileIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw documents read in place from object storage (a real S3 API, S3Proxy on 127.0.0.1). */
class DocumentsFromObjectStorageIT {
  @TempDir Path dir;

  @Test
  void documentsUnderAnS3PrefixAreIngestedByReference() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), "raw")) {
      Map<String, String> props = new HashMap<>(s3.s3Properties());
      props.put(LakehouseConfig.WAREHOUSE, dir.resolve("warehouse").toString());
      try (Lakehouse lake = Lakehouse.open(LakehouseConfig.of(props))) {
        FileIO io = lake.io();
        put(io, "s3://raw/docs/a.md", "# Alpha\n\nThe first document talks about snapshots.");
        put(io, "s3://raw/docs/sub/b.txt", "The second document talks about vector search.");
        put(io, "s3://raw/docs/c.html", "<html><body><p>Third: Flight servers.</p></body></html>");
        put(io, "s3://raw/docs/empty.txt", "");
        put(io, "s3://raw/other/skip.txt", "Not under the prefix.");

        Pipelines.run(
            Runner.DIRECT,
            p ->
                DocumentIngest.of("s3://raw/docs/**", lake, "s3docs")
                    .withMaxTokens(64)
                    .withOverlap(8)
                    .applyTo(p));

        assertThat(TableState.of(lake.collection("s3docs.documents").table()).liveRowCount())
            .isEqualTo(3);
        assertThat(TableState.of(lake.collection("s3docs.failures").table()).liveRowCount())
            .isEqualTo(1);
        assertThat(TableState.of(lake.collection("s3docs.chunks").table()).liveRowCount())
            .isEqualTo(3);
      }
    }
  }

  private static void put(FileIO io, String uri, String text) throws Exception {
    try (OutputStream out = io.newOutputFile(uri).createOrOverwrite()) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
