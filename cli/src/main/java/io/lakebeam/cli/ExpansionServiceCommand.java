package io.lakebeam.cli;

import io.lakebeam.xlang.LakebeamExpansionService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lakebeam expansion-service [--port N]}: Beam's expansion service with Lakebeam's schema
 * transforms ({@code beam:schematransform:org.lakebeam:*:v1}) for Python and YAML pipelines, plus a
 * loopback Java worker that runs them for the Python Direct runner.
 *
 * <pre>{@code
 * lakebeam expansion-service --port 8097
 * }</pre>
 */
@Command(
    name = "expansion-service",
    description =
        "Serve Lakebeam's Beam transforms to Python and YAML pipelines (Beam expansion service).")
final class ExpansionServiceCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      defaultValue = "8097",
      description = "Port of the expansion service (default: ${DEFAULT-VALUE}).")
  int port;

  @Override
  public Integer call() throws Exception {
    System.err.println("Lakebeam expansion service on localhost:" + port);
    LakebeamExpansionService.run(port);
    return 0;
  }
}
