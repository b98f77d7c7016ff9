package io.lakebeam.xlang;

import static com.google.common.base.Preconditions.checkArgument;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.apache.beam.sdk.expansion.service.ExpansionService;

/**
 * Starts Beam's {@link ExpansionService} with Lakebeam's schema transforms on the class path, for
 * Python and YAML pipelines; the service also runs a loopback Java worker, so the Python Direct
 * runner executes the expanded Java transforms in this JVM (no Docker).
 *
 * <pre>{@code
 * LakebeamExpansionService.run(8097); // blocks; Python: expansion_service='localhost:8097'
 * }</pre>
 */
public final class LakebeamExpansionService {
  private LakebeamExpansionService() {}

  /** Serves on {@code port} until the process ends. */
  public static void run(int port) throws Exception {
    checkArgument(port > 0 && port < 65536, "Cannot serve on port %s: use 1-65535", port);
    ExpansionService.main(
        new String[] {
          Integer.toString(port), "--alsoStartLoopbackWorker", "--filesToStage=" + ownJar()
        });
  }

  /**
   * The jar (or classes folder) of this module: the only artifact the expansion names, so a Python
   * pipeline does not copy the whole class path; the loopback worker already has every class.
   */
  private static String ownJar() throws URISyntaxException {
    return Path.of(
            LakebeamExpansionService.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI())
        .toString();
  }

  /** {@code java -cp ... io.lakebeam.xlang.LakebeamExpansionService PORT}. */
  public static void main(String[] args) throws Exception {
    checkArgument(args.length == 1, "Usage: LakebeamExpansionService PORT");
    run(Integer.parseInt(args[0]));
  }
}
