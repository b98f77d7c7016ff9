package io.lakebeam.cli;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.multimodal.documents.ExtractionLimits;
import io.lakebeam.transforms.LocalProgress;
import io.lakebeam.transforms.documents.DocumentIngest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakebeam ingest documents SRC --into NS} and {@code lakebeam ingest media SRC --into NS}.
 */
@Command(
    name = "ingest",
    description = "Run ingest pipelines (Apache Beam) into the lakehouse.",
    subcommands = {IngestCommand.DocumentsCommand.class, MediaIngestCommand.class})
final class IngestCommand {

  @Command(
      name = "documents",
      description =
          "Extract (Tika), chunk and embed documents into <NS>.documents, <NS>.chunks and"
              + " <NS>.failures, then refresh the chunks' vector index.")
  static final class DocumentsCommand implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;

    @Parameters(paramLabel = "SRC", description = "File, directory, glob or s3:// prefix")
    String source;

    @Option(names = "--into", required = true, description = "Namespace, e.g. corpus")
    String namespace;

    @Mixin PipelineOption pipeline;

    @Option(
        names = "--model",
        defaultValue = "minilm",
        description = "minilm, bge, or a path to model.onnx with tokenizer.json beside it")
    String model;

    @Option(names = "--max-tokens", defaultValue = "256", description = "Tokens per chunk")
    int maxTokens;

    @Option(names = "--overlap", defaultValue = "32", description = "Tokens of overlap")
    int overlap;

    @Option(
        names = "--max-file-mb",
        defaultValue = "64",
        description = "Larger files go to failures (default: ${DEFAULT-VALUE})")
    long maxFileMb;

    @Option(
        names = "--timeout-s",
        defaultValue = "60",
        description = "Extraction time limit per file (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Option(names = "--no-index", description = "Do not build or refresh the vector index")
    boolean noIndex;

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open()) {
        DocumentIngest ingest =
            DocumentIngest.of(source, lake, namespace)
                .withModel(ModelChoice.parse(model))
                .withMaxTokens(maxTokens)
                .withOverlap(overlap)
                .withLimits(
                    ExtractionLimits.defaults()
                        .withMaxFileBytes(maxFileMb << 20)
                        .withTimeout(Duration.ofSeconds(timeoutSeconds)));
        PipelineOptions options = pipeline.options();
        Pipeline p = Pipeline.create(options);
        ingest.applyTo(p);
        LocalProgress.reset();
        long start = System.nanoTime();
        PipelineResult result;
        try (ProgressReporter progress = ProgressReporter.start(start)) {
          result = p.run();
          PipelineResult.State state = result.waitUntilFinish();
          if (state != PipelineResult.State.DONE) {
            System.err.println("error: the pipeline ended " + state);
            return 1;
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> summary = IngestSummary.of(result, options.getRunner(), seconds);
        if (!noIndex && lake.hasCollection(ingest.chunksCollection())) {
          summary.put("index", ingest.refreshIndex());
        }
        System.err.printf(
            "Ingested %s files into %s in %.1f s: %s documents, %s chunks, %s skipped unchanged, %s"
                + " failed (see %s)%n",
            summary.get("files"),
            namespace,
            seconds,
            summary.get("documents"),
            summary.get("chunks"),
            summary.get("skipped"),
            summary.get("failures"),
            ingest.failuresCollection());
        Printer.jsonLine(summary);
        return 0;
      }
    }
  }
}
