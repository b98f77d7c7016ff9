package io.lakebeam.core;

import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A real S3-compatible server (S3Proxy over a local directory) on 127.0.0.1, started as a child
 * process from the test class path and stopped on {@link #close()}.
 *
 * <pre>{@code
 * try (S3ProxyServer s3 = S3ProxyServer.start(tempDir, "lake")) {
 *   Lakehouse lake = Lakehouse.open(LakehouseConfig.of(s3.lakehouseProperties(tempDir, "wh")));
 * }
 * }</pre>
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "lakebeam-test";
  public static final String SECRET_KEY = "lakebeam-test-secret";

  private final Process process;
  private final int port;

  private S3ProxyServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts S3Proxy storing objects under {@code dir/blobs}, with the given buckets created. */
  public static S3ProxyServer start(Path dir, String... buckets)
      throws IOException, InterruptedException {
    Path blobs = dir.resolve("s3-blobs");
    for (String b : buckets) {
      Files.createDirectories(blobs.resolve(b));
    }
    int port = freePort();
    Properties p = new Properties();
    p.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
    p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    p.setProperty("s3proxy.identity", ACCESS_KEY);
    p.setProperty("s3proxy.credential", SECRET_KEY);
    p.setProperty("jclouds.provider", "filesystem");
    p.setProperty("jclouds.filesystem.basedir", blobs.toString());
    Path props = dir.resolve("s3proxy.properties");
    try (Writer w = Files.newBufferedWriter(props)) {
      p.store(w, "S3Proxy for Lakebeam tests");
    }
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "org.gaul.s3proxy.Main",
                "--properties",
                props.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("s3proxy.log").toFile())
            .start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("S3Proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new S3ProxyServer(process, port);
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    process.destroyForcibly();
    throw new IOException("S3Proxy did not start within 60 s; see " + dir.resolve("s3proxy.log"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The S3 properties Iceberg's S3FileIO needs to reach this server. */
  public Map<String, String> s3Properties() {
    Map<String, String> m = new HashMap<>();
    m.put("s3.endpoint", endpoint());
    m.put("s3.path-style-access", "true");
    m.put("s3.access-key-id", ACCESS_KEY);
    m.put("s3.secret-access-key", SECRET_KEY);
    m.put("client.region", "us-east-1");
    return m;
  }

  /**
   * Lakehouse properties: warehouse in {@code s3://bucket/prefix}, a SQLite catalog in {@code dir}.
   */
  public Map<String, String> lakehouseProperties(Path dir, String bucket, String prefix) {
    Map<String, String> m = new HashMap<>(s3Properties());
    m.put("warehouse", "s3://" + bucket + "/" + prefix);
    m.put("catalog.type", "jdbc");
    m.put("catalog.uri", "jdbc:sqlite:" + dir.resolve("catalog.db"));
    return m;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
