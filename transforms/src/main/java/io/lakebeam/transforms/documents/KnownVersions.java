package io.lakebeam.transforms.documents;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.DataFileReader;
import io.lakebeam.core.read.TableState;
import java.io.IOException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/** Reads {@code doc_id -> content_hash} of a documents table at one snapshot. */
final class KnownVersions {
  private KnownVersions() {}

  static Map<String, String> read(Collection documents, long snapshotId) {
    TableState state = TableState.of(documents.table(), snapshotId);
    Schema projection = documents.schema().select(DocumentRows.DOC_ID, DocumentRows.CONTENT_HASH);
    Map<String, String> versions = new HashMap<>();
    for (String path : state.paths()) {
      BitSet deleted = state.deletedPositions(path);
      int pos = 0;
      try (CloseableIterable<Record> rows =
          DataFileReader.read(documents.table(), path, projection)) {
        for (Record r : rows) {
          if (deleted == null || !deleted.get(pos)) {
            versions.put(
                (String) r.getField(DocumentRows.DOC_ID),
                (String) r.getField(DocumentRows.CONTENT_HASH));
          }
          pos++;
        }
      } catch (IOException e) {
        throw LakebeamException.internal("Cannot read " + path + " of " + documents.name(), e);
      }
    }
    return versions;
  }
}
