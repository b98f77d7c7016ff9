package io.lakebeam.cli;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakebeam index build|drop}. */
@Command(
    name = "index",
    description = "Build or drop vector (HNSW) and text (BM25) indexes.",
    subcommands = {IndexCommand.Build.class, IndexCommand.Drop.class})
final class IndexCommand {

  @Command(
      name = "build",
      description =
          "Build a jVector graph index over a vector column, or with --type bm25 a BM25 text"
              + " index over a string column.")
  static final class Build implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;

    @Parameters(paramLabel = "COLLECTION")
    String collection;

    @Option(
        names = "--field",
        description = "Vector column (default: the only one); the string column for --type bm25")
    String field;

    @Option(
        names = "--type",
        defaultValue = "hnsw",
        description = "hnsw (vector graph) or bm25 (text) (default: ${DEFAULT-VALUE})")
    String type;

    @Option(
        names = "--analyzer",
        description = "Text analyzer of --type bm25: standard (default), english, german, ...")
    String analyzer;

    @Option(names = "--metric", description = "cosine, dot or l2 (default: the field's)")
    String metric;

    @Option(
        names = "--m",
        defaultValue = "16",
        description = "Max neighbours per node (default: ${DEFAULT-VALUE})")
    int m;

    @Option(
        names = "--ef-construction",
        defaultValue = "100",
        description = "Build beam width (default: ${DEFAULT-VALUE})")
    int efConstruction;

    @Option(
        names = "--ef-search",
        defaultValue = "64",
        description = "Default search beam width (default: ${DEFAULT-VALUE})")
    int efSearch;

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open()) {
        Collection c = lake.collection(collection);
        if (TextIndexOptions.isText(type, analyzer)) {
          Printer.json(TextIndexOptions.build(lake, c, field, analyzer).toMap());
          return 0;
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("m", m);
        params.put("ef_construction", efConstruction);
        params.put("ef_search", efSearch);
        var r =
            lake.indexes()
                .build(
                    c,
                    field,
                    metric == null ? null : Metric.parse(metric),
                    IndexParams.fromMap(params));
        Printer.json(r.toMap());
      }
      return 0;
    }
  }

  @Command(name = "drop", description = "Drop a vector or text index (the table is untouched).")
  static final class Drop implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;

    @Parameters(paramLabel = "COLLECTION")
    String collection;

    @Option(names = "--field", required = true)
    String field;

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open()) {
        Collection c = lake.collection(collection);
        if (!c.vectorFields().containsKey(field) && lake.textIndexes().has(c, field)) {
          lake.textIndexes().drop(c, field);
        } else {
          lake.indexes().drop(c, field);
        }
        System.out.println("dropped index " + collection + "." + field);
      }
      return 0;
    }
  }
}
