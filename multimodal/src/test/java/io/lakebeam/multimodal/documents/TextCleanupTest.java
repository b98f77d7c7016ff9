package io.lakebeam.multimodal.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextCleanupTest {

  @Test
  void normalizeKeepsParagraphsAndDropsNoise() {
    String raw =
        "\n\n  Title  \r\n\r\n\r\n\r\nFirst line \t\nsecond\u0000 line\f\n\n\n  indented\n \n";

    assertThat(TextCleanup.normalize(raw))
        .isEqualTo("Title\n\nFirst line\nsecond line\n\n  indented");
  }

  @Test
  void normalizeOfWhitespaceIsEmpty() {
    assertThat(TextCleanup.normalize(" \n\t\r\n\u00A0 ")).isEmpty();
  }

  @Test
  void prosInAnyScriptIsNotBinary() {
    assertThat(TextCleanup.looksLikeBinary("Grüße aus Köln. 吾輩は猫である。 Ça va ? 😀")).isFalse();
    assertThat(TextCleanup.looksLikeBinary("a few \uFFFD replacement characters in a long line"))
        .isFalse();
  }

  @Test
  void randomBytesDecodedAsTextAreBinary() {
    byte[] random = TestDocuments.randomBytes(11, 4_096);

    assertThat(TextCleanup.looksLikeBinary(new String(random, StandardCharsets.ISO_8859_1)))
        .isTrue();
    assertThat(TextCleanup.looksLikeBinary(new String(random, StandardCharsets.UTF_8))).isTrue();
    assertThat(TextCleanup.looksLikeBinary(new String(random, StandardCharsets.UTF_16LE))).isTrue();
  }
}
