package io.lakebeam.core.maintain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.TestData;
import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expiry removes old snapshots but keeps those an index or a context package pins. */
class SnapshotExpiryTest {
  static final int DIM = 8;
  @TempDir Path dir;

  @Test
  void keepsPinnedSnapshotsAndExpiresTheOthers() throws IOException {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
      List<Long> s = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        TestData.insert(c, i * 20, 20, DIM, i);
        s.add(c.refreshMetadata().snapshotId());
        if (i == 3) {
          lake.indexes().build(c, "embedding", null, IndexParams.defaults()); // pins s[3]
        }
      }

      SnapshotExpiry.Result r =
          SnapshotExpiry.of(c)
              .olderThan(Duration.ZERO)
              .retainLast(1)
              .withPins(Set.of(s.get(1))) // a context package's source snapshot
              .run();

      assertThat(r.expired()).containsExactlyInAnyOrder(s.get(0), s.get(2));
      assertThat(snapshots(c)).containsExactlyInAnyOrder(s.get(1), s.get(3), s.get(4), s.get(5));
      assertThat(c.table().refs()).containsKey(SnapshotExpiry.PIN_TAG_PREFIX + s.get(1));
      SearchRequest q = new SearchRequest(null, new float[][] {new float[DIM]}, 3, 0, null);
      q.queries()[0][0] = 1f;
      assertThat(lake.indexes().searchAt(c, q, s.get(1)).get(0)).hasSize(3);
      assertThatThrownBy(() -> lake.indexes().searchAt(c, q, s.get(0)))
          .hasMessageContaining("no longer exists");
      assertThat(lake.indexes().search(c, q).get(0)).hasSize(3);

      assertThat(c.table().refs()).containsKey(SnapshotExpiry.INDEX_PIN_TAG_PREFIX + s.get(3));
      // a run not given the packages' pins keeps the earlier ones
      assertThat(SnapshotExpiry.of(c).olderThan(Duration.ZERO).retainLast(1).run().expired())
          .isEmpty();
      // the package is gone (no pins): its tag goes, and its snapshot with it
      SnapshotExpiry.Result again =
          SnapshotExpiry.of(c).olderThan(Duration.ZERO).retainLast(1).withPins(Set.of()).run();
      assertThat(again.expired()).containsExactly(s.get(1));
      assertThat(c.table().refs()).doesNotContainKey(SnapshotExpiry.PIN_TAG_PREFIX + s.get(1));
      assertThat(snapshots(c)).containsExactlyInAnyOrder(s.get(3), s.get(4), s.get(5));
    }
  }

  @Test
  void defaultsKeepRecentSnapshots() throws IOException {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
      for (int i = 0; i < 3; i++) {
        TestData.insert(c, i * 20, 20, DIM, i);
      }
      assertThat(SnapshotExpiry.of(c).run().expired()).isEmpty();
      assertThatThrownBy(() -> SnapshotExpiry.of(c).retainLast(0))
          .hasMessageContaining("Cannot retain the last 0 snapshots");
    }
  }

  private static List<Long> snapshots(Collection c) {
    List<Long> out = new ArrayList<>();
    for (Snapshot snap : c.refreshMetadata().table().snapshots()) {
      out.add(snap.snapshotId());
    }
    return out;
  }
}
