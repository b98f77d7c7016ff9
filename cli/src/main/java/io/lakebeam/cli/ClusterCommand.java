package io.lakebeam.cli;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.curation.Cluster;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakebeam cluster COLLECTION --k 256}. */
@Command(
    name = "cluster",
    description =
        "k-means on a vector field: writes cluster_id and cluster_distance back as columns and the"
            + " centroids to <COLLECTION>_centroids.")
final class ClusterCommand implements Callable<Integer> {
  @Mixin LakehouseOption lakehouse;
  @Mixin PipelineOption pipeline;

  @Parameters(paramLabel = "COLLECTION", description = "e.g. corpus.chunks")
  String collection;

  @Option(names = "--vector", defaultValue = "embedding", description = "Vector field")
  String vector;

  @Option(names = "--k", defaultValue = "16", description = "Clusters (default: ${DEFAULT-VALUE})")
  int k;

  @Option(names = "--iterations", defaultValue = "20", description = "Lloyd iterations")
  int iterations;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the k-means++ sample")
  long seed;

  @Option(names = "--centroids", description = "Centroids table (default: <COLLECTION>_centroids)")
  String centroids;

  @Override
  public Integer call() throws Exception {
    try (Lakehouse lake = lakehouse.open()) {
      String centroidsTable =
          centroids != null ? centroids : lake.collection(collection).name() + "_centroids";
      Map<String, Object> summary =
          CurationRun.run(
              lake,
              collection,
              pipeline.options(),
              (rows, failures) ->
                  rows.apply(
                      "k-means",
                      Cluster.kMeans()
                          .onVector(vector)
                          .withK(k)
                          .withIterations(iterations)
                          .withSeed(seed)
                          .withCentroidsTable(lake, centroidsTable)
                          .withBadRecordErrorHandler(failures)));
      summary.put("centroids_table", centroidsTable);
      Printer.jsonLine(summary);
      return 0;
    }
  }
}
