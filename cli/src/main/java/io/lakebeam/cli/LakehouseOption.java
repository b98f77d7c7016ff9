package io.lakebeam.cli;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import picocli.CommandLine.Option;

/** The {@code --lakehouse} option shared by every command. */
final class LakehouseOption {
  @Option(
      names = {"--lakehouse", "-l"},
      description =
          "Lakehouse directory or lakehouse.properties (default: $LAKEBEAM_LAKEHOUSE or ./lakehouse)")
  String location;

  String location() {
    if (location != null) {
      return location;
    }
    String env = System.getenv("LAKEBEAM_LAKEHOUSE");
    return env != null && !env.isBlank() ? env : "lakehouse";
  }

  Lakehouse open() {
    return Lakehouse.open(location());
  }

  /** Opens the lakehouse allowing external collections to read these roots too. */
  Lakehouse open(java.util.List<String> allowedSources) {
    return Lakehouse.open(LakehouseConfig.of(location()).withAllowedSources(allowedSources));
  }
}
