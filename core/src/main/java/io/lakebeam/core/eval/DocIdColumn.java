package io.lakebeam.core.eval;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.types.Types;

/**
 * The document id of every live row of a collection at one snapshot, by {@code _file} and {@code
 * _pos}: how retrieved rows (chunks) are credited to the documents the qrels judge.
 *
 * <p>The rule: a system's ranked rows become a ranking of documents in the order of each document's
 * first (best-ranked) row; later rows of the same document are dropped, so a document counts once,
 * at the rank of its best chunk. With qrels on chunk ids, name the chunk id column and every row is
 * its own document.
 *
 * <pre>{@code
 * DocIdColumn docs = DocIdColumn.read(chunks, "doc_id");
 * List<String> ranking = docs.ranking(rows);   // distinct doc ids, best first
 * }</pre>
 *
 * <p>Immutable after construction; thread-safe.
 */
public final class DocIdColumn {
  private final String column;
  private final long snapshotId;
  private final Map<String, String[]> idsByFile;
  private final Set<String> values;

  private DocIdColumn(
      String column, long snapshotId, Map<String, String[]> idsByFile, Set<String> values) {
    this.column = column;
    this.snapshotId = snapshotId;
    this.idsByFile = idsByFile;
    this.values = values;
  }

  /** Reads {@code column} of every live row of the collection's current snapshot. */
  public static DocIdColumn read(Collection c, String column) {
    Types.NestedField field = c.schema().findField(column);
    if (field == null) {
      throw LakebeamException.invalid(
          "Cannot map results to documents: collection '%s' has no column '%s'; name the column"
              + " the qrels doc ids refer to with --doc-id-column (its columns are %s)",
          c.name(), column, c.schema().columns().stream().map(Types.NestedField::name).toList());
    }
    if (!field.type().isPrimitiveType()) {
      throw LakebeamException.invalid(
          "Cannot map results to documents with column '%s' of '%s': it is %s; use a string or"
              + " number column",
          column, c.name(), field.type());
    }
    TableState state = TableState.of(c.table());
    Map<String, String[]> byFile = new HashMap<>();
    Set<String> values = new LinkedHashSet<>();
    for (String path : state.paths()) {
      int rows = Math.toIntExact(state.files().get(path).recordCount());
      String[] ids = new String[rows];
      LiveRows.forEachInFile(
          c.table(),
          state,
          path,
          c.schema().select(column),
          (pos, r) -> {
            Object v = r.getField(column);
            if (v != null) {
              ids[(int) pos] = v.toString();
              values.add(ids[(int) pos]);
            }
          });
      byFile.put(path, ids);
    }
    return new DocIdColumn(column, state.snapshotId(), byFile, values);
  }

  /** The column's name. */
  public String column() {
    return column;
  }

  /** The snapshot the ids were read at. */
  public long snapshotId() {
    return snapshotId;
  }

  /** Whether some live row has this document id. */
  public boolean contains(String docId) {
    return values.contains(docId);
  }

  /** A few document ids of the collection, for error messages. */
  List<String> examples(int n) {
    return values.stream().limit(n).toList();
  }

  /** The distinct document ids of {@code rows}, in the order of each one's first row. */
  public List<String> ranking(List<RetrievedRow> rows) {
    Set<String> seen = new LinkedHashSet<>();
    for (RetrievedRow r : rows) {
      String[] ids = idsByFile.get(r.file());
      if (ids != null && r.pos() >= 0 && r.pos() < ids.length && ids[(int) r.pos()] != null) {
        seen.add(ids[(int) r.pos()]);
      }
    }
    return new ArrayList<>(seen);
  }
}
