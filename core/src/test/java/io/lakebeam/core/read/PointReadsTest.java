package io.lakebeam.core.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.TableProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output fields are read by row group: a few rows of a file with many row groups cost a few groups,
 * not whole columns, and give the same values.
 */
class PointReadsTest {
  static final int ROWS = 6_000;
  static final List<String> COLUMNS = List.of("id", "text", "embedding");
  @TempDir Path dir;

  @Test
  void readsOnlyTheRowGroupsThatHoldTheRows() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(32), Metric.COSINE, false);
      c.table()
          .updateProperties()
          .set(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "32768")
          .set(TableProperties.PARQUET_ROW_GROUP_CHECK_MIN_RECORD_COUNT, "50")
          .set(TableProperties.PARQUET_ROW_GROUP_CHECK_MAX_RECORD_COUNT, "100")
          .commit();
      TestData.insert(c.refreshMetadata(), 0, ROWS, 32, 3);
      String file = c.refreshMetadata().liveFiles().get(0).path().toString();
      RowGroupLayout layout = RowGroupLayout.read(c.table().io(), file);
      assertThat(layout.groups()).isGreaterThan(10);
      assertThat(layout.rowCount()).isEqualTo(ROWS);

      ColumnCache whole = new ColumnCache(1L << 30);
      Map<String, Object> columns = whole.columns(c.table(), file, COLUMNS);
      ColumnCache points = new ColumnCache(1L << 30);
      long[] positions = {0, 7, ROWS / 2, ROWS - 1};
      ColumnCache.Rows rows = points.rows(c.table(), file, COLUMNS, positions);

      for (long p : positions) {
        assertThat(rows.get("id", p)).isEqualTo(((Object[]) columns.get("id"))[(int) p]);
        assertThat(rows.get("id", p)).isEqualTo(p);
        assertThat(rows.get("text", p)).isEqualTo("row " + p);
        assertThat((float[]) rows.get("embedding", p))
            .containsExactly(((float[][]) columns.get("embedding"))[(int) p]);
      }
      // three row groups (0 and 7 share the first), far less than the whole columns
      assertThat(points.bytes()).isLessThan(whole.bytes() / 4);
      long cached = points.bytes();
      points.rows(c.table(), file, COLUMNS, new long[] {1, ROWS - 2});
      assertThat(points.bytes()).isEqualTo(cached); // same groups: served from the cache
    }
  }

  @Test
  void singleRowGroupFilesAreReadWhole() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(8), Metric.COSINE, false);
      TestData.insert(c, 0, 500, 8, 4);
      String file = c.refreshMetadata().liveFiles().get(0).path().toString();
      ColumnCache cache = new ColumnCache(1L << 30);
      ColumnCache.Rows rows = cache.rows(c.table(), file, List.of("id"), new long[] {42});
      assertThat(rows.get("id", 42)).isEqualTo(42L);
      assertThat(rows.get("id", 499)).isEqualTo(499L);
    }
  }
}
