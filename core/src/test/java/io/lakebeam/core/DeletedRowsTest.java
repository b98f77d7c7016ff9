package io.lakebeam.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows deleted after indexing (whole files, or position deletes from another engine) never come
 * back.
 */
class DeletedRowsTest {
  static final int DIM = 16;
  @TempDir Path dir;

  @Test
  void positionDeletesAndRemovedFilesAreMasked() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c =
          lake.createCollection("docs", LakehouseIndexTest.schema(DIM), Metric.COSINE, false);
      List<float[]> a = TestData.insert(c, 0, 200, DIM, 1);
      List<float[]> b = TestData.insert(c, 200, 200, DIM, 2);
      lake.indexes().build(c, "embedding", null, IndexParams.defaults());
      List<DataFile> files = c.liveFiles();
      DataFile fileA = files.stream().filter(f -> f.recordCount() == 200).findFirst().orElseThrow();

      String pathOfA = search(lake, c, a.get(42), 1).get(0).file();
      deletePosition(c.table(), pathOfA, 42);
      c.refreshMetadata();
      List<SearchHit> hits = search(lake, c, a.get(42), 400);
      assertThat(hits).hasSize(399).noneMatch(h -> h.file().equals(pathOfA) && h.pos() == 42);

      String pathOfB = search(lake, c, b.get(7), 1).get(0).file();
      c.table().newDelete().deleteFile(pathOfB).commit();
      c.refreshMetadata();
      hits = search(lake, c, b.get(7), 400);
      assertThat(hits).hasSize(199).noneMatch(h -> h.file().equals(pathOfB));
      // with a filter, on the exact path too
      hits =
          lake.indexes()
              .search(c, new SearchRequest(null, new float[][] {a.get(42)}, 400, 0, "year >= 2010"))
              .get(0);
      assertThat(hits).hasSize(199).noneMatch(h -> h.file().equals(pathOfA) && h.pos() == 42);
      assertThat(fileA.recordCount()).isEqualTo(200);
    }
  }

  private static List<SearchHit> search(Lakehouse lake, Collection c, float[] q, int k) {
    return lake.indexes().search(c, new SearchRequest(null, new float[][] {q}, k, 0, null)).get(0);
  }

  private static void deletePosition(Table table, String dataFile, long pos) throws Exception {
    String path =
        table.locationProvider().newDataLocation("delete-" + UUID.randomUUID() + ".parquet");
    PositionDeleteWriter<Record> writer =
        Parquet.writeDeletes(table.io().newOutputFile(path))
            .withSpec(PartitionSpec.unpartitioned())
            .setAll(table.properties())
            .overwrite()
            .buildPositionWriter();
    try (writer) {
      PositionDelete<Record> d = PositionDelete.create();
      writer.write(d.set(dataFile, pos, null));
    }
    DeleteFile deletes = writer.toDeleteFile();
    table.newRowDelta().addDeletes(deletes).commit();
  }
}
