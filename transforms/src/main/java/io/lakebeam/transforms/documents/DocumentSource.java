package io.lakebeam.transforms.documents;

import io.lakebeam.transforms.lake.LakeTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.iceberg.io.InputFile;

/**
 * Where raw documents are read from: the local file system, or any URI the lakehouse's FileIO reads
 * (s3://, gs://, ...), without copying them.
 */
final class DocumentSource implements Serializable {
  private final LakeTarget lakehouse;

  DocumentSource(LakeTarget lakehouse) {
    this.lakehouse = lakehouse;
  }

  static boolean isRemote(String uri) {
    return uri.contains("://") && !uri.startsWith("file:");
  }

  long size(String uri) throws IOException {
    if (isRemote(uri)) {
      return remote(uri).getLength();
    }
    return Files.size(local(uri));
  }

  InputStream open(String uri) throws IOException {
    if (isRemote(uri)) {
      return remote(uri).newStream();
    }
    return Files.newInputStream(local(uri));
  }

  private InputFile remote(String uri) throws IOException {
    if (lakehouse == null) {
      throw new IOException(
          "Cannot read "
              + uri
              + ": object storage is read through a lakehouse; pass withLakehouse");
    }
    InputFile f = lakehouse.lakehouse().io().newInputFile(uri);
    if (!f.exists()) {
      throw new NoSuchFileException(uri);
    }
    return f;
  }

  private static Path local(String uri) {
    return uri.startsWith("file:") ? Paths.get(java.net.URI.create(uri)) : Paths.get(uri);
  }
}
