package io.lakebeam.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import io.lakebeam.core.filter.RowFilter;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.ColumnCache;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter cache holds at most its budget in bytes, however many distinct filters arrive. */
class FilterCacheBytesTest {
  @TempDir Path dir;

  @Test
  void manyDistinctFiltersStayWithinTheByteBudget() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(4), Metric.COSINE, false);
      TestData.insert(c.refreshMetadata(), 0, 5_000, 4, 1);
      String file = c.refreshMetadata().liveFiles().get(0).path().toString();
      long budget = 64 * 1024;
      FilterCache cache = new FilterCache(new ColumnCache(1L << 26), budget);
      for (int id = 0; id < 2_000; id++) {
        RowFilter e = RowFilter.parse("id = " + id, c.schema());
        BitSet bits = cache.matches(c.table(), file, e);
        assertThat(bits.cardinality()).isEqualTo(1);
        assertThat(cache.bytes()).isLessThanOrEqualTo(budget);
      }
      // 2,000 bit sets of 5,000 rows (625 bytes each) would be 1.25 MB: most were evicted
      assertThat(cache.entries()).isLessThan(2_000).isGreaterThan(10);
      RowFilter last = RowFilter.parse("id = 1999", c.schema());
      assertThat(cache.matches(c.table(), file, last).get(1999)).isTrue();
    }
  }
}
