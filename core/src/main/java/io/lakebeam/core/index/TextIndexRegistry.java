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
import org.apache.iceberg.puffin.Blob;
import org.apache.iceberg.puffin.BlobMetadata;
import org.apache.iceberg.puffin.Puffin;
import org.apache.iceberg.puffin.PuffinReader;
import org.apache.iceberg.puffin.PuffinWriter;
import org.apache.iceberg.util.Pair;

/**
 * Registers text index manifests in a table's metadata as {@link IndexRegistry} does vector ones: a
 * Puffin file in {@code metadata/}, and the table properties {@code
 * lakebeam.text-index.<field>.manifest} and {@code .snapshot-id}, switched in one commit. Segment
 * files live beside the vector index's, under {@code lakebeam-index/field-<id>/}.
 */
final class TextIndexRegistry {
  static final String PREFIX = "lakebeam.text-index.";

  private TextIndexRegistry() {}

  static String manifestKey(String field) {
    return PREFIX + field + ".manifest";
  }

  static String snapshotKey(String field) {
    return PREFIX + field + ".snapshot-id";
  }

  /** The fields of a table that have a text index. */
  static List<String> fields(Table table) {
    return table.properties().keySet().stream()
        .filter(k -> k.startsWith(PREFIX) && k.endsWith(".manifest"))
        .map(k -> k.substring(PREFIX.length(), k.length() - ".manifest".length()))
        .sorted()
        .toList();
  }

  static Optional<String> locate(Table table, String field) {
    return Optional.ofNullable(table.properties().get(manifestKey(field)));
  }

  static Optional<TextIndexManifest> find(Table table, String field) {
    return locate(table, field).map(path -> read(table, path, field));
  }

  static TextIndexManifest read(Table table, String path, String field) {
    try (PuffinReader reader = Puffin.read(table.io().newInputFile(path)).build()) {
      List<BlobMetadata> blobs = reader.fileMetadata().blobs();
      for (Pair<BlobMetadata, ByteBuffer> blob : reader.readAll(blobs)) {
        if (TextIndexManifest.BLOB_TYPE.equals(blob.first().type())) {
          ByteBuffer b = blob.second().duplicate();
          byte[] bytes = new byte[b.remaining()];
          b.get(bytes);
          return TextIndexManifest.fromJson(bytes);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw LakebeamException.internal(
          "Cannot read text index manifest " + path + " of " + field + "; rebuild the index", e);
    }
    throw LakebeamException.internal("Manifest " + path + " holds no text index of " + field, null);
  }

  /** Writes a manifest and makes it the one in force, in one metadata commit. */
  static String commit(Table table, TextIndexManifest manifest) {
    Snapshot snapshot = table.snapshot(manifest.snapshotId());
    if (snapshot == null) {
      throw LakebeamException.internal(
          "Cannot register text index: snapshot " + manifest.snapshotId() + " no longer exists",
          null);
    }
    int fieldId = IndexRegistry.fieldId(table, manifest.field());
    String path =
        table.location()
            + "/metadata/lakebeam-text-index-field-"
            + fieldId
            + "-"
            + manifest.snapshotId()
            + "-"
            + UUID.randomUUID()
            + ".puffin";
    try (PuffinWriter writer =
        Puffin.write(table.io().newOutputFile(path)).createdBy("lakebeam").build()) {
      writer.add(
          new Blob(
              TextIndexManifest.BLOB_TYPE,
              List.of(fieldId),
              manifest.snapshotId(),
              snapshot.sequenceNumber(),
              ByteBuffer.wrap(manifest.toJson()),
              null,
              Map.of(IndexRegistry.FIELD_PROPERTY, manifest.field())));
      writer.finish();
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot write text index manifest " + path, e);
    }
    table
        .updateProperties()
        .set(manifestKey(manifest.field()), path)
        .set(snapshotKey(manifest.field()), Long.toString(manifest.snapshotId()))
        .commit();
    return path;
  }

  static boolean drop(Table table, String field) {
    if (locate(table, field).isEmpty()) {
      return false;
    }
    table.updateProperties().remove(manifestKey(field)).remove(snapshotKey(field)).commit();
    return true;
  }
}
