package io.lakebeam.core.lake;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.index.IndexService;
import io.lakebeam.core.index.TextIndexService;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.ResolvingFileIO;

/**
 * A lakehouse: an Iceberg catalog whose tables are Lakebeam collections.
 *
 * <pre>{@code
 * try (Lakehouse lake = Lakehouse.open("./lakehouse")) {
 *   lake.createExternalCollection("docs", "/data/docs/*.parquet",
 *       Map.of("text", "string", "embedding", "float_vector(384)"), Metric.COSINE, false);
 *   lake.indexes().build(lake.collection("docs"), "embedding", Metric.COSINE, IndexParams.defaults());
 * }
 * }</pre>
 *
 * <p>Thread-safe: one instance serves every request of a server.
 */
public final class Lakehouse implements Closeable {
  /** The namespace of collection names that have no dot. */
  public static final String DEFAULT_NAMESPACE = "default";

  private final LakehouseConfig config;
  private final Catalog catalog;
  private final FileIO io;
  private final IndexService indexes;
  private final TextIndexService textIndexes;
  private final SourceRoots sourceRoots;

  private Lakehouse(LakehouseConfig config, Catalog catalog, FileIO io) {
    this.config = config;
    this.sourceRoots = config.sourceRoots();
    this.catalog = catalog;
    this.io = io;
    this.indexes = new IndexService(this);
    this.textIndexes = new TextIndexService(this);
  }

  /**
   * Opens (creating if needed) the lakehouse at a directory, {@code file:} URI or properties file.
   */
  public static Lakehouse open(String location) {
    return open(LakehouseConfig.of(location));
  }

  public static Lakehouse open(LakehouseConfig config) {
    Map<String, String> props = new HashMap<>(config.properties());
    String type = props.remove(LakehouseConfig.CATALOG_TYPE);
    String uri = props.remove(LakehouseConfig.CATALOG_URI);
    props.remove(LakehouseConfig.ALLOWED_SOURCES);
    if (uri != null) {
      props.put(CatalogProperties.URI, uri);
    }
    props.putIfAbsent(CatalogProperties.FILE_IO_IMPL, ResolvingFileIO.class.getName());
    String impl;
    switch (type) {
      case "hadoop":
        impl = "org.apache.iceberg.hadoop.HadoopCatalog";
        String wh = config.warehouse();
        if (!wh.contains("://")) {
          try {
            Files.createDirectories(Paths.get(wh));
          } catch (IOException e) {
            throw LakebeamException.invalid("Cannot create warehouse directory %s: %s", wh, e);
          }
        }
        break;
      case "jdbc":
        impl = "org.apache.iceberg.jdbc.JdbcCatalog";
        break;
      case "rest":
        impl = "org.apache.iceberg.rest.RESTCatalog";
        break;
      default:
        throw LakebeamException.invalid(
            "Cannot use catalog.type '%s': choose hadoop, jdbc or rest", type);
    }
    Catalog catalog;
    try {
      catalog =
          "jdbc".equals(type)
              ? jdbcCatalog(props)
              : CatalogUtil.loadCatalog(impl, "lakebeam", props, new Configuration());
    } catch (RuntimeException e) {
      if ("rest".equals(type)) {
        throw RestCatalogErrors.cannotOpen(uri, e);
      }
      throw LakebeamException.invalid(
          "Cannot open the %s catalog of %s: %s", type, config.warehouse(), e.getMessage());
    }
    FileIO io =
        CatalogUtil.loadFileIO(
            props.get(CatalogProperties.FILE_IO_IMPL), props, new Configuration());
    return new Lakehouse(config, catalog, io);
  }

  /** A JDBC catalog over {@link JdbcCatalogPool}, whose connections hold no lock between calls. */
  private static Catalog jdbcCatalog(Map<String, String> props) {
    org.apache.iceberg.jdbc.JdbcCatalog catalog =
        new org.apache.iceberg.jdbc.JdbcCatalog(
            null, p -> new JdbcCatalogPool(p.get(CatalogProperties.URI), p), true);
    catalog.setConf(new Configuration());
    catalog.initialize("lakebeam", props);
    return catalog;
  }

  public LakehouseConfig config() {
    return config;
  }

  public Catalog catalog() {
    return catalog;
  }

  /** A FileIO that reaches local paths and object storage with this lakehouse's credentials. */
  public FileIO io() {
    return io;
  }

  /** The directories and prefixes external collections may read. */
  public SourceRoots sourceRoots() {
    return sourceRoots;
  }

  /** The vector indexes of this lakehouse's collections. */
  public IndexService indexes() {
    return indexes;
  }

  /** The BM25 text indexes of this lakehouse's collections. */
  public TextIndexService textIndexes() {
    return textIndexes;
  }

  /** Longest collection name: its parts become directory names, which file systems cap at 255. */
  public static final int MAX_NAME_LENGTH = 128;

  /** Maps {@code "docs"} to {@code default.docs} and {@code "corpus.chunks"} to itself. */
  public static TableIdentifier identifier(String collection) {
    if (collection == null || collection.isBlank()) {
      throw LakebeamException.invalid("Cannot use an empty collection name");
    }
    if (collection.length() > MAX_NAME_LENGTH) {
      throw LakebeamException.invalid(
          "Cannot use a collection name of %d characters: use at most %d",
          collection.length(), MAX_NAME_LENGTH);
    }
    if (!collection.matches("[A-Za-z0-9_][A-Za-z0-9_.\\-]*") || collection.endsWith(".")) {
      throw LakebeamException.invalid(
          "Cannot use collection name '%s': use letters, digits, '_', '-' and '.' between"
              + " namespace and table",
          collection);
    }
    int dot = collection.lastIndexOf('.');
    return dot < 0
        ? TableIdentifier.of(DEFAULT_NAMESPACE, collection)
        : TableIdentifier.of(
            Namespace.of(collection.substring(0, dot).split("\\.")), collection.substring(dot + 1));
  }

  static String collectionName(TableIdentifier id) {
    String ns = id.namespace().toString();
    return DEFAULT_NAMESPACE.equals(ns) ? id.name() : ns + "." + id.name();
  }

  /** All collections, sorted by name. */
  public List<String> listCollections() {
    List<String> names = new ArrayList<>();
    List<Namespace> namespaces =
        catalog instanceof SupportsNamespaces sn
            ? sn.listNamespaces()
            : List.of(Namespace.of(DEFAULT_NAMESPACE));
    for (Namespace ns : namespaces) {
      for (TableIdentifier id : catalog.listTables(ns)) {
        names.add(collectionName(id));
      }
    }
    names.sort(String::compareTo);
    return names;
  }

  public boolean hasCollection(String name) {
    return catalog.tableExists(identifier(name));
  }

  /** Opens a collection, or fails with NOT_FOUND naming the collections that do exist. */
  public Collection collection(String name) {
    TableIdentifier id = identifier(name);
    try {
      Table table = catalog.loadTable(id);
      return new Collection(this, name, table);
    } catch (NoSuchTableException e) {
      throw LakebeamException.notFound(
          "Collection '%s' does not exist; existing collections: %s. Create it first"
              + " (create_collection or create_external_collection)",
          name, listCollections());
    }
  }

  /** Creates an empty managed collection. */
  public Collection createCollection(
      String name, Map<String, String> schema, Metric metric, boolean ifNotExists) {
    return CollectionFactory.create(this, name, schema, metric, ifNotExists);
  }

  /**
   * Registers existing Parquet files in place as a collection (no copy); the source must be under
   * one of {@link #sourceRoots()}.
   */
  public ExternalFiles.Result createExternalCollection(
      String name, String src, Map<String, String> schema, Metric metric, boolean strict) {
    return CollectionFactory.createExternal(this, name, src, schema, metric, strict);
  }

  /** Drops a collection; {@code purge} also deletes its data files, never an external one's. */
  public boolean dropCollection(String name, boolean purge) {
    Collection c = collection(name);
    indexes.forget(name);
    textIndexes.forget(name);
    boolean deleteData = purge && !c.isExternal();
    return catalog.dropTable(identifier(name), deleteData);
  }

  void ensureNamespace(Namespace ns) {
    if (catalog instanceof SupportsNamespaces sn && !sn.namespaceExists(ns)) {
      try {
        sn.createNamespace(ns);
      } catch (org.apache.iceberg.exceptions.AlreadyExistsException ignored) {
        // created concurrently
      }
    }
  }

  @Override
  public void close() throws IOException {
    textIndexes.close();
    indexes.close();
    if (catalog instanceof Closeable c) {
      c.close();
    }
    io.close();
  }
}
