package io.lakebeam.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replaced index closes the segments its successor does not share, and only once the searches
 * still running on it are done; shared segments stay open.
 */
class IndexLifecycleTest {
  static final IndexParams PARAMS = IndexParams.fromMap(Map.of("m", 8, "ef_construction", 40));
  @TempDir Path dir;

  @Test
  void replacedSegmentsCloseAfterTheirLastSearch() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(16), Metric.COSINE, false);
      TestData.insert(c, 0, 2_000, 16, 1);
      lake.indexes().build(c, "embedding", null, PARAMS);
      ServingMemory memory = new ServingMemory(1L << 30);
      VectorIndex v1 = load(c.refreshMetadata().table(), null, memory);
      IndexSegment s1 = v1.segments().get(0);

      TestData.insert(c, 2_000, 500, 16, 2);
      lake.indexes().refresh(c);
      VectorIndex v2 = load(c.refreshMetadata().table(), v1, memory);
      assertThat(v2.segments()).hasSize(2).first().isSameAs(s1); // reused, not reloaded
      assertThat(v1.tryAcquire()).isTrue(); // a search still running on v1
      v1.retire();
      v1.release();
      assertThat(s1.closed()).isFalse(); // v2 holds it
      assertThat(v1.tryAcquire()).isFalse();

      lake.indexes().build(c, "embedding", null, PARAMS); // a fresh index: nothing shared
      assertThat(v2.tryAcquire()).isTrue();
      VectorIndex v3 = load(c.refreshMetadata().table(), v2, memory);
      v2.retire();
      IndexSegment s2 = v2.segments().get(1);
      assertThat(s1.closed()).isFalse(); // the search on v2 is not done
      assertThat(memory.used()).isEqualTo(v3.segments().get(0).residentBytes()); // room given back
      v2.release();
      assertThat(s1.closed()).isTrue();
      assertThat(s2.closed()).isTrue();
      assertThat(v3.segments().get(0).closed()).isFalse();
      v3.close();
      assertThat(v3.segments().get(0).closed()).isTrue();
    }
  }

  private static VectorIndex load(Table table, VectorIndex previous, ServingMemory memory) {
    String path = IndexRegistry.locate(table, "embedding").orElseThrow();
    IndexManifest manifest = IndexRegistry.read(table, path, "embedding");
    return VectorIndex.load(table.io(), path, manifest, previous, memory, false);
  }
}
