package io.lakebeam.flight;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code --auth-config} file, reloaded when it changes: every call stats the file (cheap) and
 * parses it again when its modification time or size differ from the last load. A reload that fails
 * keeps the previous configuration and logs an error, so a half-written edit never locks everyone
 * out.
 *
 * <pre>{@code
 * Supplier<AccessConfig> tokens = AccessConfigFile.load(Path.of("auth.json"), "s3cret");
 * }</pre>
 *
 * <p>Thread-safe.
 */
final class AccessConfigFile implements Supplier<AccessConfig> {
  private static final Logger LOG = LoggerFactory.getLogger(AccessConfigFile.class);

  private record Loaded(FileTime modified, long size, AccessConfig config) {}

  private final Path file;
  private final AccessConfig base;
  private volatile Loaded loaded;

  private AccessConfigFile(Path file, AccessConfig base) {
    this.file = file;
    this.base = base;
  }

  /**
   * Loads {@code file} now (failing with a clear message if it cannot be read or parsed), adding
   * {@code adminToken} when non-null.
   */
  static AccessConfigFile load(Path file, String adminToken) {
    AccessConfig base = adminToken == null ? null : AccessConfig.adminToken(adminToken);
    AccessConfigFile f = new AccessConfigFile(file, base);
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read auth config " + file + ": " + e + "; pass an existing JSON file");
    }
    f.loaded = new Loaded(attrs.lastModifiedTime(), attrs.size(), f.read());
    return f;
  }

  @Override
  public AccessConfig get() {
    Loaded l = loaded;
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return l.config(); // a moment without the file (an editor's rename) keeps the last config
    }
    if (attrs.lastModifiedTime().equals(l.modified()) && attrs.size() == l.size()) {
      return l.config();
    }
    synchronized (this) {
      l = loaded;
      if (attrs.lastModifiedTime().equals(l.modified()) && attrs.size() == l.size()) {
        return l.config();
      }
      AccessConfig config = l.config();
      try {
        config = read();
        LOG.info("Reloaded auth config {}", file);
      } catch (RuntimeException e) {
        LOG.error(
            "Cannot reload auth config {}; keeping the previous one: {}", file, e.getMessage());
      }
      loaded = new Loaded(attrs.lastModifiedTime(), attrs.size(), config);
      return config;
    }
  }

  private AccessConfig read() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read auth config " + file + ": " + e);
    }
    AccessConfig parsed = AccessConfig.parse(bytes, file.toString());
    return base == null ? parsed : base.with(parsed);
  }
}
