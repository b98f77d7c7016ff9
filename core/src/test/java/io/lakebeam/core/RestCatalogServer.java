package io.lakebeam.core;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Iceberg REST catalog server on 127.0.0.1: Iceberg 1.7.1's {@code RESTCatalogServer} (the
 * server of Iceberg's REST compatibility kit: Jetty + {@code RESTCatalogServlet} over a JDBC
 * catalog on SQLite), storing table metadata with {@code S3FileIO} on an {@link S3ProxyServer}. It
 * runs as a child JVM on its own class path, resolved by Maven from {@code
 * core/src/test/rest-catalog-server/pom.xml}, so its Iceberg, Jetty and AWS SDK never mix with
 * Lakebeam's (Iceberg 1.6.1).
 *
 * <pre>{@code
 * try (S3ProxyServer s3 = S3ProxyServer.start(dir, "lake");
 *     RestCatalogServer rest = RestCatalogServer.start(dir, s3, "s3://lake/wh")) {
 *   Lakehouse lake = Lakehouse.open(LakehouseConfig.of(rest.lakehouseProperties()));
 * }
 * }</pre>
 */
public final class RestCatalogServer implements AutoCloseable {
  private static final String MAIN = "org.apache.iceberg.rest.RESTCatalogServer";

  private final Process process;
  private final int port;
  private final S3ProxyServer s3;
  private final String warehouse;

  private RestCatalogServer(Process process, int port, S3ProxyServer s3, String warehouse) {
    this.process = process;
    this.port = port;
    this.s3 = s3;
    this.warehouse = warehouse;
  }

  /**
   * Starts the server with its SQLite catalog in {@code dir} and tables under {@code warehouse}.
   */
  public static RestCatalogServer start(Path dir, S3ProxyServer s3, String warehouse)
      throws IOException, InterruptedException {
    String classPath = classPath();
    int port = freePort();
    Path log = dir.resolve("rest-catalog-" + port + ".log");
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classPath, MAIN)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("CATALOG_"));
    // RCKUtils maps CATALOG_A__B_C to the catalog property a-b.c.
    env.put("CATALOG_REST_PORT", Integer.toString(port));
    env.put("CATALOG_URI", "jdbc:sqlite:" + dir.resolve("rest-catalog-" + port + ".db"));
    env.put("CATALOG_JDBC_SCHEMA__VERSION", "V1");
    env.put("CATALOG_CLIENTS", "1"); // one SQLite connection: commits queue, never SQLITE_BUSY
    env.put("CATALOG_WAREHOUSE", warehouse);
    env.put("CATALOG_IO__IMPL", "org.apache.iceberg.aws.s3.S3FileIO");
    env.put("CATALOG_S3_ENDPOINT", s3.endpoint());
    env.put("CATALOG_S3_PATH__STYLE__ACCESS", "true");
    env.put("CATALOG_S3_ACCESS__KEY__ID", S3ProxyServer.ACCESS_KEY);
    env.put("CATALOG_S3_SECRET__ACCESS__KEY", S3ProxyServer.SECRET_KEY);
    env.put("CATALOG_CLIENT_REGION", "us-east-1");
    env.put("AWS_REGION", "us-east-1");
    Process process = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("The REST catalog server exited: " + Files.readString(log));
      }
      if (answers(port)) {
        return new RestCatalogServer(process, port, s3, warehouse);
      }
      Thread.sleep(100);
    }
    process.destroyForcibly();
    throw new IOException("The REST catalog server did not start within 120 s; see " + log);
  }

  private static boolean answers(int port) {
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + port + "/v1/config").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(5000);
      try {
        return c.getResponseCode() == 200;
      } finally {
        c.disconnect();
      }
    } catch (IOException notYet) {
      return false;
    }
  }

  /**
   * The server's class path: resolved once by {@code mvn dependency:build-classpath} into {@code
   * core/target/rest-catalog-server.classpath} and reused while the pom is unchanged.
   */
  static synchronized String classPath() throws IOException, InterruptedException {
    Path core = coreDir();
    Path pom = core.resolve("src/test/rest-catalog-server/pom.xml");
    Path out = core.resolve("target/rest-catalog-server.classpath");
    if (Files.isRegularFile(out)
        && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(pom)) > 0) {
      return Files.readString(out).trim();
    }
    Files.createDirectories(out.getParent());
    Path log = core.resolve("target/rest-catalog-server-resolve.log");
    Process mvn =
        new ProcessBuilder(
                List.of(
                    "mvn",
                    "-B",
                    "-q",
                    "-f",
                    pom.toString(),
                    "dependency:build-classpath",
                    "-Dmdep.outputFile=" + out))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!mvn.waitFor(300, TimeUnit.SECONDS) || mvn.exitValue() != 0 || !Files.isRegularFile(out)) {
      mvn.destroyForcibly();
      throw new IOException(
          "Cannot resolve the REST catalog server's class path (mvn -f "
              + pom
              + " dependency:build-classpath): "
              + Files.readString(log));
    }
    return Files.readString(out).trim();
  }

  private static Path coreDir() {
    Path here = Paths.get("").toAbsolutePath();
    for (Path p : List.of(here, here.resolve("core"), here.resolveSibling("core"))) {
      if (Files.isRegularFile(p.resolve("src/test/rest-catalog-server/pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("Cannot find core/src/test/rest-catalog-server from " + here);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public String uri() {
    return "http://127.0.0.1:" + port;
  }

  /** Lakehouse properties that reach this server and its S3 storage. */
  public Map<String, String> lakehouseProperties() {
    Map<String, String> m = new HashMap<>(s3.s3Properties());
    m.put("catalog.type", "rest");
    m.put("catalog.uri", uri());
    m.put("warehouse", warehouse);
    return m;
  }

  /** Properties for a plain Iceberg {@code RESTCatalog} client (another engine). */
  public Map<String, String> icebergClientProperties() {
    Map<String, String> m = new HashMap<>(s3.s3Properties());
    m.put("uri", uri());
    m.put("warehouse", warehouse);
    m.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    return m;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
