package io.lakebeam.transforms.eval;

import io.lakebeam.core.eval.EvalQueries;
import io.lakebeam.core.eval.EvalQuery;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;

/**
 * A queries-table row ({@code query_id}, optional {@code text}, any float-array columns as query
 * vectors) as an {@link EvalQuery}, keyed by one of {@code shards} shards for batching.
 */
final class QueryRows extends SimpleFunction<Row, KV<Integer, EvalQuery>> {
  private final int shards;

  QueryRows(int shards) {
    this.shards = shards;
  }

  /** Fails before the pipeline runs unless the rows have a {@code query_id}. */
  static void check(Schema schema) {
    if (!schema.hasField(EvalQueries.QUERY_ID)) {
      throw new IllegalArgumentException(
          "Cannot evaluate queries without a 'query_id' field; the rows have "
              + schema.getFieldNames()
              + ": read a queries table (query_id, text and/or a vector column per field)");
    }
  }

  @Override
  public KV<Integer, EvalQuery> apply(Row row) {
    Object id = row.getValue(EvalQueries.QUERY_ID);
    Schema schema = row.getSchema();
    String text = schema.hasField(EvalQueries.TEXT) ? row.getString(EvalQueries.TEXT) : null;
    Map<String, float[]> vectors = new HashMap<>();
    for (Schema.Field f : schema.getFields()) {
      Schema.FieldType t = f.getType();
      if (t.getCollectionElementType() != null
          && t.getCollectionElementType().getTypeName() == Schema.TypeName.FLOAT) {
        Collection<Float> values = row.getArray(f.getName());
        if (values != null) {
          float[] v = new float[values.size()];
          int i = 0;
          for (Float x : values) {
            v[i++] = x;
          }
          vectors.put(f.getName(), v);
        }
      }
    }
    EvalQuery q = new EvalQuery(id == null ? null : id.toString(), text, vectors);
    return KV.of(Math.floorMod(q.id().hashCode(), shards), q);
  }
}
