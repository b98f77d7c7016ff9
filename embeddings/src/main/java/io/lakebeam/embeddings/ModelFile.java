package io.lakebeam.embeddings;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where one file of a model lives: a classpath resource (a model shipped in a jar) or a path on
 * disk.
 *
 * <pre>{@code
 * ModelFile onnx = ModelFile.classpath("all-minilm-l6-v2.onnx", "dev.langchain4j:...-l6-v2");
 * ModelFile tokenizer = ModelFile.path(Path.of("/models/e5/tokenizer.json"));
 * }</pre>
 */
public sealed interface ModelFile extends java.io.Serializable {

  /**
   * A resource at {@code resource} on the classpath.
   *
   * @param resource the resource name, without a leading slash
   * @param providedBy the artifact that ships it, named in the error when it is missing
   */
  static ModelFile classpath(String resource, String providedBy) {
    return new Classpath(resource, providedBy);
  }

  /** A file on disk; the path is made absolute so equal files give equal specs. */
  static ModelFile path(Path path) {
    return new OnDisk(path);
  }

  /** Opens the file for reading; the caller closes the stream. */
  InputStream open() throws IOException;

  /** Returns a short description for messages, e.g. {@code classpath:all-minilm-l6-v2.onnx}. */
  String describe();

  /** A classpath resource. */
  record Classpath(String resource, String providedBy) implements ModelFile {
    public Classpath {
      Objects.requireNonNull(resource, "resource");
      Objects.requireNonNull(providedBy, "providedBy");
      if (resource.isBlank() || resource.startsWith("/")) {
        throw new IllegalArgumentException(
            "Cannot use classpath resource: name must be non-blank without a leading '/': "
                + resource);
      }
    }

    @Override
    public InputStream open() throws IOException {
      InputStream in = ModelFile.class.getClassLoader().getResourceAsStream(resource);
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      if (in == null && context != null) {
        in = context.getResourceAsStream(resource);
      }
      if (in == null) {
        throw new IOException(
            "classpath resource "
                + resource
                + " not found; add "
                + providedBy
                + " to the classpath (it ships the file)");
      }
      return in;
    }

    @Override
    public String describe() {
      return "classpath:" + resource;
    }
  }

  /** A file on disk. */
  record OnDisk(Path path) implements ModelFile {
    public OnDisk {
      path = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
    }

    @Override
    public InputStream open() throws IOException {
      if (!Files.isRegularFile(path)) {
        throw new IOException("file " + path + " does not exist or is not a regular file");
      }
      return Files.newInputStream(path);
    }

    @Override
    public String describe() {
      return path.toString();
    }
  }
}
