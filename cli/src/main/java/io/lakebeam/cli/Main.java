package io.lakebeam.cli;

import io.lakebeam.core.LakebeamException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lakebeam} command line.
 *
 * <pre>{@code
 * ./lakebeam quickstart
 * ./lakebeam collection create-external docs --src '/data/docs/*.parquet' --schema text=string,embedding='float_vector(384)'
 * ./lakebeam index build docs --field embedding
 * ./lakebeam search docs --text "how do I rotate keys?" --top-k 5 --output-fields text
 * ./lakebeam serve --lakehouse ./lakehouse --port 8815
 * ./lakebeam context build context-packages/examples/support-kb.yaml
 * ./lakebeam ingest media /data/drives --into drives --every 2s --scene 0.3 --keyframes
 * ./lakebeam media rare-scenes drives.frames --top 20
 * ./lakebeam eval kb.chunks --queries kb.eval_queries --qrels kb.eval_qrels --systems vector:embedding
 * }</pre>
 */
@Command(
    name = "lakebeam",
    mixinStandardHelpOptions = true,
    version = "lakebeam 0.1.0",
    description = "A vector lakebase: Iceberg tables as the one source of truth for vector search.",
    subcommands = {
      QuickstartCommand.class,
      ServeCommand.class,
      CollectionCommand.class,
      IndexCommand.class,
      IngestCommand.class,
      DedupCommand.class,
      ClusterCommand.class,
      AnomaliesCommand.class,
      BackfillCommand.class,
      MediaCommand.class,
      SearchCommand.class,
      ContextCommand.class,
      MaintainCommand.class,
      ExpansionServiceCommand.class,
      EvalCommand.class,
      CommandLine.HelpCommand.class,
      AotTrainingCommand.class
    })
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (0 ok, 1 error, 2 usage). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          // A pipeline wraps the real error (e.g. in PipelineExecutionException): report that one.
          for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LakebeamException || t instanceof IllegalArgumentException) {
              cmd.getErr().println("error: " + t.getMessage());
              return 1;
            }
          }
          throw e;
        });
    return cli.execute(args);
  }
}
