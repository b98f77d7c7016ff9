package io.lakebeam.core.eval;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.ColumnCache;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Reads a queries table: {@code query_id} (string or whole number), an optional {@code text} column
 * and any number of {@code list<float>} columns, each a query vector for the vector field of the
 * same name.
 *
 * <pre>{@code
 * List<EvalQuery> queries = EvalQueries.read(lake.collection("kb.eval_queries"));
 * }</pre>
 */
public final class EvalQueries {
  public static final String QUERY_ID = "query_id";
  public static final String TEXT = "text";

  private EvalQueries() {}

  /** Every live row of the table as a query, in file order. */
  public static List<EvalQuery> read(Collection table) {
    org.apache.iceberg.Schema schema = table.schema();
    if (schema.findField(QUERY_ID) == null) {
      throw LakebeamException.invalid(
          "Cannot read queries from '%s': it has no column 'query_id'; a queries table has"
              + " query_id, text and/or a vector column per field (its columns are %s)",
          table.name(), schema.columns().stream().map(Types.NestedField::name).toList());
    }
    List<String> vectorColumns = new ArrayList<>();
    for (Types.NestedField f : schema.columns()) {
      if (f.type().typeId() == Type.TypeID.LIST
          && f.type().asListType().elementType().typeId() == Type.TypeID.FLOAT) {
        vectorColumns.add(f.name());
      }
    }
    boolean hasText = schema.findField(TEXT) != null;
    if (!hasText && vectorColumns.isEmpty()) {
      throw LakebeamException.invalid(
          "Cannot read queries from '%s': it has neither a 'text' column nor a vector column",
          table.name());
    }
    List<String> columns = new ArrayList<>(List.of(QUERY_ID));
    if (hasText) {
      columns.add(TEXT);
    }
    columns.addAll(vectorColumns);
    List<Record> rows =
        LiveRows.readAll(table.table(), TableState.of(table.table()), schema.select(columns));
    List<EvalQuery> out = new ArrayList<>(rows.size());
    for (Record r : rows) {
      Object id = r.getField(QUERY_ID);
      Map<String, float[]> vectors = new HashMap<>();
      for (String v : vectorColumns) {
        Object value = r.getField(v);
        if (value != null) {
          vectors.put(v, ColumnCache.toFloats(value));
        }
      }
      Object text = hasText ? r.getField(TEXT) : null;
      out.add(
          new EvalQuery(
              id == null ? null : id.toString(), text == null ? null : text.toString(), vectors));
    }
    if (out.isEmpty()) {
      throw LakebeamException.invalid(
          "Cannot evaluate with queries table '%s': it has no rows", table.name());
    }
    return out;
  }
}
