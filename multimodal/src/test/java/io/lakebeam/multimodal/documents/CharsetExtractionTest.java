package io.lakebeam.multimodal.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain-text files in legacy and multi-byte encodings decode to the sentence that was written. */
class CharsetExtractionTest {

  private static final DocumentExtractor EXTRACTOR = DocumentExtractor.create();

  private static final String FRENCH =
      "Le cœur déçu mais l'âme plutôt naïve, Louÿs rêva de crapaüter en canoë au delà des îles,"
          + " près du mälström où brûlent les novæ. Ça, c'est très joli à voir, garçon !";
  private static final String FRENCH_LATIN1 = FRENCH.replace("œ", "oe").replace("æ", "ae");
  private static final String FRENCH_CP1252 =
      "« Le cœur déçu » coûte 5 € – “naïve” Louÿs rêva… de crapaüter en canoë au delà des îles,"
          + " près du mälström où brûlent les novæ. Ça, c'est très joli à voir, garçon !";
  private static final String JAPANESE =
      "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。"
          + "何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。"
          + "吾輩はここで始めて人間というものを見た。";

  @TempDir Path dir;

  @Test
  void isoLatin1() throws Exception {
    // ISO-8859-1 is read as its superset windows-1252, as browsers do
    assertDecodes("latin1.txt", FRENCH_LATIN1, StandardCharsets.ISO_8859_1, "windows-1252");
  }

  @Test
  void windows1252WithEuroSignAndCurlyQuotes() throws Exception {
    assertDecodes("cp1252.txt", FRENCH_CP1252, Charset.forName("windows-1252"), "windows-1252");
  }

  @Test
  void utf16WithByteOrderMark() throws Exception {
    // Java's UTF-16 encoder writes a big-endian byte order mark first
    assertDecodes("utf16.txt", FRENCH + "\n\n" + JAPANESE, StandardCharsets.UTF_16, "UTF-16BE");
  }

  @Test
  void utf16LittleEndianWithByteOrderMark() throws Exception {
    String text = FRENCH + "\n\n" + JAPANESE;
    byte[] bom = {(byte) 0xFF, (byte) 0xFE};
    Path file =
        TestDocuments.write(
            dir.resolve("utf16le.txt"),
            TestDocuments.concat(bom, text.getBytes(StandardCharsets.UTF_16LE)));

    ExtractedDocument doc = EXTRACTOR.extract(file);

    assertThat(doc.text()).isEqualTo(text);
    assertThat(doc.metadata()).containsEntry("Content-Encoding", "UTF-16LE");
  }

  @Test
  void shiftJis() throws Exception {
    assertDecodes("sjis.txt", JAPANESE, Charset.forName("Shift_JIS"), "Shift_JIS");
  }

  @Test
  void eucJp() throws Exception {
    assertDecodes("eucjp.txt", JAPANESE, Charset.forName("EUC-JP"), "EUC-JP");
  }

  @Test
  void invalidUtf8BytesDoNotFailTheFile() throws Exception {
    byte[] before = "Valid text before the bad bytes. ".repeat(20).getBytes(StandardCharsets.UTF_8);
    byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xA0};
    byte[] after = " Déjà vu, valid text after them.".getBytes(StandardCharsets.UTF_8);
    Path file =
        TestDocuments.write(
            dir.resolve("broken-utf8.txt"),
            TestDocuments.concat(TestDocuments.concat(before, bad), after));

    ExtractedDocument doc = EXTRACTOR.extract(file);

    assertThat(doc.text())
        .startsWith("Valid text before the bad bytes. Valid text")
        .endsWith("valid text after them.");
    assertThat(doc.metadata()).containsKey("Content-Encoding");
  }

  private void assertDecodes(String name, String sentence, Charset charset, String reportedCharset)
      throws Exception {
    Path file = TestDocuments.write(dir.resolve(name), sentence.getBytes(charset));

    ExtractedDocument doc = EXTRACTOR.extract(file);

    assertThat(doc.mimeType()).isEqualTo("text/plain");
    assertThat(doc.metadata()).containsEntry("Content-Encoding", reportedCharset);
    assertThat(doc.text()).isEqualTo(sentence);
  }
}
