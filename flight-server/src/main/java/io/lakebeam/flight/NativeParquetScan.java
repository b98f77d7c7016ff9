package io.lakebeam.flight;

import io.lakebeam.core.LakebeamException;
import java.net.URI;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast path of batch reads: a local Parquet data file with no row-level work to do (no filter,
 * no deletes, no limit) is decoded by Arrow's native Parquet reader straight into Arrow batches,
 * without going through row objects. Used only when the file's Arrow types are exactly the types
 * the stream promised; otherwise the caller falls back to the row path.
 */
final class NativeParquetScan {
  private static final Logger LOG = LoggerFactory.getLogger(NativeParquetScan.class);
  private static final long BATCH_ROWS = 16_384;
  private static volatile boolean disabled = Boolean.getBoolean("lakebeam.read.native.disabled");

  private NativeParquetScan() {}

  /** A {@code file://} URI for a local path, or null when the file is not local. */
  static String localUri(String path) {
    if (path.startsWith("file:")) {
      return URI.create(path.startsWith("file:///") ? path : "file://" + path.substring(5))
          .toString();
    }
    return path.contains("://") ? null : Paths.get(path).toUri().toString();
  }

  /**
   * Streams every row of a file into {@code out} and returns the row count, or returns -1 without
   * sending anything when the native path cannot serve this file.
   */
  static long stream(
      String path,
      List<String> columns,
      VectorSchemaRoot out,
      BufferAllocator allocator,
      ServerStreamListener listener,
      StreamFlow flow) {
    if (disabled) {
      return -1;
    }
    long sent = 0;
    try {
      String uri = localUri(path);
      if (uri == null) {
        return -1;
      }
      try (FileSystemDatasetFactory factory =
              new FileSystemDatasetFactory(
                  allocator, NativeMemoryPool.getDefault(), FileFormat.PARQUET, uri);
          Dataset dataset = factory.finish();
          Scanner scanner =
              dataset.newScan(
                  new ScanOptions.Builder(BATCH_ROWS)
                      .columns(Optional.of(columns.toArray(new String[0])))
                      .build());
          ArrowReader reader = scanner.scanBatches()) {
        boolean checked = false;
        while (reader.loadNextBatch()) {
          VectorSchemaRoot batch = reader.getVectorSchemaRoot();
          if (!checked) {
            if (!sameTypes(batch.getSchema().getFields(), out.getSchema().getFields(), true)) {
              return -1;
            }
            checked = true;
          }
          if (!flow.ready()) {
            return sent; // cancelled: the caller sees it and stops
          }
          try (ArrowRecordBatch records = new VectorUnloader(batch).getRecordBatch()) {
            new VectorLoader(out).load(records);
          }
          listener.putNext();
          sent += batch.getRowCount();
        }
        return sent;
      }
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      LOG.warn(
          "Arrow's native Parquet reader is unavailable ({}); batch reads use the row path",
          e.toString());
      disabled = true;
      return -1;
    } catch (org.apache.arrow.flight.FlightRuntimeException e) {
      throw e; // the call's own status (its time ran out): not a reason to fall back
    } catch (Exception e) {
      if (sent > 0) {
        // Rows already went out: falling back would send them twice.
        throw LakebeamException.internal(
            "Cannot finish reading " + path + " after " + sent + " rows", e);
      }
      LOG.debug("Native scan of {} not possible: {}", path, e.toString());
      return -1;
    }
  }

  /**
   * Whether two field lists have the same types, field by field, and the same names when {@code
   * names}; children (list elements, named "element" or "item") are compared by type only.
   */
  static boolean sameTypes(List<Field> a, List<Field> b, boolean names) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      Field x = a.get(i);
      Field y = b.get(i);
      if ((names && !x.getName().equals(y.getName()))
          || !x.getType().equals(y.getType())
          || !sameTypes(x.getChildren(), y.getChildren(), false)) {
        return false;
      }
    }
    return true;
  }
}
