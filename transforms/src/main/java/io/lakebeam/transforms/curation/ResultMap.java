package io.lakebeam.transforms.curation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.HashMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;

/** Per-row results by row id, gathered in one combine to be looked up from a side input. */
final class ResultMap implements Serializable {
  private static final long serialVersionUID = 1L;
  final HashMap<String, Row> results;

  ResultMap(HashMap<String, Row> results) {
    this.results = results;
  }

  /** Collects {@code row id -> result row} pairs. */
  static final class Fn extends Combine.CombineFn<KV<String, Row>, ResultMap, ResultMap> {
    private final Schema schema;

    Fn(Schema schema) {
      this.schema = schema;
    }

    @Override
    public ResultMap createAccumulator() {
      return new ResultMap(new HashMap<>());
    }

    @Override
    public ResultMap addInput(ResultMap acc, KV<String, Row> result) {
      acc.results.put(result.getKey(), result.getValue());
      return acc;
    }

    @Override
    public ResultMap mergeAccumulators(Iterable<ResultMap> all) {
      ResultMap out = createAccumulator();
      for (ResultMap m : all) {
        out.results.putAll(m.results);
      }
      return out;
    }

    @Override
    public ResultMap extractOutput(ResultMap acc) {
      return acc;
    }

    @Override
    public Coder<ResultMap> getAccumulatorCoder(
        CoderRegistry registry, Coder<KV<String, Row>> input) {
      return new MapCoder(schema);
    }

    @Override
    public Coder<ResultMap> getDefaultOutputCoder(
        CoderRegistry registry, Coder<KV<String, Row>> input) {
      return new MapCoder(schema);
    }
  }

  /** Encodes each row id with its result row. */
  static final class MapCoder extends AtomicCoder<ResultMap> {
    private final RowCoder rows;

    MapCoder(Schema schema) {
      this.rows = RowCoder.of(schema);
    }

    @Override
    public void encode(ResultMap value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.results.size(), out);
      for (var e : value.results.entrySet()) {
        StringUtf8Coder.of().encode(e.getKey(), out);
        rows.encode(e.getValue(), out);
      }
    }

    @Override
    public ResultMap decode(InputStream in) throws IOException {
      int n = VarIntCoder.of().decode(in);
      HashMap<String, Row> results = HashMap.newHashMap(n);
      for (int i = 0; i < n; i++) {
        results.put(StringUtf8Coder.of().decode(in), rows.decode(in));
      }
      return new ResultMap(results);
    }
  }
}
