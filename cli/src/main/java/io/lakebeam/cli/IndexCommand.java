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
    description = "Build or drop vector indexes.",
    subcommands = {IndexCommand.Build.class, IndexCommand.Drop.class})
final class IndexCommand {

  @Command(name = "build", description = "Build a jVector graph index over a vector column.")
  static final class Build implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;

    @Parameters(paramLabel = "COLLECTION")
    String collection;

    @Option(names = "--field", description = "Vector column (default: the only one)")
    String field;

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

  @Command(name = "drop", description = "Drop a vector index (the table is untouched).")
  static final class Drop implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;

    @Parameters(paramLabel = "COLLECTION")
    String collection;

    @Option(names = "--field", required = true)
    String field;

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open()) {
        lake.indexes().drop(lake.collection(collection), field);
        System.out.println("dropped index " + collection + "." + field);
      }
      return 0;
    }
  }
}
