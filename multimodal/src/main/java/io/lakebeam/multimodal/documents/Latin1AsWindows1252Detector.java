package io.lakebeam.multimodal.documents;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.apache.tika.detect.EncodingDetector;
import org.apache.tika.metadata.Metadata;

/**
 * Tika's charset detection, except that ISO-8859-1 decodes as windows-1252, as browsers do (the
 * WHATWG Encoding standard maps the one label to the other).
 *
 * <p>Tika's first detector (juniversalchardet) reports ISO-8859-1 for windows-1252 text, whose
 * bytes 0x80-0x9F (euro sign, curly quotes, dashes, œ) would then become control characters.
 * Windows-1252 decodes every other ISO-8859-1 byte the same way, so nothing is lost.
 */
final class Latin1AsWindows1252Detector implements EncodingDetector {

  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  private final EncodingDetector delegate;

  Latin1AsWindows1252Detector(EncodingDetector delegate) {
    this.delegate = delegate;
  }

  @Override
  public Charset detect(InputStream input, Metadata metadata) throws IOException {
    Charset detected = delegate.detect(input, metadata);
    return StandardCharsets.ISO_8859_1.equals(detected) ? WINDOWS_1252 : detected;
  }
}
