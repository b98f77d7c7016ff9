package io.lakebeam.flight;

import io.lakebeam.core.hybrid.HybridHit;
import io.lakebeam.core.hybrid.HybridSearch;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.ColumnCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.types.Types;

/**
 * Answers a hybrid search ticket: query_index, rank, _score (final), _fused_score, _file, _pos,
 * then per leg i {@code _rank_i} (1-based, null when the leg did not return the row) and {@code
 * _score_i} (the leg's own score), then the output fields.
 */
final class HybridStream {
  static final int FIXED_COLUMNS = 6;

  private HybridStream() {}

  static Schema schema(Collection c, int legs, List<String> outputFields) {
    ArrowType f32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
    ArrowType i32 = new ArrowType.Int(32, true);
    List<Field> fields = new ArrayList<>();
    fields.add(Field.notNullable("query_index", i32));
    fields.add(Field.notNullable("rank", i32));
    fields.add(Field.notNullable("_score", f32));
    fields.add(Field.notNullable("_fused_score", f32));
    fields.add(Field.notNullable("_file", ArrowType.Utf8.INSTANCE));
    fields.add(Field.notNullable("_pos", new ArrowType.Int(64, true)));
    for (int l = 0; l < legs; l++) {
      fields.add(Field.nullable("_rank_" + l, i32));
      fields.add(Field.nullable("_score_" + l, f32));
    }
    for (String name : outputFields) {
      Types.NestedField f = c.schema().findField(name);
      fields.add(ArrowTypes.field(name, f.type(), true));
    }
    return new Schema(fields);
  }

  /** Parses and checks a request against the collection without running it. */
  static HybridSearch.Request check(Collection c, Json t, ServerLimits limits) {
    c.checkColumns(t.optStrings("output_fields"));
    HybridSearch.Request r = HybridRequest.parse(c, t, limits);
    HybridSearch.check(c, r);
    io.lakebeam.core.filter.RowFilter.parse(r.filter(), c.schema());
    return r;
  }

  static void run(
      Collection c,
      Json ticket,
      BufferAllocator allocator,
      ServerStreamListener listener,
      ServerLimits limits,
      CallGate.Turn turn) {
    List<String> outputs = ticket.optStrings("output_fields");
    HybridSearch.Request request = check(c, ticket, limits);
    StreamFlow flow = new StreamFlow(listener, turn, "the hybrid search of '" + c.name() + "'");
    List<List<HybridHit>> results = HybridSearch.run(c, request);
    if (flow.cancelled()) {
      return;
    }
    int legs = request.legs().size();
    int total = results.stream().mapToInt(List::size).sum();
    Map<String, ColumnCache.Rows> rowsByFile = outputRows(c, results, outputs);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema(c, legs, outputs), allocator)) {
      for (FieldVector v : root.getFieldVectors()) {
        v.setInitialCapacity(Math.max(1, total));
      }
      root.allocateNew();
      Map<String, byte[]> fileBytes = new HashMap<>();
      int row = 0;
      for (int qi = 0; qi < results.size(); qi++) {
        List<HybridHit> hits = results.get(qi);
        for (int r = 0; r < hits.size(); r++) {
          HybridHit h = hits.get(r);
          ((IntVector) root.getVector(0)).setSafe(row, qi);
          ((IntVector) root.getVector(1)).setSafe(row, r);
          ((Float4Vector) root.getVector(2)).setSafe(row, h.score());
          ((Float4Vector) root.getVector(3)).setSafe(row, h.fusedScore());
          ((VarCharVector) root.getVector(4))
              .setSafe(
                  row,
                  fileBytes.computeIfAbsent(
                      h.file(), f -> f.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
          ((BigIntVector) root.getVector(5)).setSafe(row, h.pos());
          for (int l = 0; l < legs; l++) {
            IntVector rank = (IntVector) root.getVector(FIXED_COLUMNS + 2 * l);
            Float4Vector score = (Float4Vector) root.getVector(FIXED_COLUMNS + 2 * l + 1);
            if (h.legRanks()[l] > 0) {
              rank.setSafe(row, h.legRanks()[l]);
              score.setSafe(row, h.legScores()[l]);
            } else {
              rank.setNull(row);
              score.setNull(row);
            }
          }
          for (int j = 0; j < outputs.size(); j++) {
            Object value = rowsByFile.get(h.file()).get(outputs.get(j), h.pos());
            ArrowRows.set(root.getVector(FIXED_COLUMNS + 2 * legs + j), row, value);
          }
          row++;
        }
      }
      root.setRowCount(total);
      SearchStream.send(root, limits, flow, listener, "hybrid search");
    }
  }

  private static Map<String, ColumnCache.Rows> outputRows(
      Collection c, List<List<HybridHit>> results, List<String> outputs) {
    Map<String, ColumnCache.Rows> rowsByFile = new HashMap<>();
    if (outputs.isEmpty()) {
      return rowsByFile;
    }
    Map<String, List<Long>> positions = new HashMap<>();
    for (List<HybridHit> hits : results) {
      for (HybridHit h : hits) {
        positions.computeIfAbsent(h.file(), f -> new ArrayList<>()).add(h.pos());
      }
    }
    ColumnCache cache = c.lakehouse().indexes().columnCache();
    positions.forEach(
        (f, p) ->
            rowsByFile.put(
                f,
                cache.rows(
                    c.table(), f, outputs, p.stream().mapToLong(Long::longValue).toArray())));
    return rowsByFile;
  }
}
