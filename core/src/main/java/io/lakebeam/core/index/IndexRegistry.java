package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.puffin.Blob;
import org.apache.iceberg.puffin.BlobMetadata;
import org.apache.iceberg.puffin.Puffin;
import org.apache.iceberg.puffin.PuffinReader;
import org.apache.iceberg.puffin.PuffinWriter;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.Pair;

/**
 * Registers index manifests in a table's metadata and finds them again.
 *
 * <p>A manifest is a Puffin file (one blob of type {@value IndexManifest#BLOB_TYPE}) in the table's
 * {@code metadata/} folder; the table property {@code lakebeam.index.<field>.manifest} points at
 * the one in force and {@code lakebeam.index.<field>.snapshot-id} names the snapshot it covers.
 * Switching the property is one atomic Iceberg metadata commit. (Iceberg statistics files would be
 * the natural place, but pyiceberg 0.12 refuses to load a table whose statistics hold a blob type
 * it does not know, so the pointer lives in properties, which every engine tolerates.)
 */
final class IndexRegistry {
  static final String PREFIX = "lakebeam.index.";
  static final String FIELD_PROPERTY = "field";

  private IndexRegistry() {}

  /**
   * A new segment's location without suffix: {@code
   * <table>/lakebeam-index/field-<id>/segment-<uuid>}. Index files are named by the Iceberg field
   * id, never by the column name, so no name can lead a file out of the table's location; a
   * manifest records full paths, so segments written under the older {@code lakebeam-index/<name>/}
   * layout stay readable.
   */
  static String newSegmentBase(Table table, String field) {
    return table.location()
        + "/lakebeam-index/field-"
        + fieldId(table, field)
        + "/segment-"
        + UUID.randomUUID();
  }

  static int fieldId(Table table, String field) {
    Types.NestedField f = table.schema().findField(field);
    if (f == null) {
      throw LakebeamException.notFound(
          "Cannot index column '%s': the table has no such column", field);
    }
    return f.fieldId();
  }

  static String manifestKey(String field) {
    return PREFIX + field + ".manifest";
  }

  static String snapshotKey(String field) {
    return PREFIX + field + ".snapshot-id";
  }

  /** The newest manifest of a field, if any. */
  static Optional<IndexManifest> find(Table table, String field) {
    return locate(table, field).map(path -> read(table, path, field));
  }

  /** The location of the manifest in force for a field (metadata only, no I/O). */
  static Optional<String> locate(Table table, String field) {
    return Optional.ofNullable(table.properties().get(manifestKey(field)));
  }

  /** Reads a field's manifest out of its Puffin file; a null field takes the file's first one. */
  static IndexManifest read(Table table, String path, String field) {
    InputFile in = table.io().newInputFile(path);
    try (PuffinReader reader = Puffin.read(in).build()) {
      List<BlobMetadata> blobs = reader.fileMetadata().blobs();
      for (Pair<BlobMetadata, ByteBuffer> blob : reader.readAll(blobs)) {
        BlobMetadata m = blob.first();
        if (IndexManifest.BLOB_TYPE.equals(m.type())
            && (field == null || field.equals(m.properties().get(FIELD_PROPERTY)))) {
          ByteBuffer b = blob.second().duplicate();
          byte[] bytes = new byte[b.remaining()];
          b.get(bytes);
          return IndexManifest.fromJson(bytes);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw LakebeamException.internal(
          "Cannot read index manifest "
              + path
              + " of "
              + field
              + "; rebuild the index (create_index)",
          e);
    }
    throw LakebeamException.internal(
        "Index manifest " + path + " holds no index of " + field, null);
  }

  /** Writes a manifest and makes it the one in force, in one metadata commit. */
  static String commit(Table table, IndexManifest manifest) {
    long snapshotId = manifest.snapshotId();
    Snapshot snapshot = table.snapshot(snapshotId);
    if (snapshot == null) {
      throw LakebeamException.internal(
          "Cannot register index: snapshot " + snapshotId + " no longer exists", null);
    }
    Types.NestedField f = table.schema().findField(manifest.field());
    String path =
        table.location()
            + "/metadata/lakebeam-index-field-"
            + (f == null ? 0 : f.fieldId())
            + "-"
            + snapshotId
            + "-"
            + UUID.randomUUID()
            + ".puffin";
    try (PuffinWriter writer =
        Puffin.write(table.io().newOutputFile(path)).createdBy("lakebeam").build()) {
      writer.add(
          new Blob(
              IndexManifest.BLOB_TYPE,
              List.of(f == null ? 0 : f.fieldId()),
              snapshotId,
              snapshot.sequenceNumber(),
              ByteBuffer.wrap(manifest.toJson()),
              null,
              Map.of(FIELD_PROPERTY, manifest.field())));
      writer.finish();
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot write index manifest " + path, e);
    }
    table
        .updateProperties()
        .set(manifestKey(manifest.field()), path)
        .set(snapshotKey(manifest.field()), Long.toString(snapshotId))
        .commit();
    return path;
  }

  /** Removes a field's index from the table's metadata; false when it had none. */
  static boolean drop(Table table, String field) {
    if (locate(table, field).isEmpty()) {
      return false;
    }
    table.updateProperties().remove(manifestKey(field)).remove(snapshotKey(field)).commit();
    return true;
  }
}
