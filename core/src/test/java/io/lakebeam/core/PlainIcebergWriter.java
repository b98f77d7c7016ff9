package io.lakebeam.core;

import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.rest.RESTCatalog;

/**
 * Another engine on a Lakebeam table: a plain Iceberg {@code RESTCatalog} client that appends
 * {@link TestData}-shaped rows ({@code text = "second writer row <id>"}) as one Parquet file per
 * commit, with seeded vectors.
 *
 * <pre>{@code
 * try (RESTCatalog other = PlainIcebergWriter.client(rest, "spark-like")) {
 *   PlainIcebergWriter.append(other.loadTable(id), 100_000, 200, 8, 1);
 * }
 * }</pre>
 */
public final class PlainIcebergWriter {
  private PlainIcebergWriter() {}

  /** A plain Iceberg REST client of {@code server}, independent of any Lakehouse. */
  public static RESTCatalog client(RestCatalogServer server, String name) {
    RESTCatalog catalog = new RESTCatalog();
    catalog.setConf(new Configuration());
    catalog.initialize(name, server.icebergClientProperties());
    return catalog;
  }

  /** Row {@code i}'s vector in a batch appended with {@code seed}. */
  public static float[] vector(long seed, int i, int dim) {
    Random rnd = new Random(seed);
    float[] v = null;
    for (int k = 0; k <= i; k++) {
      v = TestData.vector(rnd, dim);
    }
    return v;
  }

  /**
   * Appends {@code n} rows with ids from {@code firstId} in one file and one commit (Iceberg
   * retries it on a conflict); returns the table's snapshot after the commit.
   */
  public static Snapshot append(Table t, int firstId, int n, int dim, long seed) throws Exception {
    String path = t.locationProvider().newDataLocation("other-writer-" + firstId + ".parquet");
    DataWriter<Record> writer =
        Parquet.writeData(t.io().newOutputFile(path))
            .schema(t.schema())
            .createWriterFunc(GenericParquetWriter::buildWriter)
            .withSpec(PartitionSpec.unpartitioned())
            .overwrite()
            .build();
    Random rnd = new Random(seed);
    try (writer) {
      for (int i = 0; i < n; i++) {
        Record r = GenericRecord.create(t.schema());
        r.setField("id", (long) (firstId + i));
        r.setField("lang", "en");
        r.setField("year", 2024);
        r.setField("text", "second writer row " + (firstId + i));
        r.setField("embedding", TestData.boxed(TestData.vector(rnd, dim)));
        writer.write(r);
      }
    }
    t.newAppend().appendFile(writer.toDataFile()).commit();
    return t.currentSnapshot();
  }
}
