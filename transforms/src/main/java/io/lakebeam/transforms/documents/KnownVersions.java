package io.lakebeam.transforms.documents;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.Schema;

/** Reads {@code doc_id -> content_hash} of a documents table at one snapshot. */
final class KnownVersions {
  private KnownVersions() {}

  static Map<String, String> read(Collection documents, long snapshotId) {
    TableState state = TableState.of(documents.table(), snapshotId);
    Schema projection = documents.schema().select(DocumentRows.DOC_ID, DocumentRows.CONTENT_HASH);
    Map<String, String> versions = new HashMap<>();
    for (String path : state.paths()) {
      LiveRows.forEachInFile(
          documents.table(),
          state,
          path,
          projection,
          r ->
              versions.put(
                  (String) r.getField(DocumentRows.DOC_ID),
                  (String) r.getField(DocumentRows.CONTENT_HASH)));
    }
    return versions;
  }
}
