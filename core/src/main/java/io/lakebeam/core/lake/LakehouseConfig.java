package io.lakebeam.core.lake;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where a lakehouse lives and how its Iceberg catalog is reached.
 *
 * <p>The embedded default is a local directory: {@code LakehouseConfig.of("./lakehouse")} uses an
 * Iceberg Hadoop catalog whose warehouse is that directory, with no server to run. A directory that
 * holds a {@code lakehouse.properties} file, or the path of such a file, configures anything else;
 * every key is passed to the Iceberg catalog, for example:
 *
 * <pre>{@code
 * warehouse=s3://my-lake/warehouse
 * catalog.type=jdbc
 * catalog.uri=jdbc:sqlite:/var/lib/lakebeam/catalog.db
 * s3.endpoint=http://127.0.0.1:9000
 * s3.path-style-access=true
 * }</pre>
 *
 * <p>An Iceberg REST catalog (Polaris, Nessie, Glue, Unity) takes its endpoint, a credential and
 * the server's warehouse name or location; every other key (OAuth2 {@code credential}, {@code
 * token}, {@code scope}, {@code s3.*}) goes to Iceberg's {@code RESTCatalog} unchanged:
 *
 * <pre>{@code
 * catalog.type=rest
 * catalog.uri=https://polaris.example.com/api/catalog
 * credential=CLIENT_ID:CLIENT_SECRET
 * warehouse=lakebeam_catalog
 * }</pre>
 */
public final class LakehouseConfig {
  /**
   * Catalog implementation: {@code hadoop} (default for local warehouses), {@code jdbc}, {@code
   * rest}.
   */
  public static final String CATALOG_TYPE = "catalog.type";

  /** The JDBC URL (for {@code jdbc}) or server URL (for {@code rest}) of the catalog. */
  public static final String CATALOG_URI = "catalog.uri";

  /** The warehouse location: a local directory or an {@code s3://} URI. */
  public static final String WAREHOUSE = "warehouse";

  /**
   * Comma-separated directories and {@code s3://bucket/prefix} prefixes that external collections
   * may read (default: the warehouse only); the system property {@value #ALLOWED_SOURCES_PROPERTY}
   * adds more.
   */
  public static final String ALLOWED_SOURCES = "lakebeam.allowed-sources";

  /** System property: more allowed source roots, comma-separated. */
  public static final String ALLOWED_SOURCES_PROPERTY = "lakebeam.allowed.sources";

  /** The {@value} catalog type: an Iceberg REST catalog server (Polaris, Nessie, Glue, Unity). */
  public static final String REST = "rest";

  /** The file name looked for inside a lakehouse directory. */
  public static final String PROPERTIES_FILE = "lakehouse.properties";

  private final Map<String, String> properties;

  private LakehouseConfig(Map<String, String> properties) {
    this.properties = Map.copyOf(properties);
  }

  /** Reads a configuration from a directory, a {@code file:} URI or a properties file. */
  public static LakehouseConfig of(String location) {
    if (location == null || location.isBlank()) {
      throw LakebeamException.invalid(
          "Cannot open a lakehouse: no location given (use --lakehouse DIR)");
    }
    if (location.startsWith("s3://") || location.startsWith("s3a://")) {
      throw LakebeamException.invalid(
          "Cannot open lakehouse '%s' directly: an object-storage warehouse needs a catalog; write a"
              + " %s with warehouse=%s, catalog.type=jdbc and catalog.uri, and pass its path",
          location, PROPERTIES_FILE, location);
    }
    Path path =
        location.startsWith("file:") ? Paths.get(URI.create(location)) : Paths.get(location);
    path = path.toAbsolutePath().normalize();
    Path propsFile = Files.isRegularFile(path) ? path : path.resolve(PROPERTIES_FILE);
    Map<String, String> props = new HashMap<>();
    if (Files.isRegularFile(propsFile)) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(propsFile)) {
        p.load(r);
      } catch (IOException e) {
        throw LakebeamException.invalid("Cannot read %s: %s", propsFile, e.getMessage());
      }
      p.forEach((k, v) -> props.put(k.toString(), v.toString().trim()));
      Path base = propsFile.getParent();
      if (REST.equals(props.get(CATALOG_TYPE))) {
        // A REST catalog's warehouse is the server's to interpret (a location, or a catalog name
        // for Polaris, Nessie or Glue): never a path relative to this file.
        return of(props);
      }
      props.computeIfAbsent(WAREHOUSE, k -> base.resolve("warehouse").toString());
      String wh = props.get(WAREHOUSE);
      if (!wh.contains("://") && !Paths.get(wh).isAbsolute()) {
        props.put(WAREHOUSE, base.resolve(wh).normalize().toString());
      }
    } else {
      if (Files.exists(path) && !Files.isDirectory(path)) {
        throw LakebeamException.invalid(
            "Cannot open lakehouse '%s': it is a file but not a .properties file", location);
      }
      props.put(WAREHOUSE, path.resolve("warehouse").toString());
    }
    return of(props);
  }

  /**
   * Builds a configuration from catalog properties; {@code warehouse} is required except for a
   * {@code rest} catalog, whose server may choose it.
   */
  public static LakehouseConfig of(Map<String, String> properties) {
    Map<String, String> props = new HashMap<>(properties);
    String warehouse = props.get(WAREHOUSE);
    if (REST.equals(props.get(CATALOG_TYPE))) {
      String uri = props.getOrDefault(CATALOG_URI, "");
      if (!uri.startsWith("http://") && !uri.startsWith("https://")) {
        throw LakebeamException.invalid(
            "Cannot use a rest catalog without an http(s) '%s' (got '%s'): set it to the"
                + " server's Iceberg REST endpoint, e.g. http://polaris:8181/api/catalog",
            CATALOG_URI, uri);
      }
      return new LakehouseConfig(props);
    }
    if (warehouse == null) {
      throw LakebeamException.invalid("Cannot configure a lakehouse without '%s'", WAREHOUSE);
    }
    boolean local = !warehouse.contains("://") || warehouse.startsWith("file:");
    props.putIfAbsent(CATALOG_TYPE, local ? "hadoop" : "jdbc");
    if ("jdbc".equals(props.get(CATALOG_TYPE)) && !props.containsKey(CATALOG_URI)) {
      throw LakebeamException.invalid(
          "Cannot use a jdbc catalog without '%s' (e.g. jdbc:sqlite:/path/catalog.db)",
          CATALOG_URI);
    }
    if (props.getOrDefault(CATALOG_URI, "").startsWith("jdbc:sqlite:")) {
      // Parallel workers of one pipeline commit to the same catalog file: wait for its lock
      // instead of failing with SQLITE_BUSY (the JDBC catalog passes jdbc.* to the driver).
      props.putIfAbsent("jdbc.busy_timeout", "30000");
    }
    return new LakehouseConfig(props);
  }

  /**
   * The warehouse: a directory or {@code s3://} URI; for a {@code rest} catalog whatever the server
   * takes (a location or a catalog name), or null when the server chooses.
   */
  public String warehouse() {
    return properties.get(WAREHOUSE);
  }

  public String catalogType() {
    return properties.get(CATALOG_TYPE);
  }

  /**
   * A copy that also allows these source roots for external collections.
   *
   * <pre>{@code
   * LakehouseConfig.of("./lakehouse").withAllowedSources(List.of("/data", "s3://lake/raw"))
   * }</pre>
   */
  public LakehouseConfig withAllowedSources(java.util.List<String> roots) {
    if (roots == null || roots.isEmpty()) {
      return this;
    }
    Map<String, String> props = new HashMap<>(properties);
    String old = props.get(ALLOWED_SOURCES);
    String added = String.join(",", roots);
    props.put(ALLOWED_SOURCES, old == null || old.isBlank() ? added : old + "," + added);
    SourceRoots.of(roots); // fail at start on a malformed root
    return new LakehouseConfig(props);
  }

  /** The roots external collections may read: those configured, or else the warehouse. */
  public SourceRoots sourceRoots() {
    java.util.List<String> roots = new java.util.ArrayList<>();
    for (String v :
        new String[] {
          properties.get(ALLOWED_SOURCES), System.getProperty(ALLOWED_SOURCES_PROPERTY)
        }) {
      if (v != null) {
        roots.addAll(java.util.Arrays.asList(v.split(",")));
      }
    }
    roots.removeIf(String::isBlank);
    if (roots.isEmpty() && warehouse() != null && isLocation(warehouse())) {
      roots.add(warehouse());
    }
    return SourceRoots.of(roots);
  }

  private boolean isLocation(String warehouse) {
    return !REST.equals(catalogType()) || warehouse.contains("://") || warehouse.startsWith("/");
  }

  public Map<String, String> properties() {
    return properties;
  }

  @Override
  public String toString() {
    return "LakehouseConfig{" + catalogType() + " catalog, warehouse=" + warehouse() + "}";
  }
}
