package io.lakebeam.cli;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.embed.Embed;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakebeam backfill COLLECTION --model bge --to embedding_bge}. */
@Command(
    name = "backfill",
    description =
        "Embed every row again with another model into a new vector column of the same table (a"
            + " model upgrade); both columns coexist, each with its own index.")
final class BackfillCommand implements Callable<Integer> {
  @Mixin LakehouseOption lakehouse;
  @Mixin PipelineOption pipeline;

  @Parameters(paramLabel = "COLLECTION", description = "e.g. corpus.chunks")
  String collection;

  @Option(names = "--model", required = true, description = "minilm, bge, or a path to model.onnx")
  String model;

  @Option(names = "--from", defaultValue = "text", description = "Text field to embed")
  String from;

  @Option(names = "--to", required = true, description = "New vector field, e.g. embedding_bge")
  String to;

  @Option(names = "--no-index", description = "Do not build the new field's index")
  boolean noIndex;

  @Override
  public Integer call() throws Exception {
    try (Lakehouse lake = lakehouse.open()) {
      Collection c = lake.collection(collection);
      if (c.schema().findField(to) != null) {
        throw new IllegalArgumentException(
            "Cannot backfill '"
                + to
                + "': "
                + c.name()
                + " already has it; drop it first (./lakebeam collection drop-column "
                + c.name()
                + " "
                + to
                + ") or choose another name");
      }
      Map<String, Object> summary =
          CurationRun.run(
              lake,
              collection,
              pipeline.options(),
              (rows, failures) ->
                  rows.apply(
                      "Embed " + from,
                      Embed.text()
                          .withModel(ModelChoice.parse(model))
                          .fromField(from)
                          .toField(to)
                          .withBadRecordErrorHandler(failures)));
      if (!noIndex) {
        summary.put(
            "index",
            lake.indexes().build(c.refreshMetadata(), to, null, IndexParams.defaults()).toMap());
      }
      Printer.jsonLine(summary);
      return 0;
    }
  }
}
