package io.lakebeam.flight;

import io.lakebeam.core.filter.RowFilter;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.VectorField;
import io.lakebeam.core.read.ColumnCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.types.Types;

/** Answers a search ticket: runs the search and streams hits with their output fields. */
final class SearchStream {
  /** query_index, rank, _score, _distance, _file, _pos: the output fields follow them. */
  static final int FIXED_COLUMNS = 6;

  private SearchStream() {}

  static Schema schema(Collection c, List<String> outputFields) {
    List<Field> fields = new ArrayList<>();
    fields.add(Field.notNullable("query_index", new ArrowType.Int(32, true)));
    fields.add(Field.notNullable("rank", new ArrowType.Int(32, true)));
    fields.add(
        Field.notNullable("_score", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
    fields.add(
        Field.notNullable("_distance", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
    fields.add(Field.notNullable("_file", ArrowType.Utf8.INSTANCE));
    fields.add(Field.notNullable("_pos", new ArrowType.Int(64, true)));
    for (String name : outputFields) {
      Types.NestedField f = c.schema().findField(name);
      fields.add(ArrowTypes.field(name, f.type(), true));
    }
    return new Schema(fields);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  static SearchRequest request(Collection c, Json t, ServerLimits limits) {
    int topK = t.optInt("top_k", 10);
    int ef = t.optInt("ef", 0);
    String filter = t.optString("filter");
    limits.checkFilter(filter);
    float[][] queries;
    if (t.has("texts")) {
      List<String> texts = t.optStrings("texts");
      limits.checkSearch(texts.size(), topK, ef); // before the costly embedding
      queries = QueryEmbedder.embed(c, t.optString("field"), texts);
    } else if (t.has("vectors_f32")) {
      queries = t.packedVectors("vectors_f32", "dim");
    } else {
      queries = t.vectors("vectors");
    }
    limits.checkSearch(queries.length, topK, ef);
    return new SearchRequest(t.optString("field"), queries, topK, ef, filter);
  }

  /**
   * Checks a request against a collection without running it: the output columns, the vector field,
   * the query dimensions and the filter.
   */
  static void check(Collection c, SearchRequest request, List<String> outputFields) {
    c.checkColumns(outputFields);
    VectorField field = c.vectorField(request.field());
    float[][] queries = request.queries();
    for (int i = 0; i < queries.length; i++) {
      if (queries[i].length != field.dimension()) {
        throw Errors.invalid(
            "Cannot search field '%s': query vector %d has dimension %d, but the field has dimension %d",
            field.name(), i, queries[i].length, field.dimension());
      }
    }
    RowFilter.parse(request.filter(), c.schema());
  }

  static void run(
      Collection c,
      Json ticket,
      BufferAllocator allocator,
      ServerStreamListener listener,
      ServerLimits limits,
      CallGate.Turn turn) {
    List<String> outputs = ticket.optStrings("output_fields");
    c.checkColumns(outputs);
    StreamFlow flow = new StreamFlow(listener, turn, "the search of '" + c.name() + "'");
    List<List<SearchHit>> results =
        TextRequests.isText(ticket)
            ? TextRequests.search(c, ticket, limits)
            : c.lakehouse().indexes().search(c, request(c, ticket, limits));
    if (flow.cancelled()) {
      return;
    }
    int total = results.stream().mapToInt(List::size).sum();
    Map<String, ColumnCache.Rows> rowsByFile = new HashMap<>();
    if (!outputs.isEmpty()) {
      // point reads: only the row groups that hold a hit are read (and cached)
      Map<String, List<Long>> positions = new HashMap<>();
      for (List<SearchHit> hits : results) {
        for (SearchHit h : hits) {
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
    }
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema(c, outputs), allocator)) {
      // buffers for the rows there are, not the default ~4k rows per column (zeroed per query)
      for (org.apache.arrow.vector.FieldVector v : root.getFieldVectors()) {
        v.setInitialCapacity(Math.max(1, total));
      }
      root.allocateNew();
      IntVector q = (IntVector) root.getVector(0);
      IntVector rank = (IntVector) root.getVector(1);
      Float4Vector score = (Float4Vector) root.getVector(2);
      Float4Vector distance = (Float4Vector) root.getVector(3);
      VarCharVector file = (VarCharVector) root.getVector(4);
      BigIntVector pos = (BigIntVector) root.getVector(5);
      Map<String, byte[]> fileBytes = new HashMap<>();
      int row = 0;
      for (int qi = 0; qi < results.size(); qi++) {
        List<SearchHit> hits = results.get(qi);
        for (int r = 0; r < hits.size(); r++) {
          SearchHit h = hits.get(r);
          q.setSafe(row, qi);
          rank.setSafe(row, r);
          score.setSafe(row, h.score());
          distance.setSafe(row, h.distance());
          file.setSafe(row, fileBytes.computeIfAbsent(h.file(), SearchStream::utf8));
          pos.setSafe(row, h.pos());
          for (int j = 0; j < outputs.size(); j++) {
            Object value = rowsByFile.get(h.file()).get(outputs.get(j), h.pos());
            // by position: an output column may share its name with a result column ("rank")
            ArrowRows.set(root.getVector(FIXED_COLUMNS + j), row, value);
          }
          row++;
        }
      }
      root.setRowCount(total);
      SearchStream.send(root, limits, flow, listener, "search");
    }
  }

  /**
   * Sends a one-batch result ({@code what}: "search", "hybrid search"), or refuses one larger than
   * the server's result limit; waits for a slow client as {@link StreamFlow} does.
   */
  static void send(
      VectorSchemaRoot root,
      ServerLimits limits,
      StreamFlow flow,
      ServerStreamListener listener,
      String what) {
    long bytes = 0;
    for (org.apache.arrow.vector.FieldVector v : root.getFieldVectors()) {
      bytes += v.getBufferSize();
    }
    if (bytes > limits.maxResultBytes()) {
      throw org.apache.arrow.flight.CallStatus.RESOURCE_EXHAUSTED
          .withDescription(
              String.format(
                  "Cannot send a %s result of %d bytes: the server's limit is %d (lakebeam"
                      + " serve --max-result-bytes); ask for fewer queries, a smaller top_k or"
                      + " fewer output_fields",
                  what, bytes, limits.maxResultBytes()))
          .toRuntimeException();
    }
    listener.start(root);
    if (!flow.ready()) {
      return;
    }
    listener.putNext();
    listener.completed();
  }
}
