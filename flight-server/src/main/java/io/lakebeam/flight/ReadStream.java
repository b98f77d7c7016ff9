package io.lakebeam.flight;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.filter.RowFilter;
import io.lakebeam.core.filter.RowMatcher;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.read.DataFileReader;
import io.lakebeam.core.read.TableState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * Batch reads: plans a read into endpoints over disjoint sets of data files (pruned by the filter
 * against file metrics), and streams one endpoint's rows.
 */
final class ReadStream {
  static final int BATCH_ROWS = 4096;

  private ReadStream() {}

  static List<String> columns(Collection c, Json cmd) {
    List<String> cols = cmd.optStrings("columns");
    if (cols.isEmpty()) {
      return c.schema().columns().stream().map(Types.NestedField::name).toList();
    }
    c.checkColumns(cols);
    return cols;
  }

  static Schema schema(Collection c, List<String> columns) {
    List<Types.NestedField> fields = new ArrayList<>();
    columns.forEach(n -> fields.add(c.schema().findField(n)));
    return ArrowTypes.schema(fields);
  }

  static FlightInfo plan(Collection c, Json cmd, FlightDescriptor descriptor, int defaultSplits) {
    List<String> columns = columns(c, cmd);
    String filter = cmd.optString("filter");
    RowFilter rowFilter = RowFilter.parse(filter, c.schema());
    int splits = cmd.optInt("splits", defaultSplits);
    if (splits < 1 || splits > 1024) {
      throw Errors.invalid("Cannot plan read: splits=%d, use 1..1024", splits);
    }
    TableState state = TableState.of(c.table());
    List<DataFile> files = new ArrayList<>();
    for (DataFile f : state.files().values()) {
      if (rowFilter.mightMatch(f)) {
        files.add(f);
      }
    }
    Integer limit = cmd.has("limit") ? cmd.optInt("limit", 0) : null;
    if (limit != null && limit < 0) {
      throw Errors.invalid(
          "Cannot plan read: limit=%d, use 0 or more (or null for no limit)", limit);
    }
    // Greedy balance by size: biggest file to the lightest split. A limit caps the whole read,
    // which only a single endpoint can enforce.
    files.sort((a, b) -> Long.compare(b.fileSizeInBytes(), a.fileSizeInBytes()));
    int n = limit != null ? 1 : Math.max(1, Math.min(splits, files.size()));
    List<List<String>> groups = new ArrayList<>();
    long[] weight = new long[n];
    for (int i = 0; i < n; i++) {
      groups.add(new ArrayList<>());
    }
    for (DataFile f : files) {
      int lightest = 0;
      for (int i = 1; i < n; i++) {
        if (weight[i] < weight[lightest]) {
          lightest = i;
        }
      }
      groups.get(lightest).add(f.path().toString());
      weight[lightest] += f.fileSizeInBytes();
    }
    List<FlightEndpoint> endpoints = new ArrayList<>();
    for (List<String> g : groups) {
      if (g.isEmpty() && !endpoints.isEmpty()) {
        continue;
      }
      Map<String, Object> t = new java.util.LinkedHashMap<>();
      t.put("v", 1);
      t.put("type", "read");
      t.put("collection", c.name());
      t.put("snapshot_id", state.snapshotId());
      t.put("files", g);
      t.put("columns", columns);
      if (filter != null) {
        t.put("filter", filter);
      }
      if (limit != null) {
        t.put("limit", limit);
      }
      endpoints.add(new FlightEndpoint(new Ticket(Json.bytes(t))));
    }
    long bytes = files.stream().mapToLong(DataFile::fileSizeInBytes).sum();
    return new FlightInfo(schema(c, columns), descriptor, endpoints, bytes, state.rowCount());
  }

  static void run(
      Collection c,
      Json ticket,
      BufferAllocator allocator,
      ServerStreamListener listener,
      CallGate.Turn turn) {
    List<String> columns = columns(c, ticket);
    long snapshotId = ticket.optLong("snapshot_id", c.snapshotId());
    String filter = ticket.optString("filter");
    RowFilter rowFilter = RowFilter.parse(filter, c.schema());
    List<String> filterColumns = rowFilter.columns();
    int limit = ticket.optInt("limit", Integer.MAX_VALUE);
    TableState state = TableState.of(c.table(), snapshotId);
    // A ticket of GetFlightInfo lists its files; a hand-written one without "files" reads them all.
    List<String> files = ticket.has("files") ? ticket.optStrings("files") : state.paths();
    LinkedHashSet<String> read = new LinkedHashSet<>(columns);
    read.addAll(filterColumns);
    org.apache.iceberg.Schema projection = c.schema().select(new ArrayList<>(read));
    RowMatcher evaluator = rowFilter.matchesAll() ? null : rowFilter.matcher(projection.asStruct());
    InternalRecordWrapper wrapper = new InternalRecordWrapper(projection.asStruct());
    int[] positions = new int[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      positions[i] = projection.columns().indexOf(projection.findField(columns.get(i)));
    }
    StreamFlow flow = new StreamFlow(listener, turn, "the read of '" + c.name() + "'");
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema(c, columns), allocator)) {
      listener.start(root);
      int rowInBatch = 0;
      int emitted = 0;
      root.allocateNew();
      for (String file : files) {
        if (emitted >= limit) {
          break;
        }
        if (!state.isLive(file)) {
          throw LakebeamException.invalid(
              "Cannot read file %s: it is not part of snapshot %d of '%s'; tickets are opaque,"
                  + " plan the read again with GetFlightInfo",
              file, snapshotId, c.name());
        }
        if (c.isExternal()) {
          ExternalFiles.checkUnchanged(c.lakehouse().io(), state.files().get(file), c.name());
        }
        BitSet deleted = state.deletedPositions(file);
        if (deleted == null && evaluator == null && limit == Integer.MAX_VALUE) {
          if (rowInBatch > 0) {
            if (!flush(root, rowInBatch, listener, flow)) {
              return;
            }
            rowInBatch = 0;
          }
          long n = NativeParquetScan.stream(file, columns, root, allocator, listener, flow);
          if (n >= 0) {
            emitted += (int) n;
            root.allocateNew();
            continue;
          }
        }
        int pos = 0;
        try (CloseableIterable<Record> rows = DataFileReader.read(c.table(), file, projection)) {
          for (Record r : rows) {
            int p = pos++;
            if (emitted >= limit) {
              break;
            }
            if ((deleted != null && deleted.get(p))
                || (evaluator != null && !evaluator.test(wrapper.wrap(r)))) {
              continue;
            }
            for (int i = 0; i < positions.length; i++) {
              ArrowRows.set((FieldVector) root.getVector(i), rowInBatch, r.get(positions[i]));
            }
            rowInBatch++;
            emitted++;
            if (rowInBatch == BATCH_ROWS) {
              if (!flush(root, rowInBatch, listener, flow)) {
                return;
              }
              rowInBatch = 0;
            }
          }
        } catch (IOException e) {
          throw LakebeamException.internal("Cannot read " + file, e);
        }
        if (flow.cancelled()) {
          return;
        }
        turn.checkTime("the read of '" + c.name() + "'");
      }
      if ((rowInBatch > 0 || emitted == 0) && !flush(root, rowInBatch, listener, flow)) {
        return;
      }
      listener.completed();
    }
  }

  /** Sends a batch once the client can take it; false when the client cancelled the call. */
  private static boolean flush(
      VectorSchemaRoot root, int rows, ServerStreamListener listener, StreamFlow flow) {
    if (!flow.ready()) {
      return false;
    }
    root.setRowCount(rows);
    listener.putNext();
    root.allocateNew();
    return true;
  }
}
