package io.lakebeam.cli;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakebeam collection ...}: create, register, list, describe, refresh and drop collections.
 */
@Command(
    name = "collection",
    description = "Manage collections (Iceberg tables).",
    subcommands = {
      CollectionCommand.Create.class,
      CollectionCommand.CreateExternal.class,
      CollectionCommand.ListAll.class,
      CollectionCommand.Describe.class,
      CollectionCommand.Refresh.class,
      CollectionCommand.Drop.class,
      CollectionCommand.DropColumn.class
    })
final class CollectionCommand {

  @Command(name = "create", description = "Create an empty managed collection.")
  static final class Create implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--schema",
        required = true,
        description = "e.g. text=string,embedding=float_vector(384)")
    String schema;

    @Option(names = "--metric", defaultValue = "cosine")
    String metric;

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open()) {
        Collection c =
            lake.createCollection(name, SchemaOption.parse(schema), Metric.parse(metric), false);
        Printer.json(c.describe());
      }
      return 0;
    }
  }

  @Command(
      name = "create-external",
      description = "Register existing Parquet files in place (no copy).")
  static final class CreateExternal implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--src",
        required = true,
        description = "A file, a directory, a glob or an s3:// glob")
    String src;

    @Option(
        names = "--schema",
        description = "Column types, e.g. text=string,embedding=float_vector(384)")
    String schema;

    @Option(names = "--metric", defaultValue = "cosine")
    String metric;

    @Option(names = "--strict", description = "Fail if any file is rejected")
    boolean strict;

    @Option(
        names = "--allow-source",
        paramLabel = "DIR|s3://bucket/prefix",
        description =
            "A directory or prefix external files may come from; repeatable (default: the"
                + " warehouse, plus lakebeam.allowed-sources of lakehouse.properties)")
    List<String> allowSources = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open(allowSources)) {
        ExternalFiles.Result r =
            lake.createExternalCollection(
                name, src, SchemaOption.parse(schema), Metric.parse(metric), strict);
        Printer.json(r);
      }
      return 0;
    }
  }

  @Command(name = "list", description = "List collections.")
  static final class ListAll implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open()) {
        lake.listCollections().forEach(System.out::println);
      }
      return 0;
    }
  }

  @Command(name = "describe", description = "Show schema, vector fields, counts and index state.")
  static final class Describe implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open()) {
        Printer.json(lake.collection(name).describe());
      }
      return 0;
    }
  }

  @Command(
      name = "refresh",
      description = "Pick up added/removed source files and refresh indexes incrementally.")
  static final class Refresh implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--allow-source",
        paramLabel = "DIR|s3://bucket/prefix",
        description =
            "A directory or prefix external files may come from; repeatable (default: the"
                + " warehouse, plus lakebeam.allowed-sources of lakehouse.properties)")
    List<String> allowSources = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open(allowSources)) {
        Collection c = lake.collection(name);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("files", c.refreshExternal());
        out.put("indexes", lake.indexes().refresh(c).stream().map(r -> r.toMap()).toList());
        Printer.json(out);
      }
      return 0;
    }
  }

  @Command(
      name = "drop",
      description = "Drop a collection (external data files are never deleted).")
  static final class Drop implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--purge", description = "Also delete a managed collection's data files")
    boolean purge;

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open()) {
        lake.dropCollection(name, purge);
        System.out.println("dropped " + name);
      }
      return 0;
    }
  }

  @Command(
      name = "drop-column",
      description =
          "Drop a column (e.g. the old vector column after a model upgrade) and its index; earlier"
              + " snapshots keep it.")
  static final class DropColumn implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "COLUMN")
    String column;

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open()) {
        lake.collection(name).dropColumn(column);
        System.out.println("dropped column " + column + " of " + name);
      }
      return 0;
    }
  }
}
