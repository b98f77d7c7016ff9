package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.GenericBlobMetadata;
import org.apache.iceberg.GenericStatisticsFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateStatistics;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.puffin.Blob;
import org.apache.iceberg.puffin.BlobMetadata;
import org.apache.iceberg.puffin.Puffin;
import org.apache.iceberg.puffin.PuffinReader;
import org.apache.iceberg.puffin.PuffinWriter;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.Pair;

/**
 * Registers index manifests in a table's metadata as Iceberg statistics files (Puffin), one per
 * snapshot, and finds them again. Blobs of other fields, or of other writers, in the same
 * statistics file are carried over unchanged.
 */
final class IndexRegistry {
  static final String FIELD_PROPERTY = "field";

  private IndexRegistry() {}

  /** The newest manifest of a field, if any. */
  static Optional<IndexManifest> find(Table table, String field) {
    return locate(table, field).map(sf -> read(table, sf, field));
  }

  /** The statistics file holding the newest manifest of a field (metadata only, no I/O). */
  static Optional<StatisticsFile> locate(Table table, String field) {
    StatisticsFile best = null;
    long bestSeq = Long.MIN_VALUE;
    for (StatisticsFile sf : table.statisticsFiles()) {
      for (org.apache.iceberg.BlobMetadata bm : sf.blobMetadata()) {
        if (isOurs(bm.type(), bm.properties(), field)) {
          long seq = sequenceOf(table, sf.snapshotId());
          if (best == null || seq > bestSeq) {
            best = sf;
            bestSeq = seq;
          }
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** Reads a field's manifest out of a statistics file. */
  static IndexManifest read(Table table, StatisticsFile sf, String field) {
    for (Pair<BlobMetadata, ByteBuffer> blob : readAll(table, sf)) {
      if (isOurs(blob.first().type(), blob.first().properties(), field)) {
        ByteBuffer b = blob.second();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return IndexManifest.fromJson(bytes);
      }
    }
    throw LakebeamException.internal(
        "Statistics file " + sf.path() + " lost the index of " + field, null);
  }

  /** Writes a manifest into the statistics file of its snapshot and commits it. */
  static void commit(Table table, IndexManifest manifest) {
    long snapshotId = manifest.snapshotId();
    Snapshot snapshot = table.snapshot(snapshotId);
    if (snapshot == null) {
      throw LakebeamException.internal(
          "Cannot register index: snapshot " + snapshotId + " no longer exists", null);
    }
    List<Blob> blobs = new ArrayList<>();
    StatisticsFile existing = statisticsFileOf(table, snapshotId);
    if (existing != null) {
      for (Pair<BlobMetadata, ByteBuffer> b : readAll(table, existing)) {
        if (!isOurs(b.first().type(), b.first().properties(), manifest.field())) {
          BlobMetadata m = b.first();
          blobs.add(
              new Blob(
                  m.type(),
                  m.inputFields(),
                  m.snapshotId(),
                  m.sequenceNumber(),
                  b.second(),
                  null,
                  m.properties()));
        }
      }
    }
    Types.NestedField f = table.schema().findField(manifest.field());
    blobs.add(
        new Blob(
            IndexManifest.BLOB_TYPE,
            List.of(f == null ? 0 : f.fieldId()),
            snapshotId,
            snapshot.sequenceNumber(),
            ByteBuffer.wrap(manifest.toJson()),
            null,
            Map.of(FIELD_PROPERTY, manifest.field())));
    StatisticsFile written = write(table, snapshotId, blobs);
    table.updateStatistics().setStatistics(snapshotId, written).commit();
  }

  /** Removes a field's manifests from every statistics file of the table. */
  static int drop(Table table, String field) {
    int dropped = 0;
    UpdateStatistics update = table.updateStatistics();
    for (StatisticsFile sf : table.statisticsFiles()) {
      boolean ours =
          sf.blobMetadata().stream().anyMatch(b -> isOurs(b.type(), b.properties(), field));
      if (!ours) {
        continue;
      }
      dropped++;
      List<Blob> keep = new ArrayList<>();
      for (Pair<BlobMetadata, ByteBuffer> b : readAll(table, sf)) {
        BlobMetadata m = b.first();
        if (!isOurs(m.type(), m.properties(), field)) {
          keep.add(
              new Blob(
                  m.type(),
                  m.inputFields(),
                  m.snapshotId(),
                  m.sequenceNumber(),
                  b.second(),
                  null,
                  m.properties()));
        }
      }
      if (keep.isEmpty()) {
        update.removeStatistics(sf.snapshotId());
      } else {
        update.setStatistics(sf.snapshotId(), write(table, sf.snapshotId(), keep));
      }
    }
    if (dropped > 0) {
      update.commit();
    }
    return dropped;
  }

  private static StatisticsFile write(Table table, long snapshotId, List<Blob> blobs) {
    String path =
        table.location()
            + "/metadata/lakebeam-index-"
            + snapshotId
            + "-"
            + UUID.randomUUID()
            + ".stats";
    try (PuffinWriter writer =
        Puffin.write(table.io().newOutputFile(path)).createdBy("lakebeam").build()) {
      blobs.forEach(writer::add);
      writer.finish();
      List<org.apache.iceberg.BlobMetadata> meta =
          writer.writtenBlobsMetadata().stream().map(GenericBlobMetadata::from).toList();
      return new GenericStatisticsFile(
          snapshotId, path, writer.fileSize(), writer.footerSize(), meta);
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot write index statistics file " + path, e);
    }
  }

  private static List<Pair<BlobMetadata, ByteBuffer>> readAll(Table table, StatisticsFile sf) {
    InputFile in = table.io().newInputFile(sf.path(), sf.fileSizeInBytes());
    try (PuffinReader reader = Puffin.read(in).withFileSize(sf.fileSizeInBytes()).build()) {
      List<BlobMetadata> blobs = reader.fileMetadata().blobs();
      List<Pair<BlobMetadata, ByteBuffer>> out = new ArrayList<>();
      for (Pair<BlobMetadata, ByteBuffer> p : reader.readAll(blobs)) {
        ByteBuffer copy = ByteBuffer.allocate(p.second().remaining());
        copy.put(p.second().duplicate()).flip();
        out.add(Pair.of(p.first(), copy));
      }
      return out;
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot read statistics file " + sf.path(), e);
    }
  }

  private static StatisticsFile statisticsFileOf(Table table, long snapshotId) {
    return table.statisticsFiles().stream()
        .filter(s -> s.snapshotId() == snapshotId)
        .findFirst()
        .orElse(null);
  }

  private static long sequenceOf(Table table, long snapshotId) {
    Snapshot s = table.snapshot(snapshotId);
    return s == null ? Long.MIN_VALUE + 1 : s.sequenceNumber();
  }

  private static boolean isOurs(String type, Map<String, String> props, String field) {
    return IndexManifest.BLOB_TYPE.equals(type) && field.equals(props.get(FIELD_PROPERTY));
  }
}
