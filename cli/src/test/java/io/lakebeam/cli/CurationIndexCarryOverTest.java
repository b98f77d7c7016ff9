package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A curation command writes its columns back (every data file rewritten) and then refreshes the
 * collection's indexes: the refresh carries the index over to the new files instead of re-indexing.
 * 9,000 rows: above the exact-scoring shortcut of an index segment.
 */
class CurationIndexCarryOverTest {
  @TempDir Path dir;

  @Test
  void clusterRefreshesTheIndexWithoutReindexing() throws Exception {
    String lake = dir.resolve("lake").toString();
    try (Lakehouse l = Lakehouse.open(lake)) {
      Collection c = l.createCollection("docs", TestData.schema(8), Metric.COSINE, false);
      TestData.insert(c, 0, 4_500, 8, 1);
      TestData.insert(c, 4_500, 4_500, 8, 2);
      l.indexes().build(c.refreshMetadata(), "embedding", null, IndexParams.defaults());
    }

    PrintStream out = System.out;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      code = Main.run("cluster", "docs", "--lakehouse", lake, "--k", "4");
    } finally {
      System.setOut(out);
    }
    String printed = o.toString(StandardCharsets.UTF_8);

    assertThat(code).as(printed).isZero();
    assertThat(printed)
        .contains("\"mode\":\"carried\"")
        .contains("\"rows_built\":0,")
        .contains("\"rows_carried\":9000,");
  }
}
