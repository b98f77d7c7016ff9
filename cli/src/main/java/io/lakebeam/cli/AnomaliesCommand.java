package io.lakebeam.cli;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.curation.Anomalies;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakebeam anomalies COLLECTION [--method multiscale|knn|iforest]}. */
@Command(
    name = "anomalies",
    description =
        "Outlier scores on a vector field: multiscale (default: the row's neighbour distances at"
            + " scales 1 to max-k against the table's, which finds isolated rows and small tight"
            + " groups such as repeated junk; from the index; writes anomaly_score, is_anomaly),"
            + " knn (mean distance to the k nearest rows, from the index; masked by groups of more"
            + " than k similar rows; writes anomaly_score, is_anomaly) or iforest (isolation"
            + " forest; writes iforest_score, is_iforest_anomaly).")
final class AnomaliesCommand implements Callable<Integer> {
  @Mixin LakehouseOption lakehouse;
  @Mixin PipelineOption pipeline;

  @Parameters(paramLabel = "COLLECTION", description = "e.g. corpus.chunks")
  String collection;

  @Option(
      names = "--method",
      defaultValue = "multiscale",
      description = "multiscale, knn or iforest (default: ${DEFAULT-VALUE})")
  String method;

  @Option(names = "--vector", defaultValue = "embedding", description = "Vector field")
  String vector;

  @Option(names = "--k", defaultValue = "10", description = "knn: neighbours averaged")
  int k;

  @Option(
      names = "--max-k",
      defaultValue = "100",
      description =
          "multiscale: neighbours per row, the largest group that still counts as anomalous"
              + " (default: ${DEFAULT-VALUE})")
  int maxK;

  @Option(names = "--trees", defaultValue = "100", description = "iforest: trees")
  int trees;

  @Option(
      names = "--top-fraction",
      defaultValue = "0.01",
      description = "Fraction of rows flagged (default: ${DEFAULT-VALUE})")
  double topFraction;

  @Override
  public Integer call() throws Exception {
    String m = method.toLowerCase(Locale.ROOT);
    if (!m.equals("multiscale") && !m.equals("knn") && !m.equals("iforest")) {
      throw new IllegalArgumentException(
          "Cannot score anomalies with method '" + method + "': use multiscale, knn or iforest");
    }
    boolean indexed = !m.equals("iforest");
    try (Lakehouse lake = lakehouse.open()) {
      Collection c = lake.collection(collection);
      if (indexed
          && lake.indexes().describe(c).stream().noneMatch(d -> vector.equals(d.get("field")))) {
        System.err.println("Building the vector index of " + c.name() + "." + vector + " first");
        lake.indexes().build(c, vector, null, IndexParams.defaults());
      }
      Map<String, Object> summary =
          CurationRun.run(
              lake,
              collection,
              pipeline.options(),
              (rows, failures) ->
                  switch (m) {
                    case "multiscale" ->
                        rows.apply(
                            "Multi-scale kNN",
                            Anomalies.multiScaleKnn()
                                .onVector(vector)
                                .withMaxK(maxK)
                                .withTopFraction(topFraction)
                                .withBadRecordErrorHandler(failures));
                    case "knn" ->
                        rows.apply(
                            "kNN distance",
                            Anomalies.knnDistance()
                                .onVector(vector)
                                .withK(k)
                                .withTopFraction(topFraction)
                                .withBadRecordErrorHandler(failures));
                    default ->
                        rows.apply(
                            "Isolation forest",
                            Anomalies.isolationForest()
                                .onVector(vector)
                                .withTrees(trees)
                                .withTopFraction(topFraction)
                                .withBadRecordErrorHandler(failures));
                  });
      summary.putAll(CurationStats.flagged(c, indexed ? "is_anomaly" : "is_iforest_anomaly"));
      Printer.jsonLine(summary);
      return 0;
    }
  }
}
