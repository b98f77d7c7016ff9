package io.lakebeam.cli;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.curation.Dedup;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakebeam dedup COLLECTION [--method near|exact|semantic]}. */
@Command(
    name = "dedup",
    description =
        "Find duplicate rows and write dup_group, is_canonical and dup_similarity back as columns"
            + " (prefixed exact_ or semantic_ for those methods).")
final class DedupCommand implements Callable<Integer> {
  @Mixin LakehouseOption lakehouse;
  @Mixin PipelineOption pipeline;

  @Parameters(paramLabel = "COLLECTION", description = "e.g. corpus.chunks")
  String collection;

  @Option(
      names = "--method",
      defaultValue = "near",
      description = "near (MinHash LSH on text), exact (content hash) or semantic (embeddings)")
  String method;

  @Option(names = "--text", defaultValue = "text", description = "Text field (near, exact)")
  String text;

  @Option(names = "--jaccard", defaultValue = "0.8", description = "Near: Jaccard threshold")
  double jaccard;

  @Option(names = "--num-perm", defaultValue = "128", description = "Near: MinHash permutations")
  int numPerm;

  @Option(names = "--shingle-words", defaultValue = "3", description = "Near: words per shingle")
  int shingleWords;

  @Option(names = "--vector", defaultValue = "embedding", description = "Semantic: vector field")
  String vector;

  @Option(names = "--cosine", defaultValue = "0.95", description = "Semantic: cosine threshold")
  double cosine;

  @Option(names = "--partitions", defaultValue = "64", description = "Semantic: k-means partitions")
  int partitions;

  @Option(names = "--id", description = "Field naming rows (default: chunk_id or id)")
  String id;

  @Override
  public Integer call() throws Exception {
    try (Lakehouse lake = lakehouse.open()) {
      Map<String, Object> summary =
          CurationRun.run(
              lake,
              collection,
              pipeline.options(),
              (rows, failures) ->
                  switch (method.toLowerCase(Locale.ROOT)) {
                    case "near" -> {
                      var t =
                          Dedup.nearDuplicates()
                              .onText(text)
                              .withJaccard(jaccard)
                              .withNumPerm(numPerm)
                              .withShingleSize(shingleWords)
                              .withBadRecordErrorHandler(failures);
                      yield rows.apply("Near duplicates", id == null ? t : t.withIdField(id));
                    }
                    case "exact" -> {
                      var t = Dedup.exact().onText(text);
                      yield rows.apply("Exact duplicates", id == null ? t : t.withIdField(id));
                    }
                    case "semantic" -> {
                      var t =
                          Dedup.semantic()
                              .onVector(vector)
                              .withCosine(cosine)
                              .withPartitions(partitions)
                              .withBadRecordErrorHandler(failures);
                      yield rows.apply("Semantic duplicates", id == null ? t : t.withIdField(id));
                    }
                    default ->
                        throw new IllegalArgumentException(
                            "Cannot dedup with method '"
                                + method
                                + "': use near, exact or semantic");
                  });
      String prefix =
          switch (method.toLowerCase(Locale.ROOT)) {
            case "exact" -> "exact_";
            case "semantic" -> "semantic_";
            default -> "";
          };
      summary.putAll(CurationStats.duplicates(lake.collection(collection), prefix));
      Printer.jsonLine(summary);
      return 0;
    }
  }
}
