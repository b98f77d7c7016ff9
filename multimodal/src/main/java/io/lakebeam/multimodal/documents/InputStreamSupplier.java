package io.lakebeam.multimodal.documents;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens the bytes of one document, from local disk, S3 or anywhere else. {@link DocumentExtractor}
 * calls it once and closes the stream it returns.
 *
 * <p>Throw {@link java.nio.file.NoSuchFileException} or {@link java.io.FileNotFoundException} when
 * the object does not exist: the extraction then fails with {@link ExtractionFailure#NOT_FOUND}.
 * Any other {@link IOException} fails it with {@link ExtractionFailure#IO}.
 */
@FunctionalInterface
public interface InputStreamSupplier {

  /** Opens a new stream over the document's bytes. */
  InputStream open() throws IOException;
}
