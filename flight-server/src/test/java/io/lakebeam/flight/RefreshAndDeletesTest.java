package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.id;
import static io.lakebeam.flight.FlightFixture.list;
import static io.lakebeam.flight.FlightFixture.searchTicket;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.lake.Collection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Index freshness after inserts (refresh), and rows removed by Iceberg deletes never come back. */
class RefreshAndDeletesTest {
  @TempDir Path dir;

  @Test
  void searchSeesNewRowsBeforeRefreshAndRefreshIndexesThem() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      f.createDocs("docs");
      List<float[]> vectors = new ArrayList<>(FlightFixture.vectors(150, 1));
      f.putDocs("docs", 0, vectors);
      f.action("create_index", Map.of("collection", "docs"));
      assertThat(list(f.describe("docs"), "indexes").get(0))
          .containsEntry("stale", false)
          .containsEntry("rows", 150);

      List<float[]> more = FlightFixture.vectors(10, 2);
      vectors.addAll(more);
      f.putDocs("docs", 150, more);
      Map<String, Object> stale = f.describe("docs");
      assertThat(stale).containsEntry("row_count", 160);
      assertThat(list(stale, "indexes").get(0))
          .containsEntry("stale", true)
          .containsEntry("rows", 150);

      // before refresh: the new file is searched exactly
      for (int id : new int[] {150, 155, 159}) {
        List<Map<String, Object>> hits =
            f.search(withIds(searchTicket("docs", List.of(vectors.get(id)), 3)));
        assertThat(id(hits.get(0))).isEqualTo(id);
      }

      Map<String, Object> refreshed = f.action("refresh", Map.of("collection", "docs"));
      assertThat(refreshed).containsEntry("added_files", 0).containsEntry("removed_files", 0);
      Map<String, Object> index = list(refreshed, "indexes").get(0);
      assertThat(index).containsEntry("field", "embedding").containsEntry("mode", "incremental");

      Map<String, Object> fresh = list(f.describe("docs"), "indexes").get(0);
      assertThat(fresh)
          .containsEntry("stale", false)
          .containsEntry("rows", 160)
          .containsEntry("segments", 2);
      for (int id : new int[] {3, 150, 155, 159}) {
        List<Map<String, Object>> hits =
            f.search(withIds(searchTicket("docs", List.of(vectors.get(id)), 3)));
        assertThat(id(hits.get(0))).isEqualTo(id);
      }

      // a second refresh has nothing to index
      assertThat(list(f.action("refresh", Map.of("collection", "docs")), "indexes").get(0))
          .containsEntry("mode", "metadata");
    }
  }

  @Test
  void rowsOfDeletedFilesAndPositionDeletesAreNeverReturned() throws Exception {
    // metadata refresh 0: commits made outside the server (here through the Iceberg API) are
    // seen by the next call, not only within the default 1 s
    try (FlightFixture f = FlightFixture.start(dir, b -> b.metadataRefreshMillis(0))) {
      f.createDocs("docs");
      List<float[]> vectors = new ArrayList<>();
      int[] puts = {40, 35, 25};
      for (int i = 0; i < puts.length; i++) {
        List<float[]> v = FlightFixture.vectors(puts[i], 20 + i);
        f.putDocs("docs", vectors.size(), v);
        vectors.addAll(v);
      }
      f.action("create_index", Map.of("collection", "docs", "field", "embedding"));

      // locate the file of rows 40..74 and of row 10 through the search results
      String secondFile =
          (String) f.search(searchTicket("docs", List.of(vectors.get(50)), 1)).get(0).get("_file");
      String firstFile =
          (String) f.search(searchTicket("docs", List.of(vectors.get(10)), 1)).get(0).get("_file");
      Collection c = f.lake.collection("docs");
      Table table = c.table();
      table.newDelete().deleteFile(secondFile).commit();
      deletePosition(table, firstFile, 10);

      List<Long> expected =
          LongStream.range(0, 100).filter(i -> i != 10 && (i < 40 || i >= 75)).boxed().toList();
      // indexed search: the index still holds the removed rows, the search must skip them
      assertNotReturned(f, vectors, expected);
      assertThat(readIds(f)).containsExactlyInAnyOrderElementsOf(expected);

      // describe shows the index as stale; refresh drops the removed rows from it
      assertThat(list(f.describe("docs"), "indexes").get(0)).containsEntry("stale", true);
      f.action("refresh", Map.of("collection", "docs"));
      assertThat(list(f.describe("docs"), "indexes").get(0)).containsEntry("stale", false);
      assertNotReturned(f, vectors, expected);

      // exact search (no index) skips them too
      f.action("drop_index", Map.of("collection", "docs", "field", "embedding"));
      assertThat(list(f.describe("docs"), "indexes")).isEmpty();
      assertNotReturned(f, vectors, expected);
    }
  }

  private static void assertNotReturned(
      FlightFixture f, List<float[]> vectors, List<Long> expected) {
    for (int deleted : new int[] {10, 40, 50, 74}) {
      List<Map<String, Object>> hits =
          f.search(withIds(searchTicket("docs", List.of(vectors.get(deleted)), 5)));
      assertThat(hits)
          .hasSize(5)
          .extracting(FlightFixture::id)
          .doesNotContain((long) deleted)
          .isSubsetOf(expected);
    }
    List<Map<String, Object>> all =
        f.search(withIds(searchTicket("docs", List.of(vectors.get(0)), 1000)));
    assertThat(all).extracting(FlightFixture::id).containsExactlyInAnyOrderElementsOf(expected);
    Map<String, Object> filtered = withIds(searchTicket("docs", List.of(vectors.get(0)), 1000));
    filtered.put("filter", "id >= 5 AND id <= 45");
    assertThat(f.search(filtered))
        .extracting(FlightFixture::id)
        .containsExactlyInAnyOrderElementsOf(
            expected.stream().filter(i -> i >= 5 && i <= 45).toList());
  }

  private static List<Long> readIds(FlightFixture f) {
    FlightInfo info = f.client.getInfo(FlightDescriptor.path("docs"));
    List<Long> ids = new ArrayList<>();
    for (FlightEndpoint e : info.getEndpoints()) {
      f.get(e.getTicket()).forEach(r -> ids.add(id(r)));
    }
    return ids;
  }

  private static Map<String, Object> withIds(Map<String, Object> ticket) {
    ticket.put("output_fields", List.of("id"));
    return ticket;
  }

  /** Commits an Iceberg position delete of one row. */
  static void deletePosition(Table table, String dataFile, long pos) throws Exception {
    String path =
        table.locationProvider().newDataLocation("deletes-" + UUID.randomUUID() + ".parquet");
    PositionDeleteWriter<Record> writer =
        Parquet.writeDeletes(table.io().newOutputFile(path))
            .withSpec(PartitionSpec.unpartitioned())
            .overwrite()
            .buildPositionWriter();
    try (writer) {
      PositionDelete<Record> delete = PositionDelete.create();
      writer.write(delete.set(dataFile, pos, null));
    }
    table.newRowDelta().addDeletes(writer.toDeleteFile()).commit();
  }
}
